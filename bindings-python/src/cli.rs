//! `wsgate._wsgate.cli`: the core's command line, so that the `wsgate` command of the Python package takes the
//! binary's arguments and prints what it prints; Python only serves, with the handlers the core names.

use pyo3::prelude::*;
use pythonize::pythonize;
use serde_json::json;
use wsgate_core::cli::{run, Outcome};

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving: `{"stdout", "stderr", "code"}` when the
/// command is done, or `{"serve": options, "handlers": [binding, ...], "tls_note"}` for Python to serve.
#[pyfunction]
pub fn cli<'py>(py: Python<'py>, argv: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
    let outcome = match py.detach(|| run(argv)) {
        Outcome::Done {
            stdout,
            stderr,
            code,
        } => json!({"stdout": stdout, "stderr": stderr, "code": code}),
        Outcome::Serve { args, handlers } => {
            json!({"serve": args, "handlers": handlers, "tls_note": args.tls_note()})
        }
    };
    Ok(pythonize(py, &outcome)?)
}
