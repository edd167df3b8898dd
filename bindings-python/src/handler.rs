//! Python functions as in-process integrations. The core calls a handler with the Lambda event; this module queues
//! the call for a pool of Python threads, which run `wsgate`'s Python `_call(function, event, context, done)`, and
//! `done(result, error)` resolves the call when the function returns, or when the coroutine it returned finishes on
//! the gateway's asyncio loop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pythonize::{depythonize, pythonize};
use serde_json::Value;
use tokio::sync::oneshot;
use wsgate_core::engine::lambda_context as lambda;
use wsgate_core::server::{Handler, HandlerResult, InvokeContext};

/// The Lambda context object a Python handler receives, with the attributes of AWS's Python runtime.
#[pyclass(module = "wsgate._wsgate", frozen)]
pub struct LambdaContext {
    #[pyo3(get)]
    function_name: String,
    #[pyo3(get)]
    function_version: &'static str,
    region: Arc<str>,
    #[pyo3(get)]
    memory_limit_in_mb: u32,
    log_stream_name: Arc<str>,
    /// Made when first read: most handlers never do, and it costs a random number.
    aws_request_id: OnceLock<String>,
    deadline: Instant,
}

#[pymethods]
impl LambdaContext {
    #[getter]
    fn invoked_function_arn(&self) -> String {
        lambda::invoked_function_arn(&self.region, &self.function_name)
    }

    #[getter]
    fn log_stream_name(&self) -> &str {
        &self.log_stream_name
    }

    #[getter]
    fn log_group_name(&self) -> String {
        lambda::log_group_name(&self.function_name)
    }

    /// The invocation's id, a UUID as Lambda's.
    #[getter]
    fn aws_request_id(&self) -> &str {
        self.aws_request_id
            .get_or_init(|| uuid::Uuid::new_v4().to_string())
    }

    /// Milliseconds left before `timeoutInMillis` ends the call.
    fn get_remaining_time_in_millis(&self) -> u64 {
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_millis() as u64
    }

    fn __repr__(&self) -> String {
        format!(
            "LambdaContext(function_name={:?}, aws_request_id={:?})",
            self.function_name,
            self.aws_request_id()
        )
    }
}

impl LambdaContext {
    /// `log_stream` names the worker the call ran on, as Lambda names an instance of the function.
    fn new(context: InvokeContext, region: &Arc<str>, log_stream: &Arc<str>) -> Self {
        Self {
            function_name: context.function_name,
            function_version: lambda::FUNCTION_VERSION,
            region: region.clone(),
            memory_limit_in_mb: context.memory_mb,
            log_stream_name: log_stream.clone(),
            aws_request_id: OnceLock::new(),
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
        self.finish(result, error)
    }
}

impl Done {
    fn new(sender: oneshot::Sender<HandlerResult>) -> Self {
        Self {
            sender: Mutex::new(Some(sender)),
        }
    }

    fn finish(&self, result: &Bound<'_, PyAny>, error: Option<String>) -> PyResult<()> {
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

/// One handler call waiting for a Python thread.
struct Job {
    function: Arc<Py<PyAny>>,
    event: Value,
    context: InvokeContext,
    sender: oneshot::Sender<HandlerResult>,
}

/// The threads that make the Python calls. One thread takes the GIL once for as many queued calls as it finds, so
/// calls do not pay a GIL hand-over each (threads that all wait for the GIL cost more than they give). When every
/// thread has been inside one call for over [`STUCK`] while calls wait (a slow sync handler), a supervisor adds a
/// thread, up to [`MAX_THREADS`]; added threads leave after [`IDLE`] without work.
#[derive(Clone)]
pub struct Workers {
    jobs: crossbeam_channel::Sender<Job>,
}

/// Longer than the OS may keep a busy thread off a loaded CPU, so that only a slow handler looks stuck.
const STUCK: Duration = Duration::from_millis(25);
const IDLE: Duration = Duration::from_secs(2);
/// As many sync handlers can be slow at once before others wait (Python's thread pools default to 32 too).
const MAX_THREADS: usize = 32;

struct Pool {
    queue: crossbeam_channel::Receiver<Job>,
    glue: Py<PyAny>,
    region: Arc<str>,
    epoch: Instant,
    /// One clock per thread: when its current call started (microseconds since `epoch`), 0 between calls.
    clocks: Mutex<Vec<Arc<AtomicU64>>>,
}

impl Pool {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64 + 1
    }

    fn clocks(&self) -> std::sync::MutexGuard<'_, Vec<Arc<AtomicU64>>> {
        self.clocks.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn spawn(self: &Arc<Self>, permanent: bool) {
        let clock = Arc::new(AtomicU64::new(0));
        self.clocks().push(clock.clone());
        let pool = self.clone();
        let spawned = std::thread::Builder::new()
            .name("wsgate-python".into())
            .spawn(move || pool.work(&clock, permanent));
        if spawned.is_err() {
            self.clocks().pop();
        }
    }

    fn work(&self, clock: &Arc<AtomicU64>, permanent: bool) {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let log_stream: Arc<str> =
            lambda::log_stream_name(started, uuid::Uuid::new_v4().as_u128()).into();
        // Attached once for the thread's life, and detached (the GIL released) only while it waits: attaching for
        // each batch would make and free a Python thread state, with its frame stack, every time.
        Python::attach(|py| loop {
            let first = py.detach(|| {
                if permanent {
                    self.queue.recv().ok()
                } else {
                    self.queue.recv_timeout(IDLE).ok()
                }
            });
            let Some(first) = first else { break };
            let mut next = Some(first);
            while let Some(job) = next.take().or_else(|| self.queue.try_recv().ok()) {
                clock.store(self.now(), Ordering::Relaxed);
                run(py, &self.glue, &self.region, &log_stream, job);
                clock.store(0, Ordering::Relaxed);
            }
        });
        self.clocks().retain(|c| !Arc::ptr_eq(c, clock));
    }

    /// Adds a thread whenever calls wait and every thread is stuck in one; ends with the last thread, which ends when
    /// every handler is dropped. It looks every 12 ms: a few microseconds of CPU each time.
    fn supervise(self: Arc<Self>) {
        while Arc::strong_count(&self) > 1 {
            std::thread::sleep(STUCK / 2);
            if self.queue.is_empty() {
                continue;
            }
            let now = self.now();
            let stuck = STUCK.as_micros() as u64;
            let clocks = self.clocks().clone();
            let all_stuck = clocks.iter().all(|c| {
                let since = c.load(Ordering::Relaxed);
                since != 0 && now.saturating_sub(since) > stuck
            });
            if all_stuck && clocks.len() < MAX_THREADS {
                self.spawn(false);
            }
        }
    }
}

impl Workers {
    /// Starts the threads calling Python; they end when every handler made with this is dropped. `glue` is the
    /// Python `Gateway`: its `_schedule(function, awaitable, done)` runs a coroutine on the gateway's loop, its
    /// `_failed(function, error, done)` logs an exception and answers, its `_refused(function, message)` logs a
    /// result that is not JSON.
    pub fn start(glue: Py<PyAny>, region: String) -> Self {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let pool = Arc::new(Pool {
            queue,
            glue,
            region: region.into(),
            epoch: Instant::now(),
            clocks: Mutex::new(Vec::new()),
        });
        pool.spawn(true);
        std::thread::Builder::new()
            .name("wsgate-python-supervisor".into())
            .spawn(move || pool.supervise())
            .expect("a thread to supervise the Python threads");
        Self { jobs }
    }

    /// A core handler that calls `function` on these threads.
    pub fn handler(&self, function: Py<PyAny>) -> Handler {
        let function = Arc::new(function);
        let jobs = self.jobs.clone();
        Arc::new(move |event: Value, context: InvokeContext| {
            let (sender, receiver) = oneshot::channel();
            let job = Job {
                function: function.clone(),
                event,
                context,
                sender,
            };
            let queued = jobs.send(job).is_ok();
            Box::pin(async move {
                if !queued {
                    return Err("the gateway is stopping".into());
                }
                receiver
                    .await
                    .unwrap_or_else(|_| Err("the handler never answered".into()))
            })
        })
    }
}

/// Calls the handler: a plain result answers at once, an awaitable is scheduled on the gateway's loop, an exception
/// (any `BaseException`) is logged and answered with its message.
fn run(py: Python<'_>, glue: &Py<PyAny>, region: &Arc<str>, log_stream: &Arc<str>, job: Job) {
    let Job {
        function,
        event,
        context,
        sender,
    } = job;
    let done = Done::new(sender);
    let called = pythonize(py, &event)
        .map_err(PyErr::from)
        .and_then(|event| {
            let context = LambdaContext::new(context, region, log_stream);
            function.bind(py).call1((event, context))
        });
    let glued = match called {
        Ok(result) if result.hasattr(intern!(py, "__await__")).unwrap_or(false) => glue
            .call_method1(
                py,
                intern!(py, "_schedule"),
                (function.as_ref(), result, done),
            )
            .map(drop),
        Ok(result) => match done.finish(&result, None) {
            Err(refused) => glue
                .call_method1(
                    py,
                    intern!(py, "_refused"),
                    (function.as_ref(), refused.value(py)),
                )
                .map(drop),
            Ok(()) => Ok(()),
        },
        Err(error) => glue
            .call_method1(
                py,
                intern!(py, "_failed"),
                (function.as_ref(), error.value(py), done),
            )
            .map(drop),
    };
    if let Err(e) = glued {
        // The glue itself failed (the interpreter is exiting): nothing left to tell the handler's caller.
        e.print(py);
    }
}
