//! A WebSocket load generator for two-way echo routes, bounded in messages and time. It measures messages/s,
//! latency percentiles and, given the server's pid, the server's CPU time per message (in all, and per thread name,
//! so that a Node or Python server's language thread shows apart) and its memory per idle connection (from /proc).
//!
//! ```sh
//! cargo run --release -p wsgate-core --example loadgen -- URL [--connections 100] [--messages 2000] \
//!     [--size 60] [--in-flight 8] [--seconds 60] [--threads 1] [--pid PID] [--idle 5000] [--rate 20000]
//! ```
//! Each message is `{"action":"echo","n":N,"pad":"..."}` of `--size` bytes; the server must send it back.
//! `--rate R` paces the load instead: once every connection is open, each sends one message at a time on a schedule
//! that gives R messages/s in all, spread evenly over the connections; a latency is counted from the message's
//! scheduled time, so a server that falls behind shows it instead of slowing the generator down.
//! `--threads 2` runs the generator on two threads: when that gives no more messages/s than one, the generator is
//! not what limits the server.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

struct Options {
    url: String,
    connections: usize,
    messages: usize,
    size: usize,
    in_flight: usize,
    seconds: u64,
    threads: usize,
    pid: Option<u32>,
    idle: usize,
    rate: u64,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        url: String::new(),
        connections: 100,
        messages: 2000,
        size: 60,
        in_flight: 8,
        seconds: 60,
        threads: 1,
        pid: None,
        idle: 0,
        rate: 0,
    };
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .and_then(|v| v.parse::<u64>().ok())
                .expect("a number after the flag")
        };
        match arg.as_str() {
            "--connections" => o.connections = value() as usize,
            "--messages" => o.messages = value() as usize,
            "--size" => o.size = value() as usize,
            "--in-flight" => o.in_flight = value() as usize,
            "--seconds" => o.seconds = value(),
            "--threads" => o.threads = value() as usize,
            "--pid" => o.pid = Some(value() as u32),
            "--idle" => o.idle = value() as usize,
            "--rate" => o.rate = value(),
            url => o.url = url.to_string(),
        }
    }
    assert!(!o.url.is_empty(), "usage: loadgen URL [options]");
    o
}

/// utime + stime of one thread of a process, in seconds (Linux /proc).
fn cpu_seconds(stat_path: &str) -> f64 {
    let stat = std::fs::read_to_string(stat_path).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

/// CPU seconds of a process: all its threads' (living and ended), and each living thread's by name (Node's
/// JavaScript thread is `node`, Python's main thread `python`, the packages' own threads `wsgate-*`, tokio's
/// `tokio-runtime-w`), so that the language's thread shows apart from the gateway's.
fn process_cpu(pid: u32) -> (f64, BTreeMap<String, f64>) {
    let mut threads = BTreeMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        *threads.entry(name.trim().to_string()).or_insert(0.0) +=
            cpu_seconds(&path.join("stat").to_string_lossy());
    }
    (cpu_seconds(&format!("/proc/{pid}/stat")), threads)
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn message(n: usize, size: usize) -> String {
    let head = format!(r#"{{"action":"echo","n":{n},"pad":""#);
    let pad = size.saturating_sub(head.len() + 2);
    format!("{head}{}\"}}", "x".repeat(pad))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str) -> Socket {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connects")
        .0
}

/// With `--rate`: when this connection sends its first message, and how long after each the next is due.
#[derive(Clone, Copy)]
struct Pace {
    first: Instant,
    every: Duration,
}

/// One connection: keeps `in_flight` messages outstanding until `messages` are answered; returns latencies. With a
/// pace it sends each message at its scheduled time.
async fn run_connection(
    mut ws: Socket,
    messages: usize,
    size: usize,
    in_flight: usize,
    deadline: Instant,
    pace: Option<Pace>,
) -> Vec<Duration> {
    let mut sent_at = vec![Instant::now(); messages];
    let mut latencies = Vec::with_capacity(messages);
    let mut next = 0;
    while latencies.len() < messages && Instant::now() < deadline {
        while next < messages && next - latencies.len() < in_flight {
            sent_at[next] = match pace {
                Some(Pace { first, every }) => {
                    let due = first + every * next as u32;
                    tokio::time::sleep_until(due.into()).await;
                    due
                }
                None => Instant::now(),
            };
            ws.feed(Message::text(message(next, size)))
                .await
                .expect("sends");
            next += 1;
        }
        ws.flush().await.expect("flushes");
        match tokio::time::timeout_at(deadline.into(), ws.next()).await {
            Ok(Some(Ok(Message::Text(reply)))) => {
                let n: usize = reply
                    .split("\"n\":")
                    .nth(1)
                    .and_then(|r| r.split(',').next())
                    .and_then(|n| n.parse().ok())
                    .expect("the reply echoes n");
                latencies.push(sent_at[n].elapsed());
            }
            Ok(other) => panic!("unexpected {other:?}"),
            Err(_) => break,
        }
    }
    let _ = ws.close(None).await;
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// Opens `--idle` connections in two halves and prints the server's memory per connection after each, counted from
/// its resident memory before the first.
async fn idle_memory(o: &Options, pid: u32) {
    let before = rss_kib(pid);
    let mut sockets = Vec::with_capacity(o.idle);
    for target in [o.idle / 2, o.idle] {
        while sockets.len() < target {
            sockets.push(connect(&o.url).await);
        }
        // Every handshake has completed; the server has allocated all it will for an idle connection.
        let after = rss_kib(pid);
        println!(
            "idle connections: {target}  server RSS: {before} KiB -> {after} KiB  per connection: {:.1} KiB",
            (after.saturating_sub(before)) as f64 / target as f64
        );
    }
}

fn main() {
    let o = options();
    let runtime = match o.threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build(),
    }
    .expect("a runtime");
    runtime.block_on(run(o));
}

async fn run(o: Options) {
    if o.idle > 0 {
        return idle_memory(&o, o.pid.expect("--idle needs --pid")).await;
    }
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let paced = o.rate > 0;
    // Paced, every connection is open (a hundred handshakes at a time, as clients arriving) before the first
    // message, and messages/s and CPU count from then; otherwise each connection opens in its own task.
    let mut sockets = Vec::new();
    if paced {
        sockets = futures_util::stream::iter(0..o.connections)
            .map(|_| connect(&o.url))
            .buffer_unordered(100)
            .collect()
            .await;
    }
    let cpu_before = o.pid.map(process_cpu);
    let started = Instant::now();
    // Each connection sends every connections/rate seconds, the connections' schedules spread over that interval.
    let every = Duration::from_secs_f64(o.connections as f64 / o.rate.max(1) as f64);
    let tasks: Vec<_> = (0..o.connections)
        .map(|i| {
            let url = o.url.clone();
            let socket = sockets.pop();
            let (messages, size, in_flight) = (o.messages, o.size, o.in_flight);
            let pace = paced.then(|| Pace {
                first: started + every.mul_f64(i as f64 / o.connections as f64),
                every,
            });
            tokio::spawn(async move {
                let ws = match socket {
                    Some(ws) => ws,
                    None => connect(&url).await,
                };
                let in_flight = if paced { 1 } else { in_flight };
                run_connection(ws, messages, size, in_flight, deadline, pace).await
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a connection task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let total = latencies.len();
    let expected = o.connections * o.messages;
    let per_message = |seconds: f64| format!("{:.2}", seconds * 1e6 / total.max(1) as f64);
    let cpu = match (o.pid, cpu_before) {
        (Some(pid), Some((all, threads))) => {
            let (all_after, threads_after) = process_cpu(pid);
            let busy: Vec<String> = threads_after
                .iter()
                .map(|(name, after)| (name, after - threads.get(name).unwrap_or(&0.0)))
                .filter(|(_, spent)| *spent > 0.0)
                .map(|(name, spent)| format!("{name} {}", per_message(spent)))
                .collect();
            format!("{} ({})", per_message(all_after - all), busy.join(", "))
        }
        _ => "-".into(),
    };
    println!(
        "messages: {total}/{expected}  msgs/s: {:.0}  p50 us: {:.0}  p99 us: {:.0}  server CPU us/msg: {cpu}",
        total as f64 / elapsed,
        percentile(&latencies, 0.50) * 1000.0,
        percentile(&latencies, 0.99) * 1000.0,
    );
    if total < expected {
        std::process::exit(1);
    }
}
