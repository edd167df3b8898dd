//! `wsgate._wsgate.Server`: the core's gateway on a tokio runtime of its own threads, with Python handlers, and its
//! `@connections` operations. Every blocking call releases the GIL.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pythonize::pythonize;
use tokio::runtime::Runtime;
use wsgate_core::server::{Connections, Gateway, Outbound, ServeOptions, Server};

use crate::api::PyApi;
use crate::errors::{connection_error, raise};
use crate::handler::Workers;

/// One runtime for every gateway of the process, on threads Python never blocks.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| wsgate_core::server::package_runtime().expect("a tokio runtime"))
}

/// A running gateway.
#[pyclass(name = "Server", module = "wsgate._wsgate", frozen)]
pub struct PyServer {
    server: Mutex<Option<Server>>,
    connections: Connections,
    #[pyo3(get)]
    url: String,
    #[pyo3(get)]
    management_url: String,
    #[pyo3(get)]
    certificate_pem: Option<String>,
}

#[pymethods]
impl PyServer {
    /// Binds and starts serving `api` (which it takes over) with `handlers` and `authorizers`; `glue` is the Python
    /// `Gateway`. `options` is the core's `ServeOptions` as JSON: the core reads and checks it.
    #[staticmethod]
    fn start(
        py: Python<'_>,
        api: &Bound<'_, PyApi>,
        handlers: HashMap<String, Py<PyAny>>,
        authorizers: HashMap<String, Py<PyAny>>,
        glue: Py<PyAny>,
        options: &str,
    ) -> PyResult<Self> {
        let options: ServeOptions = serde_json::from_str(options)
            .map_err(|e| raise(py, "GatewayError", format!("invalid serve options: {e}")))?;
        let api = api.borrow_mut().take(py)?;
        let workers = Workers::start(glue, api.region.clone());
        let mut builder = Gateway::builder(api);
        for (name, function) in handlers {
            builder = builder.dyn_handler(name, workers.handler(function));
        }
        for (id, function) in authorizers {
            builder = builder.dyn_authorizer(id, workers.handler(function));
        }
        let served = py.detach(|| runtime().block_on(options.serve(builder)));
        let server = served.map_err(|e| raise(py, "GatewayError", e.to_string()))?;
        Ok(Self {
            connections: server.connections().clone(),
            url: server.url(),
            management_url: server.management_url(),
            certificate_pem: server.certificate_pem().map(str::to_string),
            server: Mutex::new(Some(server)),
        })
    }

    /// PostToConnection: `data` is `str` (a text frame) or `bytes` (text if UTF-8, else binary), as on AWS.
    fn post(&self, py: Python<'_>, connection_id: &str, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let message = if let Ok(bytes) = data.cast::<PyBytes>() {
            match String::from_utf8(bytes.as_bytes().to_vec()) {
                Ok(text) => Outbound::Text(text),
                Err(e) => Outbound::Binary(e.into_bytes()),
            }
        } else {
            Outbound::Text(data.extract::<String>()?)
        };
        self.connections
            .post(connection_id, message)
            .map_err(|e| connection_error(py, connection_id, e))
    }

    /// GetConnection, as the service's JSON: `connectedAt`, `identity`, `lastActiveAt`.
    fn get<'py>(&self, py: Python<'py>, connection_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let info = self
            .connections
            .get(connection_id)
            .map_err(|e| connection_error(py, connection_id, e))?;
        Ok(pythonize(py, &info)?)
    }

    /// DeleteConnection: closes the client with 1000.
    fn delete(&self, py: Python<'_>, connection_id: &str) -> PyResult<()> {
        self.connections
            .delete(connection_id)
            .map_err(|e| connection_error(py, connection_id, e))
    }

    /// Closes every client with 1001, runs their `$disconnect`, and stops; later calls do nothing.
    fn stop(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(server) = server {
            py.detach(|| runtime().block_on(server.shutdown()));
        }
    }
}
