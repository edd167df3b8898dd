//! Engine cost per message on the chat example (~100-byte messages): route selection alone, selection plus
//! draft-4 validation, the full engine on a proxy route, selection + validation + MOCK templates, and what a
//! throttled stage adds (a token bucket per route).
//! `cargo bench -p wsgate-core --bench engine`
//!
//! With `WSGATE_COUNT=CASE:N` the binary instead runs one engine case N times and exits, for an instruction count
//! under callgrind that does not depend on the machine's load: `bash scripts/instructions.sh`.

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use serde_json::Value;
use wsgate_core::config::Route;
use wsgate_core::engine::throttle::{Bucket, ThrottleLimits};
use wsgate_core::engine::{Connection, Request};
use wsgate_core::selection::Inputs;
use wsgate_core::{Api, Engine};

/// What every shipped artifact allocates with (Cargo.toml), so the counts are the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHAT: &str = include_str!("../../examples/chat/api.yaml");

/// A ~100-byte chat message.
const MESSAGE: &str = r#"{"action":"sendmessage","message":"Hello everyone, the meeting moves to room 4 at three o'clock!!!"}"#;

/// The chat example plus a two-way MOCK route that validates and renders request and response templates.
fn templated_api() -> Api {
    let extra = r#"
  render:
    integrationType: MOCK
    requestTemplates:
      $default: '{"statusCode": 200}'
    integrationResponses:
      /200/:
        responseTemplates:
          $default: '{"from": "$context.connectionId", "message": $input.json(''$.message''), "route": "$context.routeKey"}'
"#;
    let text = CHAT
        .replace("integrations:\n", &format!("integrations:{extra}"))
        .replace(
            "  sendmessage:\n    target: integrations/chat",
            "  sendmessage:\n    target: integrations/render\n    routeResponseSelectionExpression: $default",
        );
    Api::from_str(&text).expect("bench definition loads")
}

fn connection() -> Connection {
    Connection {
        connection_id: "R1kmxc2VNjMCFIA=".into(),
        connected_at: 1_705_751_697_419,
        source_ip: "127.0.0.1".into(),
        user_agent: Some("bench".into()),
        domain_name: "localhost:8080".into(),
        headers: Vec::new(),
        query: Vec::new(),
        forwarded_port: 8080,
        forwarded_proto: "http".into(),
        authorizer: None,
        caller: None,
    }
}

fn request() -> Request {
    Request {
        request_id: "R1knPH17NjMFftw=".into(),
        message_id: "R1knPc2ntjMCFIA=".into(),
        time_ms: 1_705_751_700_453,
    }
}

/// What the engine does first with every message: parse it, evaluate the route selection expression, match.
fn select<'a>(api: &'a Api, message: &str) -> (Option<Value>, Option<&'a Route>) {
    let body: Option<Value> = serde_json::from_str(message).ok();
    let inputs = Inputs {
        body: body.as_ref(),
        ..Inputs::default()
    };
    let route = api.routes.get(&api.route_selection.evaluate(&inputs));
    (body, route)
}

fn benches(c: &mut Criterion) {
    let api = Api::from_str(CHAT).unwrap();
    assert_eq!(MESSAGE.len(), 100);

    // The floor every approach pays: parsing the message as JSON once.
    c.bench_function("baseline: serde_json parse of the message", |b| {
        b.iter(|| black_box(serde_json::from_str::<Value>(black_box(MESSAGE)).is_ok()))
    });

    c.bench_function("route selection (parse JSON + evaluate + match)", |b| {
        b.iter(|| black_box(select(&api, black_box(MESSAGE)).1.is_some()))
    });

    c.bench_function("route selection + draft-4 validation", |b| {
        b.iter(|| {
            let (body, route) = select(&api, black_box(MESSAGE));
            let name = &route.expect("sendmessage").request_models["$default"];
            black_box(api.models[name].check(body.as_ref()).is_ok())
        })
    });

    let conn = connection();
    let req = request();
    let chat = Engine::new(Api::from_str(CHAT).unwrap());
    c.bench_function("engine: selection + validation + Lambda proxy event", |b| {
        b.iter(|| black_box(chat.message(&conn, &req, black_box(MESSAGE))))
    });

    // `$default` of the chat example: a MOCK integration, request and response templates, no model.
    let other = r#"{"action":"dance","message":"Hello everyone, the meeting moves to room 4 at three o'clock!!!!!!!!!"}"#;
    assert_eq!(other.len(), 100);
    assert_eq!(chat.message(&conn, &req, other).actions.len(), 1);
    c.bench_function("engine: selection + MOCK templates", |b| {
        b.iter(|| black_box(chat.message(&conn, &req, black_box(other))))
    });

    let templated = Engine::new(templated_api());
    let decision = templated.message(&conn, &req, MESSAGE);
    assert_eq!(decision.validation.as_ref().map(|v| v.valid), Some(true));
    assert_eq!(decision.actions.len(), 1, "{decision:?}");
    c.bench_function("engine: selection + validation + MOCK templates", |b| {
        b.iter(|| black_box(templated.message(&conn, &req, black_box(MESSAGE))))
    });

    let throttled = throttled_engine();
    let mut clock = req.clone();
    c.bench_function("engine: selection + MOCK templates, throttled stage", |b| {
        b.iter(|| {
            clock.time_ms += 1;
            black_box(throttled.message(&conn, &clock, black_box(other)))
        })
    });
    let bucket = Bucket::new(ThrottleLimits {
        burst: 5000,
        rate: 1e9,
    });
    let mut now = req.time_ms;
    c.bench_function("throttle: one token from a route's bucket", |b| {
        b.iter(|| {
            now += 1;
            black_box(bucket.take(black_box(now)))
        })
    });
}

/// The chat example with the stage's defaultRouteSettings at limits no message reaches (the bucket's time stays
/// ahead of the clock only by the burst), so every message pays a token's compare-and-swap.
fn throttled_engine() -> Engine {
    let engine = Engine::new(
        Api::from_str(&CHAT.replace(
            "routes:\n",
            "defaultRouteSettings: {throttlingBurstLimit: 2000000000, throttlingRateLimit: 1000000000}\nroutes:\n",
        ))
        .unwrap(),
    );
    assert!(engine.api().routes["$default"].throttle.is_some());
    engine
}

/// `WSGATE_COUNT=CASE:N`: one engine case, N messages, nothing else (see the module's comment).
fn count(case: &str, n: u64) {
    let (conn, mut req) = (connection(), request());
    let other = r#"{"action":"dance","message":"Hello everyone, the meeting moves to room 4 at three o'clock!!!!!!!!!"}"#;
    let (engine, message) = match case {
        "mock" => (Engine::new(Api::from_str(CHAT).unwrap()), other),
        "mock-throttled" => (throttled_engine(), other),
        "mock-validated" => (Engine::new(templated_api()), MESSAGE),
        "proxy" => (Engine::new(Api::from_str(CHAT).unwrap()), MESSAGE),
        _ => panic!("CASE is mock, mock-throttled, mock-validated or proxy"),
    };
    for _ in 0..n {
        req.time_ms += 1;
        black_box(engine.message(&conn, &req, black_box(message)));
    }
}

criterion_group!(engine, benches);

fn main() {
    match std::env::var("WSGATE_COUNT") {
        Ok(spec) => {
            let (case, n) = spec.split_once(':').expect("WSGATE_COUNT is CASE:N");
            count(case, n.parse().expect("N is a number"));
        }
        Err(_) => {
            engine();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
