//! wsgate-core: Amazon API Gateway WebSocket API behaviour as a sans-IO engine.
//!
//! [`config`] loads an API definition, [`engine`] turns connection events into actions, and the other modules
//! are the parts it is built from. No module here reads a socket or a clock.
//!
//! ```
//! use std::sync::Arc;
//!
//! use wsgate_core::engine::{Session, SessionOptions, StepOptions};
//! use wsgate_core::{Api, Engine};
//!
//! let api = Api::from_str(r#"
//! name: echo
//! routeSelectionExpression: $request.body.action
//! integrations:
//!   echo:
//!     integrationType: MOCK
//!     integrationResponses: { $default: { responseTemplates: { $default: 'you said $input.path("$.text")' } } }
//! routes:
//!   say: { target: integrations/echo, routeResponseSelectionExpression: $default }
//! "#).unwrap();
//! let engine = Arc::new(Engine::new(api));
//! let mut client = Session::new(engine.clone(), SessionOptions::default());
//! let trace = client.message(r#"{"action":"say","text":"hi"}"#, &StepOptions::default()).unwrap();
//! assert_eq!(trace.route_key.as_deref(), Some("say"));
//! assert_eq!(trace.send, ["you said hi"]);
//! ```

#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
#[cfg(all(test, feature = "server"))]
mod contract_types;
pub mod engine;
pub mod frame;
pub mod selection;
#[cfg(feature = "server")]
pub mod server;
mod stringify;
pub mod template;
pub mod validate;

pub use config::{Api, ConfigError, Problem, ProblemKind};
pub use engine::Engine;
pub use stringify::stringify;
