//! The `wsgate` command line, decided once for the binary and for the `wsgate` commands of the Python and Node
//! packages: the arguments (clap), what `check` and `route` print and their exit codes, and, for `serve`, the
//! loaded options and which handlers `--handlers` binds. Each package only serves with its own handlers.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::config::{FunctionCode, IntegrationType, IntegrationUri, TemplateOptions};
use crate::engine::{Engine, Session, SessionOptions, SimulateOptions, StepOptions, Trace};
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
    /// Write a definition in another format: a wsgate definition as a CloudFormation template that deploys it to
    /// AWS, or a template or serverless.yml as a wsgate definition.
    Convert {
        file: PathBuf,
        /// The format to write.
        #[arg(long, value_enum)]
        to: Format,
        #[command(flatten)]
        template: TemplateOptions,
    },
    /// Print, as JSON, what the gateway does with one message, without opening a socket (or, without `--message`,
    /// with the handshake: `$connect` and its authorizer).
    Route {
        file: PathBuf,
        #[command(flatten)]
        template: TemplateOptions,
        /// The message text the client sends, once connected.
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        options: SimulateOptions,
        #[command(flatten)]
        connect: ConnectArgs,
    },
}

/// How `wsgate route`'s client connects, and what `$connect`'s authorizer answers.
#[derive(clap::Args)]
struct ConnectArgs {
    /// A handshake header, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// The handshake's query string, e.g. `token=abc&room=1`.
    #[arg(long)]
    query: Option<String>,
    /// The access key whose SigV4 signature the handshake carries (for an `AWS_IAM` `$connect`).
    #[arg(long)]
    access_key: Option<String>,
    /// What the authorizer returns (its principalId, policyDocument and context); without any `--authorizer-*`
    /// option it allows, with principalId `user`.
    #[arg(long, value_name = "JSON", value_parser = crate::engine::parse_json, conflicts_with_all = ["authorizer_error", "authorizer_timeout"])]
    authorizer_result: Option<serde_json::Value>,
    /// The authorizer fails with this errorMessage (`Unauthorized` is a 401, anything else a 500).
    #[arg(long, value_name = "MSG", conflicts_with = "authorizer_timeout")]
    authorizer_error: Option<String>,
    /// The authorizer does not answer in time.
    #[arg(long)]
    authorizer_timeout: bool,
}

impl ConnectArgs {
    fn session(&self) -> SessionOptions {
        SessionOptions {
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().into()))
                .collect(),
            query: self.query.clone(),
            access_key: self.access_key.clone(),
            ..SessionOptions::default()
        }
    }

    fn authorizer(&self) -> SimulateOptions {
        SimulateOptions {
            result: self.authorizer_result.clone(),
            function_error: self.authorizer_error.clone(),
            timeout: self.authorizer_timeout,
            ..SimulateOptions::default()
        }
    }
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err("a header is `Name: value`".into()),
    }
}

/// `wsgate route`: the handshake's trace, or, once it is accepted, the message's. A refused handshake prints its
/// trace and exits 1, as the message was never sent.
fn route(
    api: Api,
    message: Option<&str>,
    options: SimulateOptions,
    client: &ConnectArgs,
) -> Outcome {
    let json = |trace: &Trace| serde_json::to_string_pretty(trace).expect("a trace is JSON");
    let mut session = Session::new(Arc::new(Engine::new(api)), client.session());
    let connect = StepOptions {
        authorizer: Some(client.authorizer()),
        simulate: if message.is_some() {
            SimulateOptions::default()
        } else {
            options.clone()
        },
        ..StepOptions::default()
    };
    let connected = session.connect(&connect).expect("a new session connects");
    let status = connected.handshake.as_ref().map_or(101, |h| h.status);
    match message {
        None => Outcome::out(json(&connected)),
        Some(_) if status != 101 => Outcome::Done {
            stdout: json(&connected),
            stderr: format!(
                "$connect refused the handshake with {status}, so the message was not sent"
            ),
            code: 1,
        },
        Some(message) => match session.message(
            message,
            &StepOptions {
                simulate: options,
                ..StepOptions::default()
            },
        ) {
            Ok(trace) => Outcome::out(json(&trace)),
            Err(e) => Outcome::fail(e.to_string()),
        },
    }
}

/// What `wsgate convert` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// wsgate's own definition (YAML).
    Wsgate,
    /// A CloudFormation template (YAML) of `AWS::ApiGatewayV2` resources.
    Cloudformation,
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

/// A handler a package binds when it serves: the function `function` of `module` (a file of `directory`, named as
/// Lambda's handler strings name it: `src/app` for `src/app.py` or `src/app.js`; or the code `source` itself), or
/// of the `--handlers` module (`module` is None), registered for `integration`, or for `route` when the route key
/// is no integration's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandlerBinding {
    pub integration: Option<String>,
    pub route: Option<String>,
    /// The authorizer the function serves (a template's authorizer function, or `--handlers` functions named
    /// after authorizer ids).
    pub authorizer: Option<String>,
    pub module: Option<String>,
    pub function: String,
    /// A handler string names this function, so a missing one is an error; a module's function named after an
    /// integration or route is optional.
    pub required: bool,
    /// The `--handlers` directory, or a template function's code folder.
    pub directory: Option<String>,
    /// A template function's inline code (`InlineCode`, `Code.ZipFile`), which Lambda runs as its file `index`.
    pub source: Option<String>,
}

/// Which functions a package runs in-process: `python3.*` in the Python package, `nodejs*` in the Node one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Binary,
    Python,
    Node,
}

impl Host {
    fn runs(self, runtime: &str) -> bool {
        match self {
            Self::Binary => false,
            Self::Python => runtime.starts_with("python"),
            Self::Node => runtime.starts_with("nodejs"),
        }
    }
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
        /// A template's functions: where each runs, one line each for the start-up.
        functions: Vec<String>,
        /// The environment variables of the template functions run in-process (they share the process's).
        environment: BTreeMap<String, String>,
    },
}

impl Outcome {
    /// The outcome as the packages' `wsgate` commands read it: `{"stdout", "stderr", "code"}` when the command is
    /// done, or `{"serve": ServeArgs, "handlers": [HandlerBinding, ...], "functions", "environment", "tlsNote"}` for
    /// the package to serve.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Done {
                stdout,
                stderr,
                code,
            } => serde_json::json!({"stdout": stdout, "stderr": stderr, "code": code}),
            Self::Serve {
                args,
                handlers,
                functions,
                environment,
            } => serde_json::json!({
                "serve": args, "handlers": handlers, "functions": functions, "environment": environment,
                "tlsNote": args.options.tls_note(),
            }),
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

/// Runs `wsgate ARGS...` (`argv[0]` is the program name) up to serving, for the package `host`. Usage errors exit 2,
/// `--help` and `--version` 0, a definition with problems 1 (every problem on stderr), as clap and `wsgate check`
/// decide.
pub fn run<I, T>(argv: I, host: Host) -> Outcome
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
        Command::Convert { file, to, template } => {
            match crate::config::convert::to_wsgate(&file, &template) {
                Ok(definition) => Outcome::out(crate::config::convert::yaml(&match to {
                    Format::Wsgate => definition,
                    Format::Cloudformation => {
                        crate::config::convert::to_cloudformation(&definition)
                    }
                })),
                Err(e) => Outcome::fail(e.to_string()),
            }
        }
        Command::Check { file, template } => match Api::from_path_with(&file, &template) {
            Ok(_) => Outcome::out("ok".into()),
            Err(e) => Outcome::fail(e.to_string()),
        },
        Command::Route {
            file,
            template,
            message,
            options,
            connect,
        } => match Api::from_path_with(&file, &template) {
            Ok(api) => route(api, message.as_deref(), options, &connect),
            Err(e) => Outcome::fail(e.to_string()),
        },
        Command::Serve(args) => match Api::from_path_with(&args.file, &args.template) {
            Ok(api) => {
                let (template_handlers, functions, environment) =
                    function_plan(&api, host, &args.options);
                // Handlers given on the command line replace the template's own.
                let handlers = match args.handlers.as_deref() {
                    Some(handlers) => handler_bindings(&api, handlers),
                    None => template_handlers,
                };
                Outcome::Serve {
                    args: Box::new(args),
                    handlers,
                    functions,
                    environment,
                }
            }
            Err(e) => Outcome::fail(e.to_string()),
        },
    }
}

/// The handlers `--handlers` binds. A directory binds every AWS_PROXY/AWS integration and authorizer whose URI is
/// a Lambda handler string (`app.handler`, `src/chat.handler`: the file's path without extension, then the
/// function), as SAM's `Handler:` does. A module binds its functions named after AWS_PROXY/AWS integration ids,
/// then after authorizer ids, then after the route keys that are no integration's id; functions it lacks are left
/// unbound.
pub fn handler_bindings(api: &Api, handlers: &str) -> Vec<HandlerBinding> {
    let calls_lambda =
        |kind: IntegrationType| matches!(kind, IntegrationType::AwsProxy | IntegrationType::Aws);
    let lambda_integrations = api.integrations.values().filter(|i| calls_lambda(i.kind));
    // (integration id, authorizer id, its URI)
    let callers = lambda_integrations
        .map(|i| (Some(&i.id), None, i.uri.as_ref()))
        .chain(
            api.authorizers
                .values()
                .map(|a| (None, Some(&a.id), a.uri.as_ref())),
        );
    if std::path::Path::new(handlers).is_dir() {
        return callers
            .filter_map(|(integration, authorizer, uri)| match uri {
                Some(IntegrationUri::Handler(name)) => {
                    let (module, function) = name.rsplit_once('.')?;
                    Some(HandlerBinding {
                        integration: integration.cloned(),
                        route: None,
                        authorizer: authorizer.cloned(),
                        module: Some(module.to_string()),
                        function: function.to_string(),
                        required: true,
                        directory: Some(handlers.to_string()),
                        source: None,
                    })
                }
                _ => None,
            })
            .collect();
    }
    let by_id = callers.map(|(integration, authorizer, _)| HandlerBinding {
        integration: integration.cloned(),
        route: None,
        authorizer: authorizer.cloned(),
        module: None,
        function: integration.or(authorizer).cloned().unwrap_or_default(),
        required: false,
        directory: None,
        source: None,
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
        authorizer: None,
        module: None,
        function: key.clone(),
        required: false,
        directory: None,
        source: None,
    });
    by_id.chain(by_route).collect()
}

/// A template's functions, as `host` serves them (docs/behaviour.md §13): those of its runtime in-process (their
/// bindings), the others at the Lambda endpoint; with one start-up line each (and one per AWS service
/// integration, saying where it is sent), and the environment of those run in-process.
pub fn function_plan(
    api: &Api,
    host: Host,
    options: &ServeOptions,
) -> (Vec<HandlerBinding>, Vec<String>, BTreeMap<String, String>) {
    let lambda_endpoint = options.lambda_endpoint.as_deref();
    let mut bindings = Vec::new();
    let mut lines = Vec::new();
    let mut environment = BTreeMap::new();
    for function in &api.functions {
        let calls = |uri: Option<&IntegrationUri>| {
            api.function_at(uri).is_some_and(|f| f.id == function.id)
        };
        // (id, whether it is an authorizer's)
        let callers: Vec<(&str, bool)> = api
            .integrations
            .values()
            .filter(|i| calls(i.uri.as_ref()))
            .map(|i| (i.id.as_str(), false))
            .chain(
                api.authorizers
                    .values()
                    .filter(|a| calls(a.uri.as_ref()))
                    .map(|a| (a.id.as_str(), true)),
            )
            .collect();
        if callers.is_empty() {
            continue;
        }
        let runtime = function.runtime.as_deref().unwrap_or("no Runtime");
        let handler = function.handler.as_deref().and_then(|h| h.rsplit_once('.'));
        let (directory, source) = match &function.code {
            FunctionCode::Directory(dir) => (Some(dir.to_string_lossy().into_owned()), None),
            FunctionCode::Inline(code) => (None, Some(code.clone())),
            FunctionCode::Elsewhere(_) => (None, None),
        };
        let local = directory.is_some() || source.is_some();
        let place = match (host.runs(runtime), handler, local, lambda_endpoint) {
            (true, Some((module, name)), true, _) => {
                bindings.extend(callers.iter().map(|(id, authorizer)| HandlerBinding {
                    integration: (!authorizer).then(|| id.to_string()),
                    route: None,
                    authorizer: authorizer.then(|| id.to_string()),
                    // Lambda runs inline code as its file `index`.
                    module: Some(if source.is_some() {
                        "index".into()
                    } else {
                        module.to_string()
                    }),
                    function: name.to_string(),
                    required: true,
                    directory: directory.clone(),
                    source: source.clone(),
                }));
                environment.extend(function.environment.clone());
                "in-process".to_string()
            }
            (_, _, _, Some(endpoint)) => format!("at the Lambda endpoint {endpoint}"),
            (true, None, _, None) => "nowhere: it has no Handler".to_string(),
            (true, _, false, None) => {
                "nowhere: its code is not on this machine; give --lambda-endpoint".to_string()
            }
            (false, _, _, None) => match host {
                Host::Binary => {
                    "nowhere: serve with the wsgate command of `pip install wsgate` (Python) or \
                                 `npm install wsgate` (Node), or give --lambda-endpoint"
                        .to_string()
                }
                _ => {
                    "nowhere: this package runs another runtime; give --lambda-endpoint".to_string()
                }
            },
        };
        let handler = function.handler.as_deref().unwrap_or("no Handler");
        lines.push(format!(
            "function {} ({runtime}, {handler}): {place}",
            function.id
        ));
    }
    for integration in api.integrations.values() {
        if let Some(IntegrationUri::AwsService {
            service, operation, ..
        }) = &integration.uri
        {
            let endpoint = options.aws_endpoints.iter().find(|(s, _)| s == service);
            let place = match endpoint {
                Some((_, url)) => format!("at the AWS endpoint {url}"),
                None => format!(
                    "nowhere: give --aws-endpoint {service}=URL; its routes answer as a failing integration"
                ),
            };
            lines.push(format!(
                "integration {} ({service} {operation}): {place}",
                integration.id
            ));
        }
    }
    if !bindings.is_empty() {
        // What Lambda's runtime sets for every function, and the AWS SDKs read: the region, and credentials to sign
        // with (the management API accepts any signature), unless this process has its own.
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            environment.insert(name.into(), api.region.clone());
        }
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            if std::env::var_os(name).is_none() {
                environment.insert(name.into(), "local".into());
            }
        }
    }
    (bindings, lines, environment)
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
            done(run(["wsgate", "check", &good], Host::Binary)),
            ("ok".into(), String::new(), 0)
        );
        let bad = definition(
            &dir,
            &CHAT.replace("integrations/echo", "integrations/nope"),
        );
        let (stdout, stderr, code) = done(run(["wsgate", "check", &bad], Host::Binary));
        assert_eq!((stdout.as_str(), code), ("", 1));
        assert!(stderr.contains("routes.echo.target"), "{stderr}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0_on_stdout() {
        let (stdout, stderr, code) = done(run(["wsgate", "route"], Host::Binary));
        assert_eq!((stdout.as_str(), code), ("", 2));
        assert!(stderr.contains("<FILE>"), "{stderr}");
        let (stdout, stderr, code) = done(run(["wsgate", "--help"], Host::Binary));
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
                authorizer: None,
                module: Some("app".into()),
                function: "handler".into(),
                required: true,
                directory: Some(env!("CARGO_MANIFEST_DIR").into()),
                source: None,
            }]
        );
    }

    #[test]
    fn convert_writes_a_template_or_serverless_yml_as_a_definition_that_serves_the_same_api() {
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/chat");
        let messages = [
            r#"{"action":"joinroom","room":"x"}"#,
            r#"{"action":"joinroom"}"#,
            r#"{"action":"no"}"#,
        ];
        let chat = Api::from_path(format!("{examples}/api.yaml")).unwrap();
        let expected = crate::config::test_support::seen(chat, &messages);
        for file in ["template.yaml", "serverless.yml"] {
            let path = format!("{examples}/{file}");
            let (yaml, stderr, code) = done(run(
                ["wsgate", "convert", &path, "--to", "wsgate"],
                Host::Binary,
            ));
            assert_eq!((stderr.as_str(), code), ("", 0));
            let converted = Api::from_str(&yaml).unwrap();
            assert_eq!(
                crate::config::test_support::seen(converted, &messages),
                expected,
                "{file}"
            );
        }
        let (_, stderr, code) = done(run(
            ["wsgate", "convert", "nope.yaml", "--to", "wsgate"],
            Host::Binary,
        ));
        assert_eq!(code, 1);
        assert!(stderr.contains("nope.yaml"), "{stderr}");
    }

    #[test]
    fn a_templates_functions_run_where_their_runtime_is_served() {
        let template = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/chat/template.yaml"
        );
        let api = Api::from_path(template).unwrap();
        let folder = std::path::Path::new(template)
            .parent()
            .unwrap()
            .canonicalize()
            .unwrap();
        let (bindings, lines, environment) =
            function_plan(&api, Host::Python, &ServeOptions::default());
        let bound: Vec<(&str, &str, &str)> = bindings
            .iter()
            .map(|b| {
                let integration = b.integration.as_deref().unwrap();
                (
                    integration,
                    b.module.as_deref().unwrap(),
                    b.function.as_str(),
                )
            })
            .collect();
        assert_eq!(
            bound,
            [
                ("ConnectionIntegration", "handlers", "connection"),
                ("ChatIntegration", "handlers", "chat")
            ]
        );
        assert!(bindings
            .iter()
            .all(|b| b.directory.as_deref() == Some(folder.to_str().unwrap())));
        assert_eq!(
            lines,
            [
                "function ConnectionFunction (python3.12, handlers.connection): in-process",
                "function ChatFunction (python3.12, handlers.chat): in-process"
            ]
        );
        assert_eq!(environment["STAGE"], "dev");
        let (bindings, lines, _) = function_plan(
            &api,
            Host::Node,
            &ServeOptions {
                lambda_endpoint: Some("http://127.0.0.1:3001".into()),
                ..ServeOptions::default()
            },
        );
        assert!(bindings.is_empty());
        assert_eq!(
            lines[1],
            "function ChatFunction (python3.12, handlers.chat): at the Lambda endpoint http://127.0.0.1:3001"
        );
    }
}
