//! The `wsgate` binary: the command line of [`wsgate_core::cli`], serving with no in-process handlers.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use wsgate_core::cli::{self, Outcome, ServeArgs};
use wsgate_core::server::Gateway;
use wsgate_core::Api;

/// The allocator of every artifact wsgate ships: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let options = args.options;
    runtime.block_on(async {
        let stop = match stop_signal() {
            Ok(stop) => stop,
            Err(e) => {
                eprintln!("cannot listen for SIGINT and SIGTERM: {e}");
                return ExitCode::FAILURE;
            }
        };
        let server = match options.serve(Gateway::builder(api)).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let code = print(&format!("listening on {}", server.url()));
        eprintln!("{}", options.tls_note());
        if options.management.is_some() {
            eprintln!("management API on {}", server.management_url());
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
    match cli::run(std::env::args_os(), cli::Host::Binary) {
        Outcome::Done {
            stdout,
            stderr,
            code,
        } => {
            if !stderr.is_empty() {
                eprintln!("{}", stderr.trim_end());
            }
            match stdout.is_empty() || print(stdout.trim_end()) == ExitCode::SUCCESS {
                true => ExitCode::from(code),
                false => ExitCode::FAILURE,
            }
        }
        Outcome::Serve { args, .. } if args.handlers.is_some() => {
            eprintln!(
                "--handlers binds Python or Node functions: use the wsgate command of `pip install wsgate` or `npm install wsgate`"
            );
            ExitCode::from(2)
        }
        Outcome::Serve {
            args, functions, ..
        } => match Api::from_path_with(&args.file, &args.template) {
            Ok(api) => {
                for line in functions {
                    eprintln!("{line}");
                }
                serve(api, *args)
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        },
    }
}
