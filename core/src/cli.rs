//! The `wsgate` command line, decided once for the binary and for the `wsgate` commands of the Python and Node
//! packages: the arguments (clap), what `check` and `route` print and their exit codes, and, for `serve`, the
//! loaded options and which handlers `--handlers` binds. Each package only serves with its own handlers.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::config::{IntegrationType, IntegrationUri, TemplateOptions};
use crate::engine::{simulate, SimulateOptions};
use crate::server::ServeOptions;
use crate::Api;

#[derive(Parser)]
#[command(
    name = "wsgate",
    version,
    about = "Amazon API Gateway WebSocket APIs, self-hosted"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API: WebSocket clients at ws://HOST:PORT/STAGE (and wss://), the @connections API on the same
    /// port (http:// and https://).
    Serve(ServeArgs),
    /// Print every problem in an API definition or CloudFormation/SAM template (exit 1), or `ok`.
    Check {
        file: PathBuf,
        #[command(flatten)]
        template: TemplateOptions,
    },
    /// Print, as JSON, what the gateway does with one message, without opening a socket.
    Route {
        file: PathBuf,
        #[command(flatten)]
        template: TemplateOptions,
        /// The message text the client sends.
        #[arg(long)]
        message: String,
        #[command(flatten)]
        options: SimulateOptions,
    },
}

/// `wsgate serve`'s arguments, as every package's `wsgate serve` takes them.
#[derive(clap::Args, Debug, Serialize)]
pub struct ServeArgs {
    /// A wsgate definition, or a CloudFormation/SAM template.
    pub file: PathBuf,
    #[command(flatten)]
    pub template: TemplateOptions,
    #[command(flatten)]
    pub options: ServeOptions,
    /// In-process handlers (the Python and Node packages): a directory of Lambda handler files, for integrations
    /// whose integrationUri is a handler string such as `app.handler`; or a module whose functions are named after
    /// integration ids (else route keys).
    #[arg(long, value_name = "DIR|MODULE")]
    pub handlers: Option<String>,
}

/// A handler `wsgate serve --handlers` binds: the function `function` of `module` (a file of the `--handlers`
/// directory, named as Lambda's handler strings name it) or of the `--handlers` module itself (`module` is None),
/// registered for `integration`, or for `route` when the route key is no integration's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandlerBinding {
    pub integration: Option<String>,
    pub route: Option<String>,
    pub module: Option<String>,
    pub function: String,
    /// A handler string names this function, so a missing one is an error; a module's function named after an
    /// integration or route is optional.
    pub required: bool,
}

/// What a package's `wsgate` does after [`run`].
#[derive(Debug)]
pub enum Outcome {
    /// The command is done: print `stdout` and `stderr` (when not empty) and exit with `code`.
    Done {
        stdout: String,
        stderr: String,
        code: u8,
    },
    /// Serve the (valid) definition with these options and handlers.
    Serve {
        args: Box<ServeArgs>,
        handlers: Vec<HandlerBinding>,
    },
}

impl Outcome {
    /// The outcome as the packages' `wsgate` commands read it: `{"stdout", "stderr", "code"}` when the command is
    /// done, or `{"serve": ServeArgs, "handlers": [HandlerBinding, ...], "tlsNote"}` for the package to serve.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Done {
                stdout,
                stderr,
                code,
            } => serde_json::json!({"stdout": stdout, "stderr": stderr, "code": code}),
            Self::Serve { args, handlers } => {
                serde_json::json!({"serve": args, "handlers": handlers, "tlsNote": args.options.tls_note()})
            }
        }
    }

    fn out(stdout: String) -> Self {
        Self::Done {
            stdout,
            stderr: String::new(),
            code: 0,
        }
    }

    fn fail(stderr: String) -> Self {
        Self::Done {
            stdout: String::new(),
            stderr,
            code: 1,
        }
    }
}

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving. Usage errors exit 2, `--help` and
/// `--version` 0, a definition with problems 1 (every problem on stderr), as clap and `wsgate check` decide.
pub fn run<I, T>(argv: I) -> Outcome
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let code = e.exit_code() as u8;
            return if e.use_stderr() {
                Outcome::Done {
                    stdout: String::new(),
                    stderr: text,
                    code,
                }
            } else {
                Outcome::Done {
                    stdout: text,
                    stderr: String::new(),
                    code,
                }
            };
        }
    };
    match cli.command {
        Command::Check { file, template } => match Api::from_path_with(&file, &template) {
            Ok(_) => Outcome::out("ok".into()),
            Err(e) => Outcome::fail(e.to_string()),
        },
        Command::Route {
            file,
            template,
            message,
            options,
        } => {
            let api = match Api::from_path_with(&file, &template) {
                Ok(api) => api,
                Err(e) => return Outcome::fail(e.to_string()),
            };
            match simulate(api, &message, &options) {
                Ok(trace) => {
                    Outcome::out(serde_json::to_string_pretty(&trace).expect("a trace is JSON"))
                }
                Err(e) => Outcome::fail(e.to_string()),
            }
        }
        Command::Serve(args) => match Api::from_path_with(&args.file, &args.template) {
            Ok(api) => {
                let handlers = args
                    .handlers
                    .as_deref()
                    .map(|handlers| handler_bindings(&api, handlers))
                    .unwrap_or_default();
                Outcome::Serve {
                    args: Box::new(args),
                    handlers,
                }
            }
            Err(e) => Outcome::fail(e.to_string()),
        },
    }
}

/// The handlers `--handlers` binds. A directory binds every AWS_PROXY/AWS integration whose integrationUri is a
/// Lambda handler string (`app.handler`, `src/chat.handler`: the file's path without extension, then the function),
/// as SAM's `Handler:` does. A module binds its functions named after AWS_PROXY/AWS integration ids, then after
/// the route keys that are no integration's id; functions it lacks are left unbound.
pub fn handler_bindings(api: &Api, handlers: &str) -> Vec<HandlerBinding> {
    let calls_lambda =
        |kind: IntegrationType| matches!(kind, IntegrationType::AwsProxy | IntegrationType::Aws);
    if std::path::Path::new(handlers).is_dir() {
        return api
            .integrations
            .values()
            .filter(|i| calls_lambda(i.kind))
            .filter_map(|i| match &i.uri {
                Some(IntegrationUri::Handler(name)) => {
                    let (module, function) = name.rsplit_once('.')?;
                    Some(HandlerBinding {
                        integration: Some(i.id.clone()),
                        route: None,
                        module: Some(module.to_string()),
                        function: function.to_string(),
                        required: true,
                    })
                }
                _ => None,
            })
            .collect();
    }
    let by_integration = api
        .integrations
        .values()
        .filter(|i| calls_lambda(i.kind))
        .map(|i| HandlerBinding {
            integration: Some(i.id.clone()),
            route: None,
            module: None,
            function: i.id.clone(),
            required: false,
        });
    let mut routes: Vec<&String> = api
        .routes
        .keys()
        .filter(|key| !api.integrations.contains_key(*key))
        .collect();
    routes.sort();
    let by_route = routes.into_iter().map(|key| HandlerBinding {
        integration: None,
        route: Some(key.clone()),
        module: None,
        function: key.clone(),
        required: false,
    });
    by_integration.chain(by_route).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAT: &str = r#"
name: chat
routeSelectionExpression: $request.body.action
integrations:
  chat: { integrationType: AWS_PROXY, integrationUri: app.handler }
  echo: { integrationType: MOCK, requestTemplates: { $default: '{"statusCode": 200}' } }
routes:
  $connect: { target: integrations/chat }
  sendmessage: { target: integrations/chat }
  echo: { target: integrations/echo }
"#;

    fn done(outcome: Outcome) -> (String, String, u8) {
        match outcome {
            Outcome::Done {
                stdout,
                stderr,
                code,
            } => (stdout, stderr, code),
            Outcome::Serve { .. } => panic!("expected a finished command"),
        }
    }

    fn definition(dir: &std::path::Path, text: &str) -> String {
        let path = dir.join("api.yaml");
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn check_prints_ok_or_every_problem_with_exit_1() {
        let dir = std::env::temp_dir().join(format!("wsgate-cli-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = definition(&dir, CHAT);
        assert_eq!(
            done(run(["wsgate", "check", &good])),
            ("ok".into(), String::new(), 0)
        );
        let bad = definition(
            &dir,
            &CHAT.replace("integrations/echo", "integrations/nope"),
        );
        let (stdout, stderr, code) = done(run(["wsgate", "check", &bad]));
        assert_eq!((stdout.as_str(), code), ("", 1));
        assert!(stderr.contains("routes.echo.target"), "{stderr}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0_on_stdout() {
        let (stdout, stderr, code) = done(run(["wsgate", "route"]));
        assert_eq!((stdout.as_str(), code), ("", 2));
        assert!(stderr.contains("--message"), "{stderr}");
        let (stdout, stderr, code) = done(run(["wsgate", "--help"]));
        assert_eq!((stderr.as_str(), code), ("", 0));
        assert!(stdout.contains("serve"), "{stdout}");
    }

    #[test]
    fn a_handlers_module_binds_lambda_integrations_then_other_routes() {
        let api = Api::from_str(CHAT).unwrap();
        let bindings = handler_bindings(&api, "app");
        let names: Vec<(Option<&str>, Option<&str>)> = bindings
            .iter()
            .map(|b| (b.integration.as_deref(), b.route.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (Some("chat"), None),
                (None, Some("$connect")),
                (None, Some("sendmessage"))
            ]
        );
        assert!(bindings.iter().all(|b| b.module.is_none() && !b.required));
    }

    #[test]
    fn a_handlers_directory_binds_handler_strings() {
        let api = Api::from_str(CHAT).unwrap();
        let bindings = handler_bindings(&api, env!("CARGO_MANIFEST_DIR"));
        assert_eq!(
            bindings,
            [HandlerBinding {
                integration: Some("chat".into()),
                route: None,
                module: Some("app".into()),
                function: "handler".into(),
                required: true,
            }]
        );
    }
}
