#!/usr/bin/env bash
# Builds the WebAssembly package: pkg/ for the browser (`--target web`, what the playground loads) and pkg-node/ for
# Node (`--target nodejs`, what the tests run). Needs the wasm32-unknown-unknown target and wasm-bindgen-cli at the
# version Cargo.toml pins (scripts/test.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p wsgate-wasm --target wasm32-unknown-unknown --profile wasm
wasm=target/wasm32-unknown-unknown/wasm/wsgate_wasm.wasm
# Function names are for debuggers; without them the download is a fifth smaller.
wasm-bindgen --target web --remove-name-section --out-dir bindings-wasm/pkg "$wasm"
wasm-bindgen --target nodejs --remove-name-section --out-dir bindings-wasm/pkg-node "$wasm"
