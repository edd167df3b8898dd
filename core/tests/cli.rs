//! The command line: the README's `console` blocks (each `$ wsgate ...` line runs, and its output must match the
//! block), exit codes, and output into a closed pipe.

use std::path::Path;
use std::process::Command;

#[test]
fn readme_console_examples_print_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_wsgate")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut examples = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap();
        for example in block.split("$ ").filter(|e| !e.is_empty()) {
            let (command, expected) = example.split_once('\n').unwrap();
            let output = Command::new("sh")
                .arg("-c")
                .arg(format!("{command} 2>&1"))
                .current_dir(&root)
                .env("PATH", &path)
                .output()
                .unwrap();
            let actual = String::from_utf8(output.stdout).unwrap();
            assert_eq!(
                actual.trim_end(),
                expected.trim_end(),
                "output of `{command}`"
            );
            examples += 1;
        }
    }
    assert!(examples >= 5, "only {examples} examples found");
}

#[test]
fn check_exits_1_on_problems_and_0_when_ok() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_wsgate"))
            .args(["check", file])
            .current_dir(&root)
            .status()
            .unwrap()
            .code()
    };
    for example in [
        "examples/chat/api.yaml",
        "examples/validation/api.yaml",
        "examples/mock-templates/api.yaml",
    ] {
        assert_eq!(run(example), Some(0), "{example}");
    }
    assert_eq!(run("tests/fixtures/broken.yaml"), Some(1));
    assert_eq!(run("tests/fixtures/does-not-exist.yaml"), Some(1));
}

#[test]
fn output_into_a_closed_pipe_is_not_a_crash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_wsgate"))
        .args(["route", "examples/chat/api.yaml", "--message", "{}"])
        .current_dir(&root)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{stderr}");
}

#[test]
fn route_shows_the_authorizer_step_and_sends_the_message_only_once_connected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let route = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_wsgate"))
            .args(["route", "examples/authorizer/template.yaml"])
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap();
        let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code(), trace)
    };
    let deny = r#"{"principalId": "guest", "policyDocument": {"Version": "2012-10-17", "Statement":
        [{"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "*"}]}}"#;
    let (code, denied) = route(&["--query", "token=guest", "--authorizer-result", deny]);
    assert_eq!(code, Some(0));
    assert_eq!(denied["handshake"]["status"], 403);
    let step = &denied["authorizer"];
    assert_eq!(step["identity"]["route.request.querystring.token"], "guest");
    assert_eq!(step["request"]["queryStringParameters"]["token"], "guest");
    assert_eq!(step["answer"]["principalId"], "guest");
    assert_eq!(step["effect"], "Deny");

    let (code, unauthorized) = route(&[
        "--header",
        "X-Client: test",
        "--query",
        "token=x",
        "--authorizer-error",
        "Unauthorized",
        "--message",
        "{}",
    ]);
    assert_eq!(code, Some(1), "a refused handshake sends no message");
    assert_eq!(unauthorized["handshake"]["status"], 401);
    assert_eq!(
        unauthorized["authorizer"]["request"]["headers"]["X-Client"],
        "test"
    );

    let allow = r#"{"principalId": "ann", "context": {"plan": "pro", "seats": 3},
        "policyDocument": {"Version": "2012-10-17", "Statement":
        [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}"#;
    let (code, message) = route(&[
        "--query",
        "token=user-ann",
        "--authorizer-result",
        allow,
        "--message",
        "{}",
    ]);
    assert_eq!(code, Some(0));
    let authorizer = &message["integration"]["request"]["requestContext"]["authorizer"];
    assert_eq!(authorizer["principalId"], "ann");
    assert_eq!(
        authorizer["seats"], "3",
        "context values reach later events as strings"
    );
}
