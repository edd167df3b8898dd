//! The API definition (`wsgate.Api`), simulated connections (`Session`) and `simulate`: the trace (docs/architecture.md), as
//! Python dicts.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use pythonize::{depythonize, pythonize};
use serde_json::Value;
use wsgate_core::config::{IntegrationUri, TemplateOptions};
use wsgate_core::engine::{self, Session, SessionOptions, SimulateOptions};
use wsgate_core::{Api, Engine};

use crate::errors::{config_error, raise, registration_error, session_error};

/// A loaded, checked API definition. A gateway takes it over when it starts serving.
#[pyclass(name = "Api", module = "wsgate._wsgate")]
pub struct PyApi {
    api: Option<Api>,
}

/// A path, YAML or JSON text, or a dict: what every `wsgate` call accepts as a definition; a CloudFormation/SAM
/// template is deployed with `template` (a `TemplateOptions` dict).
pub fn load(
    py: Python<'_>,
    definition: &Bound<'_, PyAny>,
    template: Option<&Bound<'_, PyAny>>,
) -> PyResult<Api> {
    let template: TemplateOptions = match template {
        Some(template) => {
            depythonize(template).map_err(|e| PyTypeError::new_err(format!("template: {e}")))?
        }
        None => TemplateOptions::default(),
    };
    let loaded = if let Ok(text) = definition.cast::<PyString>() {
        let text = text.to_cow()?.into_owned();
        py.detach(|| Api::from_path_or_text_with(&text, &template))
    } else if definition.is_instance_of::<PyDict>() {
        let value: Value =
            depythonize(definition).map_err(|e| PyTypeError::new_err(e.to_string()))?;
        py.detach(|| Api::from_value_with(&value, &template))
    } else if let Ok(path) = definition.extract::<PathBuf>() {
        py.detach(|| Api::from_path_with(&path, &template))
    } else {
        return Err(PyTypeError::new_err(
            "a definition is a path, YAML or JSON text, or a dict",
        ));
    };
    loaded.map_err(|e| config_error(py, &e))
}

impl PyApi {
    fn api(&self, py: Python<'_>) -> PyResult<&Api> {
        self.api.as_ref().ok_or_else(|| in_use(py))
    }

    /// Takes the definition over, for a gateway that serves it.
    pub fn take(&mut self, py: Python<'_>) -> PyResult<Api> {
        self.api.take().ok_or_else(|| in_use(py))
    }
}

fn in_use(py: Python<'_>) -> PyErr {
    raise(
        py,
        "GatewayError",
        "this API is served by a gateway already; load the definition again for another one",
    )
}

#[pymethods]
impl PyApi {
    #[new]
    #[pyo3(signature = (definition, template=None))]
    fn new(
        py: Python<'_>,
        definition: &Bound<'_, PyAny>,
        template: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self {
            api: Some(load(py, definition, template)?),
        })
    }

    #[getter]
    fn name(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.api(py)?.name.clone())
    }

    #[getter]
    fn stage(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.api(py)?.stage.clone())
    }

    #[getter]
    fn api_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.api(py)?.api_id.clone())
    }

    /// The route keys, sorted.
    #[getter]
    fn routes(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut keys: Vec<String> = self.api(py)?.routes.keys().cloned().collect();
        keys.sort();
        Ok(keys)
    }

    /// The integration ids, sorted.
    #[getter]
    fn integrations(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.api(py)?.integrations.keys().cloned().collect())
    }

    /// Integration id -> handler name, for AWS_PROXY/AWS integrations whose `integrationUri` names a handler
    /// (`chat`, or a Lambda handler string such as `app.handler`).
    #[getter]
    fn handler_uris(&self, py: Python<'_>) -> PyResult<HashMap<String, String>> {
        let api = self.api(py)?;
        Ok(api
            .integrations
            .values()
            .filter_map(|i| match &i.uri {
                Some(IntegrationUri::Handler(name)) => Some((i.id.clone(), name.clone())),
                _ => None,
            })
            .collect())
    }

    fn check_handler_integration(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        let api = self.api(py)?;
        api.check_handler_integration(id)
            .map_err(|e| registration_error(py, &e))
    }

    fn check_authorizer(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        let api = self.api(py)?;
        api.check_authorizer(id)
            .map_err(|e| registration_error(py, &e))
    }

    fn route_to_handler(&mut self, py: Python<'_>, route_key: &str) -> PyResult<()> {
        let api = self.api.as_mut().ok_or_else(|| in_use(py))?;
        api.route_to_handler(route_key)
            .map_err(|e| registration_error(py, &e))
    }
}

/// One simulated connection: `step(dict)` runs a step written as in `tests/vectors` and returns its trace.
#[pyclass(name = "Session", module = "wsgate._wsgate")]
pub struct PySession {
    session: Session,
}

#[pymethods]
impl PySession {
    #[new]
    #[pyo3(signature = (definition, options=None, template=None))]
    fn new(
        py: Python<'_>,
        definition: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyAny>>,
        template: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let api = load(py, definition, template)?;
        let options: Value = match options {
            Some(options) => {
                depythonize(options).map_err(|e| PyTypeError::new_err(e.to_string()))?
            }
            None => Value::Null,
        };
        let options: SessionOptions =
            engine::options(options).map_err(|e| session_error(py, &e))?;
        Ok(Self {
            session: Session::new(Arc::new(Engine::new(api)), options),
        })
    }

    fn step<'py>(
        &mut self,
        py: Python<'py>,
        step: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let step: Value = depythonize(step).map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let trace = py
            .detach(|| self.session.step(&step))
            .map_err(|e| session_error(py, &e))?;
        Ok(pythonize(py, &trace)?)
    }
}

/// What the gateway does with one message on a new simulated connection, as the trace (docs/architecture.md).
#[pyfunction]
#[pyo3(signature = (definition, message, result=None, function_error=None, timeout=false, fragments=None, binary=false, template=None))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments, one per `wsgate route` option
pub fn simulate<'py>(
    py: Python<'py>,
    definition: &Bound<'py, PyAny>,
    message: &str,
    result: Option<&Bound<'py, PyAny>>,
    function_error: Option<String>,
    timeout: bool,
    fragments: Option<usize>,
    binary: bool,
    template: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let api = load(py, definition, template)?;
    let result: Option<Value> = match result {
        Some(result) => Some(depythonize(result).map_err(|e| PyTypeError::new_err(e.to_string()))?),
        None => None,
    };
    let options = SimulateOptions {
        result,
        function_error,
        timeout,
        fragments,
        binary,
    };
    let trace = py.detach(|| engine::simulate(api, message, &options));
    let trace = trace.map_err(|e| session_error(py, &e))?;
    Ok(pythonize(py, &trace)?)
}

/// Every problem of a definition as `wsgate.errors.Problem`s; an empty list when it loads. Only something that is
/// no definition at all (neither a path, text nor a dict) raises.
#[pyfunction]
#[pyo3(signature = (definition, template=None))]
pub fn check(
    py: Python<'_>,
    definition: &Bound<'_, PyAny>,
    template: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    match load(py, definition, template) {
        Ok(_) => Ok(pyo3::types::PyList::empty(py).into_any().unbind()),
        Err(error) if error.is_instance_of::<pyo3::exceptions::PyValueError>(py) => {
            Ok(error.value(py).getattr("problems")?.unbind())
        }
        Err(error) => Err(error),
    }
}
