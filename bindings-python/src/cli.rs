//! `wsgate._wsgate.cli`: the core's command line, so that the `wsgate` command of the Python package takes the
//! binary's arguments and prints what it prints; Python only serves, with the handlers the core names.

use pyo3::prelude::*;
use pythonize::pythonize;
use wsgate_core::cli::{run, Host};

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving, as `wsgate_core::cli::Outcome::to_json`
/// gives it: `{"stdout", "stderr", "code"}`, or `{"serve", "handlers", "tlsNote"}` for Python to serve.
#[pyfunction]
pub fn cli<'py>(py: Python<'py>, argv: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
    let outcome = py.detach(|| run(argv, Host::Python).to_json());
    Ok(pythonize(py, &outcome)?)
}
