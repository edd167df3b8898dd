//! Core errors as the exceptions of `wsgate.errors` (defined in Python, so they are ordinary, typed classes).

use pyo3::prelude::*;
use wsgate_core::config::RegistrationError;
use wsgate_core::engine::SessionError;
use wsgate_core::server::ConnectionError;
use wsgate_core::ConfigError;

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("wsgate.errors")?.getattr(name)
}

/// An exception of `wsgate.errors` by class name, with one message argument.
pub fn raise(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    match class(py, name).and_then(|c| c.call1((message.into(),))) {
        Ok(error) => PyErr::from_value(error),
        Err(e) => e,
    }
}

/// `ConfigError(message, problems)`, each problem a `Problem(path, code, message, file, line)`.
pub fn config_error(py: Python<'_>, error: &ConfigError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problem = class(py, "Problem")?;
        let problems = error
            .problems
            .iter()
            .map(|p| problem.call1((&p.path, p.kind.code(), &p.message, &p.file, p.line)))
            .collect::<PyResult<Vec<_>>>()?;
        let error = class(py, "ConfigError")?.call1((error.to_string(), problems))?;
        Ok(PyErr::from_value(error))
    };
    build().unwrap_or_else(|e| e)
}

/// A failed `@connections` call as the exception boto3 raises for it, named by the core's code.
pub fn connection_error(py: Python<'_>, id: &str, error: ConnectionError) -> PyErr {
    raise(py, error.code(), error.describe(id))
}

/// `SessionError(message, code)`: a simulated connection could not run a step.
pub fn session_error(py: Python<'_>, error: &SessionError) -> PyErr {
    coded(py, "SessionError", error.to_string(), error.code())
}

/// `RegistrationError(message, code)`: a handler cannot serve what it was registered for.
pub fn registration_error(py: Python<'_>, error: &RegistrationError) -> PyErr {
    coded(py, "RegistrationError", error.to_string(), error.code())
}

fn coded(py: Python<'_>, name: &str, message: String, code: &str) -> PyErr {
    match class(py, name).and_then(|c| c.call1((message, code))) {
        Ok(error) => PyErr::from_value(error),
        Err(e) => e,
    }
}
