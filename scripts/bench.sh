#!/usr/bin/env bash
# Side by side, in one run, under the same loads from the same generator; prints one line per measurement.
#   bash scripts/bench.sh gateway   wsgate's echo route (selection + validation + two-way MOCK), a hand-written
#                                   tokio-tungstenite echo server, serverless-offline with an in-process Node handler
#   bash scripts/bench.sh python    wsgate with an in-process Python handler, a hand-written `websockets` server
#                                   calling the same handler
#   bash scripts/bench.sh node      wsgate with an in-process JS handler, a hand-written `ws` server and
#                                   serverless-offline, all calling the same handler
# With no argument, both.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-all}
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --release -q -p wsgate-core --bin wsgate --example loadgen --example echo_server
loadgen=$PWD/target/release/examples/loadgen
loads=(small 16KiB idle)
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
  for load in "${loads[@]}"; do
    case $load in
      small) "$loadgen" "$url" --connections 100 --messages 2000 --size 60 --in-flight 8 --pid "$pid" ;;
      16KiB) "$loadgen" "$url" --connections 10 --messages 500 --size 16384 --in-flight 8 --pid "$pid" ;;
      idle) "$loadgen" "$url" --idle 5000 --pid "$pid" ;;
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

if [[ $suite == all || $suite == gateway ]]; then
  measure "wsgate serve examples/echo/api.yaml" env RUST_LOG=warn target/release/wsgate serve examples/echo/api.yaml --port 0
  measure "tokio-tungstenite echo server" target/release/examples/echo_server
  serverless_offline
fi

if [[ $suite == all || $suite == python ]]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r bindings-python/tests/requirements.txt ./bindings-python
  loads=(small)
  measure "wsgate, in-process Python handler" .venv/bin/python bench/python/wsgate_server.py
  measure "websockets, the same Python handler" .venv/bin/python bench/python/websockets_server.py
fi

if [[ $suite == all || $suite == node ]]; then
  (cd bench/node && npm ci --silent --no-audit --no-fund) # builds the wsgate package, release profile
  loads=(small)
  measure "wsgate, in-process JS handler" node bench/node/wsgate_server.mjs
  measure "ws, the same JS handler" node bench/node/ws_server.mjs
  serverless_offline
fi
