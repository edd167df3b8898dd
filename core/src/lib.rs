//! wsgate-core: Amazon API Gateway WebSocket API behaviour as a sans-IO engine.
//!
//! [`config`] loads an API definition, [`engine`] turns connection events into actions, and the other modules
//! are the parts it is built from. No module here reads a socket or a clock.

pub mod config;
pub mod engine;
pub mod frame;
pub mod selection;
mod stringify;
pub mod template;
pub mod validate;

pub use config::{Api, ConfigError, Problem, ProblemKind};
pub use engine::Engine;
pub use stringify::stringify;
