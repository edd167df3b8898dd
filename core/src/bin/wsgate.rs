//! The `wsgate` command line: `check` a definition, `route` a message through it and print the trace.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::Value;
use wsgate_core::engine::{simulate, SimulatedOutcome, StepOptions};
use wsgate_core::server::{Gateway, Tls};
use wsgate_core::Api;

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
    /// Print every problem in an API definition (exit 1), or `ok`.
    Check { file: PathBuf },
    /// Print, as JSON, what the gateway does with one message, without opening a socket.
    Route {
        file: PathBuf,
        /// The message text the client sends.
        #[arg(long)]
        message: String,
        /// What the integration returns: a Lambda result, or {"statusCode","headers","body"} for HTTP.
        #[arg(long, value_parser = parse_json, conflicts_with_all = ["function_error", "timeout"])]
        result: Option<Value>,
        /// The Lambda function fails with this errorMessage.
        #[arg(long, conflicts_with = "timeout")]
        function_error: Option<String>,
        /// The integration times out.
        #[arg(long)]
        timeout: bool,
        /// Send the message as this many frames (one text frame, then continuations).
        #[arg(long)]
        fragments: Option<usize>,
        /// Send the message as a binary frame.
        #[arg(long)]
        binary: bool,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    file: PathBuf,
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 0 picks a free port; the line `listening on ws://HOST:PORT/STAGE` tells which.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Serve under this stage instead of the definition's.
    #[arg(long)]
    stage: Option<String>,
    /// Where Lambda function ARNs are invoked (`sam local start-lambda`'s URL, or any Lambda Invoke API).
    #[arg(long)]
    lambda_endpoint: Option<String>,
    /// Keep the certificate of wss:// and https:// in DIR/cert.pem and DIR/key.pem (made there when missing),
    /// so that clients and Lambda runtimes can trust it: AWS_CA_BUNDLE=DIR/cert.pem, NODE_EXTRA_CA_CERTS=...
    #[arg(long, value_name = "DIR")]
    tls_dir: Option<PathBuf>,
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

/// Prints a result; a closed pipe (`wsgate route ... | head`) is not an error.
fn print(text: &str) -> ExitCode {
    match writeln!(std::io::stdout().lock(), "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load(file: &PathBuf) -> Result<Api, ExitCode> {
    Api::from_path(file).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(1)
    })
}

/// Runs the gateway until SIGINT or SIGTERM, then closes clients with 1001 and runs their `$disconnect`.
fn serve(api: Api, args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("wsgate_core=info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ServeArgs {
        host,
        port,
        stage,
        lambda_endpoint,
        tls_dir,
        ..
    } = args;
    let tls = match Tls::local(&host, tls_dir.as_deref()) {
        Ok(tls) => tls,
        Err(e) => {
            eprintln!("cannot make the TLS certificate: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let stop = match stop_signal() {
            Ok(stop) => stop,
            Err(e) => {
                eprintln!("cannot listen for SIGINT and SIGTERM: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut builder = Gateway::builder(api).tls(tls);
        if let Some(stage) = stage {
            builder = builder.stage(stage);
        }
        if let Some(endpoint) = lambda_endpoint {
            builder = builder.lambda_endpoint(endpoint);
        }
        let server = match builder.serve((host.as_str(), port)).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("cannot serve on {host}:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let code = print(&format!("listening on {}", server.url()));
        match &tls_dir {
            Some(dir) => eprintln!(
                "wss:// and https:// on the same port, with the certificate in {}",
                dir.join("cert.pem").display()
            ),
            None => eprintln!(
                "wss:// and https:// on the same port, with a certificate made for this run (--tls-dir keeps it)"
            ),
        }
        stop.await;
        server.shutdown().await;
        code
    })
}

/// Resolves at the first SIGINT or SIGTERM. The handlers are installed when this is called, not when it is first
/// awaited: call it before announcing the server, so that a signal sent right after the announcement stops it cleanly.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve(args) => match load(&args.file) {
            Ok(api) => serve(api, args),
            Err(code) => code,
        },
        Command::Check { file } => match load(&file) {
            Ok(_) => print("ok"),
            Err(code) => code,
        },
        Command::Route {
            file,
            message,
            result,
            function_error,
            timeout,
            fragments,
            binary,
        } => {
            let api = match load(&file) {
                Ok(api) => api,
                Err(code) => return code,
            };
            let options = StepOptions {
                fragments,
                binary,
                outcome: SimulatedOutcome {
                    result,
                    function_error,
                    timeout,
                },
                ..StepOptions::default()
            };
            match simulate(api, &message, &options) {
                Ok(trace) => {
                    let json = serde_json::to_string_pretty(&trace).expect("a trace is JSON");
                    print(&json)
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
