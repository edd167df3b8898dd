//! `cli(argv)`: the core's command line, so that the package's `wsgate` command (cli.js) takes the binary's
//! arguments and prints what it prints; JavaScript only serves, with the handlers the core names.

use serde_json::Value;
use wsgate_core::cli::{run, Host};

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving, as `wsgate_core::cli::Outcome::to_json`
/// gives it: `{stdout, stderr, code}`, or `{serve, handlers, tlsNote}` for cli.js to serve. Not part of the API.
#[napi(skip_typescript)]
pub fn cli(argv: Vec<String>) -> Value {
    run(argv, Host::Node).to_json()
}
