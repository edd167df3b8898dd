//! Python functions as in-process integrations. The core calls a handler with the Lambda event; this module runs
//! `wsgate`'s Python `_call(function, event, context, done)` on a blocking thread (holding the GIL only there), and
//! `done(result, error)` resolves the call when the function returns, or when the coroutine it returned finishes on
//! the gateway's asyncio loop.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pythonize::{depythonize, pythonize};
use serde_json::Value;
use tokio::sync::oneshot;
use wsgate_core::server::{Handler, HandlerResult, InvokeContext};

/// The Lambda context object a Python handler receives, with the attributes of AWS's Python runtime.
#[pyclass(module = "wsgate._wsgate", frozen)]
pub struct LambdaContext {
    #[pyo3(get)]
    function_name: String,
    #[pyo3(get)]
    function_version: &'static str,
    #[pyo3(get)]
    invoked_function_arn: String,
    #[pyo3(get)]
    memory_limit_in_mb: u32,
    #[pyo3(get)]
    aws_request_id: String,
    #[pyo3(get)]
    log_group_name: String,
    #[pyo3(get)]
    log_stream_name: String,
    deadline: Instant,
}

#[pymethods]
impl LambdaContext {
    /// Milliseconds left before `timeoutInMillis` ends the call.
    fn get_remaining_time_in_millis(&self) -> u64 {
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_millis() as u64
    }

    fn __repr__(&self) -> String {
        format!(
            "LambdaContext(function_name={:?}, aws_request_id={:?})",
            self.function_name, self.aws_request_id
        )
    }
}

impl LambdaContext {
    fn new(context: &InvokeContext, region: &str) -> Self {
        let name = &context.function_name;
        Self {
            function_name: name.clone(),
            function_version: "$LATEST",
            invoked_function_arn: format!("arn:aws:lambda:{region}:123456789012:function:{name}"),
            memory_limit_in_mb: 128,
            aws_request_id: uuid::Uuid::new_v4().to_string(),
            log_group_name: format!("/aws/lambda/{name}"),
            log_stream_name: format!("wsgate/[$LATEST]{}", uuid::Uuid::new_v4().simple()),
            deadline: Instant::now() + Duration::from_millis(u64::from(context.timeout_ms)),
        }
    }
}

/// Resolves one handler call; calling it again, or after the call timed out, does nothing.
#[pyclass(module = "wsgate._wsgate", frozen)]
pub struct Done {
    sender: Mutex<Option<oneshot::Sender<HandlerResult>>>,
}

#[pymethods]
impl Done {
    /// `done(result)` with what the function returned, or `done(None, message)` when it raised. A result that is
    /// not JSON fails the call, and raises `TypeError` here so that the caller can say which handler returned it.
    #[pyo3(signature = (result, error=None))]
    fn __call__(&self, result: &Bound<'_, PyAny>, error: Option<String>) -> PyResult<()> {
        let (outcome, refused) = match error {
            Some(message) => (Err(message), None),
            None => match depythonize::<Value>(result) {
                Ok(value) => (Ok(value), None),
                Err(e) => {
                    let message = format!("the handler returned a value that is not JSON: {e}");
                    (Err(message.clone()), Some(message))
                }
            },
        };
        let sender = self.sender.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(sender) = sender {
            let _ = sender.send(outcome);
        }
        refused.map_or(Ok(()), |message| Err(PyTypeError::new_err(message)))
    }
}

/// A core handler that calls `function` through the Python `call` glue.
pub fn handler(function: Py<PyAny>, call: Arc<Py<PyAny>>, region: String) -> Handler {
    let function = Arc::new(function);
    Arc::new(move |event: Value, context: InvokeContext| {
        let (function, call, region) = (function.clone(), call.clone(), region.clone());
        Box::pin(async move {
            let (sender, receiver) = oneshot::channel();
            let started = tokio::task::spawn_blocking(move || {
                Python::attach(|py| -> PyResult<()> {
                    let event = pythonize(py, &event)?;
                    let context = LambdaContext::new(&context, &region);
                    let done = Done {
                        sender: Mutex::new(Some(sender)),
                    };
                    call.call1(py, (function.as_ref(), event, context, done))?;
                    Ok(())
                })
            });
            match started.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(format!("the handler could not be called: {e}")),
                Err(e) => return Err(format!("the handler thread failed: {e}")),
            }
            receiver
                .await
                .unwrap_or_else(|_| Err("the handler never answered".into()))
        })
    })
}
