//! Malformed definitions, messages and templates: each gets a clear error or API Gateway's answer, never a panic.

use std::sync::Arc;

use wsgate_core::engine::{Session, SessionOptions, SimulateOptions, StepOptions};
use wsgate_core::frame::{Assembled, CloseCause, Opcode};
use wsgate_core::{Api, Engine};

const CHAT: &str = include_str!("../../examples/chat/api.yaml");

fn send(api: &str, message: &str) -> Vec<String> {
    let engine = Arc::new(Engine::new(Api::from_str(api).unwrap()));
    let mut session = Session::new(engine.clone(), SessionOptions::default());
    let fragments = StepOptions {
        simulate: SimulateOptions {
            fragments: Some(8),
            ..SimulateOptions::default()
        },
        ..StepOptions::default()
    };
    let trace = session.message(message, &fragments).unwrap();
    assert_eq!(trace.close, None, "the message must stay within the limits");
    trace.send
}

#[test]
fn every_truncation_of_a_definition_is_an_error_or_loads_never_a_panic() {
    for end in (0..CHAT.len()).filter(|i| CHAT.is_char_boundary(*i)) {
        if let Err(e) = Api::from_str(&CHAT[..end]) {
            assert!(!e.problems.is_empty());
            assert!(e.problems.iter().all(|p| !p.message.is_empty()));
        }
    }
}

#[test]
fn garbage_definitions_are_errors() {
    for text in [
        "\u{feff}",
        "---\n...\n---\n",
        "name: !!binary aGk=",
        "? [a]\n: b",
        "&a [*a]",
        "\t\t:",
    ] {
        assert!(Api::from_str(text).is_err(), "{text:?}");
    }
}

#[test]
fn deeply_nested_json_goes_to_default_without_a_panic() {
    let deep = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    let api = "name: d\nrouteSelectionExpression: $request.body.action\nintegrations: {m: {integrationType: MOCK, \
               integrationResponses: {$default: {responseTemplates: {$default: 'default'}}}}}\n\
               routes: {$default: {target: integrations/m, routeResponseSelectionExpression: $default}}\n";
    assert_eq!(send(api, &deep), vec!["default"]);
    let deep_object = format!("{}1{}", "{\"action\":".repeat(10_000), "}".repeat(10_000));
    assert_eq!(send(api, &deep_object), vec!["default"]);
}

#[test]
fn huge_numbers_are_routed_by_their_text() {
    let api = "name: n\nrouteSelectionExpression: $request.body.action\nintegrations: {m: {integrationType: MOCK, \
               integrationResponses: {$default: {responseTemplates: {$default: 'route $context.routeKey'}}}}}\n\
               routes: {$default: {target: integrations/m, routeResponseSelectionExpression: $default}, \
               '1e+30': {target: integrations/m, routeResponseSelectionExpression: $default}}\n";
    assert_eq!(send(api, r#"{"action": 1e400}"#), vec!["route $default"]);
    assert_eq!(send(api, r#"{"action": 1e30}"#), vec!["route 1e+30"]);
}

#[test]
fn an_exploding_template_gives_internal_server_error_and_the_connection_lives() {
    let api = r#"
name: boom
routeSelectionExpression: $request.body.action
integrations:
  m:
    integrationType: MOCK
    integrationResponses:
      $default:
        responseTemplates:
          $default: '#set($s = "xxxxxxxxxxxxxxxx")#foreach($i in [1..64])#set($s = "$s$s")#end$s'
routes:
  $default: { target: integrations/m, routeResponseSelectionExpression: $default }
"#;
    let engine = Arc::new(Engine::new(Api::from_str(api).unwrap()));
    let mut session = Session::new(engine.clone(), SessionOptions::default());
    for _ in 0..2 {
        let trace = session.message("{}", &StepOptions::default()).unwrap();
        assert_eq!(trace.send.len(), 1);
        assert!(
            trace.send[0].starts_with(r#"{"message": "Internal server error", "connectionId":""#)
        );
        assert!(trace.close.is_none());
    }
}

#[test]
fn invalid_utf8_in_a_frame_closes_with_1007() {
    let engine = Arc::new(Engine::new(Api::from_str(CHAT).unwrap()));
    let mut assembler = engine.assembler();
    let outcome = assembler.push(Opcode::Text, true, b"{\"action\":\"\xc3\x28\"}");
    assert_eq!(outcome, Assembled::Close(CloseCause::InvalidUtf8));
    assert_eq!(CloseCause::InvalidUtf8.code(), 1007);
}

#[test]
fn a_closed_session_refuses_more_messages() {
    let engine = Arc::new(Engine::new(Api::from_str(CHAT).unwrap()));
    let mut session = Session::new(engine.clone(), SessionOptions::default());
    let binary = StepOptions {
        simulate: SimulateOptions {
            binary: true,
            ..SimulateOptions::default()
        },
        ..StepOptions::default()
    };
    assert_eq!(
        session.message("x", &binary).unwrap().close.unwrap().code,
        1003
    );
    assert!(session.message("x", &StepOptions::default()).is_err());
}
