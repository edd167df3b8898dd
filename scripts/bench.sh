#!/usr/bin/env bash
# Side by side, in one run, under the same loads from the same generator; prints one line per measurement.
#   bash scripts/bench.sh gateway   wsgate's echo route (selection + validation + two-way MOCK), hand-written
#                                   tokio-tungstenite servers (a raw echo, a minimal serde_json router),
#                                   serverless-offline with an in-process Node handler
#   bash scripts/bench.sh python    wsgate with an in-process Python handler; the minimal `websockets` and `picows`
#                                   routers a user would write instead; a `websockets` server building the full event
#   bash scripts/bench.sh node      wsgate with an in-process JS handler; the minimal `ws` router; a `ws` server
#                                   building the full event; serverless-offline
#   bash scripts/bench.sh generator whether the load generator limits the raw echo: one thread against two
# With no argument, all. LOADS="small 16KiB" picks loads of: small (100 connections x 2,000 messages of 60 B, 8 in
# flight each), 16KiB (10 x 2,000 of 16 KiB), latency (1 connection, 1 in flight), idle (5,000 then 10,000 idle
# connections), rate (10,000 connections sending 20,000 messages/s in all, 10 each). THREADS=2 runs the generator
# on two threads.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-all}
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --release -q -p wsgate-core --bin wsgate --example loadgen --example echo_server
loadgen=$PWD/target/release/examples/loadgen
read -r -a loads <<<"${LOADS:-small 16KiB latency idle rate}"
threads=${THREADS:-1}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

measure() { # NAME COMMAND... : start a server, wait for its "listening on ws://..." line, load it, stop it
  local name=$1; shift
  # serverless-offline announces itself on stderr, the others on stdout: read both.
  coproc SERVER { exec "$@" 2>&1; }
  local pid=$SERVER_PID line=""
  until [[ $line == *"listening on ws://"* ]]; do read -r line <&"${SERVER[0]}"; done
  local url=${line##*listening on }
  # serverless-offline announces its WebSocket server before the HTTP server under it accepts connections.
  if [[ -n ${ready_after:-} ]]; then
    until [[ $line == *"$ready_after"* ]]; do read -r line <&"${SERVER[0]}"; done
  fi
  local out
  exec {out}<&"${SERVER[0]}" # coproc descriptors do not reach background jobs; a copy does
  cat <&"$out" >/dev/null &  # keep draining its output, so logging never blocks it
  echo "== $name ($url)"
  local -a run
  read -r -a run <<<"${only:-${loads[*]}}" # `only=LOAD measure ...` runs that load alone
  for load in "${run[@]}"; do
    case $load in
      small) "$loadgen" "$url" --connections 100 --messages 2000 --size 60 --in-flight 8 --threads "$threads" --pid "$pid" ;;
      16KiB) "$loadgen" "$url" --connections 10 --messages 2000 --size 16384 --in-flight 8 --threads "$threads" --pid "$pid" ;;
      latency) "$loadgen" "$url" --connections 1 --messages 5000 --size 60 --in-flight 1 --pid "$pid" ;;
      idle) "$loadgen" "$url" --idle 10000 --pid "$pid" ;; # memory at 5,000 and at 10,000
      # One generator thread falls behind 10,000 connections' schedules (p50 over a second against the raw echo).
      rate) "$loadgen" "$url" --connections 10000 --messages 10 --size 60 --rate 20000 --threads 2 --pid "$pid" ;;
    esac | sed "s/^/$load  /"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

serverless_offline() { # bench/serverless-offline's echo handler, in-process
  (
    cd bench/serverless-offline
    npm ci --silent --no-audit --no-fund --legacy-peer-deps
    export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_INTERACTIVE_SETUP_DISABLE=1
    ready_after="[http for websocket] listening"
    measure "serverless-offline, in-process handler" node node_modules/serverless/bin/serverless.js offline start \
      --useInProcess --websocketPort "$(free_port)" --httpPort "$(free_port)" --lambdaPort "$(free_port)"
  )
}

if [[ $suite == all || $suite == generator ]]; then
  for threads in 1 2; do
    only=small measure "tokio-tungstenite raw echo, a $threads-thread generator" target/release/examples/echo_server --raw
  done
  threads=${THREADS:-1}
fi

if [[ $suite == all || $suite == gateway ]]; then
  measure "wsgate serve examples/echo/api.yaml" env RUST_LOG=warn target/release/wsgate serve examples/echo/api.yaml --port 0
  measure "tokio-tungstenite raw echo" target/release/examples/echo_server --raw
  measure "tokio-tungstenite + serde_json router" target/release/examples/echo_server
  serverless_offline
fi

if [[ $suite == all || $suite == python ]]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt ./bindings-python
  measure "wsgate, in-process Python handler" .venv/bin/python bench/python/wsgate_server.py
  measure "picows, minimal router" .venv/bin/python bench/python/picows_minimal.py
  measure "websockets, minimal router" .venv/bin/python bench/python/websockets_minimal.py
  only=small measure "websockets, the full Lambda event" .venv/bin/python bench/python/websockets_server.py
fi

if [[ $suite == all || $suite == node ]]; then
  (cd bench/node && npm ci --silent --no-audit --no-fund) # builds the wsgate package, release profile
  measure "wsgate, in-process JS handler" node bench/node/wsgate_server.mjs
  measure "ws, minimal router" node bench/node/ws_minimal.mjs
  only=small measure "ws, the full Lambda event" node bench/node/ws_server.mjs
  only=small serverless_offline
fi
