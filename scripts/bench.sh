#!/usr/bin/env bash
# Side by side, in one run: wsgate's echo route (selection + validation + two-way MOCK) and a hand-written
# tokio-tungstenite echo server, under the same loads from the same generator. Prints one line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --release -q -p wsgate-core --bin wsgate --example loadgen --example echo_server
loadgen=target/release/examples/loadgen

measure() { # NAME COMMAND... : start a server, wait for its "listening on URL" line, load it, stop it
  local name=$1; shift
  coproc SERVER { exec "$@" 2>/dev/null; }
  local pid=$SERVER_PID line
  read -r line <&"${SERVER[0]}"
  local url=${line#listening on }
  echo "== $name ($url)"
  "$loadgen" "$url" --connections 100 --messages 2000 --size 60 --in-flight 8 --pid "$pid" | sed 's/^/small  /'
  "$loadgen" "$url" --connections 10 --messages 500 --size 16384 --in-flight 8 --pid "$pid" | sed 's/^/16KiB  /'
  "$loadgen" "$url" --idle 5000 --pid "$pid" | sed 's/^/idle   /'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

measure "wsgate serve examples/echo/api.yaml" env RUST_LOG=warn target/release/wsgate serve examples/echo/api.yaml --port 0
measure "tokio-tungstenite echo server" target/release/examples/echo_server
