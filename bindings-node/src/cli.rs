//! `cli(argv)`: the core's command line, so that the package's `wsgate` command (cli.js) takes the binary's
//! arguments and prints what it prints; JavaScript only serves, with the handlers the core names.

use serde_json::{json, Value};
use wsgate_core::cli::{run, Outcome};

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving: `{stdout, stderr, code}` when the command
/// is done, or `{serve: options, handlers: [binding, ...], tlsNote}` for cli.js to serve. Not part of the API.
#[napi(skip_typescript)]
pub fn cli(argv: Vec<String>) -> Value {
    match run(argv) {
        Outcome::Done {
            stdout,
            stderr,
            code,
        } => json!({"stdout": stdout, "stderr": stderr, "code": code}),
        Outcome::Serve { args, handlers } => {
            json!({"serve": args, "handlers": handlers, "tlsNote": args.tls_note()})
        }
    }
}
