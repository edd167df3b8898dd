//! `wsgate._wsgate`, the extension module under the `wsgate` Python package: wsgate-core's API definition,
//! simulated sessions and server, translated to Python and nothing more. Routing and every API Gateway behaviour
//! stay in the core; `python/wsgate/` wraps these classes in the documented Python API.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod api;
mod cli;
mod errors;
mod handler;
mod server;

use pyo3::prelude::*;

#[pymodule]
fn _wsgate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<api::PyApi>()?;
    m.add_class::<api::PySession>()?;
    m.add_class::<server::PyServer>()?;
    m.add_class::<handler::LambdaContext>()?;
    m.add_class::<handler::Done>()?;
    m.add_function(wrap_pyfunction!(api::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(api::check, m)?)?;
    m.add_function(wrap_pyfunction!(cli::cli, m)?)?;
    Ok(())
}
