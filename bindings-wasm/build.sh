#!/usr/bin/env bash
# Builds the WebAssembly package: pkg/ for the browser (`--target web`, what the playground loads, with the
# definitions of examples/ as pkg/examples.js) and pkg-node/ for Node (`--target nodejs`, what the tests run).
# Installs what it needs first: the wasm32 target, and wasm-bindgen-cli at the version Cargo.toml pins (built once
# by cargo, a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
rustup target add wasm32-unknown-unknown >/dev/null 2>&1
version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' bindings-wasm/Cargo.toml)
[[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $version" ]] \
  || cargo install --quiet wasm-bindgen-cli --version "$version"

cargo build -q -p wsgate-wasm --target wasm32-unknown-unknown --profile wasm
wasm=target/wasm32-unknown-unknown/wasm/wsgate_wasm.wasm
# Function names are for debuggers; without them the download is a fifth smaller.
wasm-bindgen --target web --remove-name-section --out-dir bindings-wasm/pkg "$wasm"
wasm-bindgen --target nodejs --remove-name-section --out-dir bindings-wasm/pkg-node "$wasm"
# The shapes of the values wsgate_wasm.d.ts names (Trace, Step, ...): the core's, as the Node package has them.
cp bindings-node/contract.d.ts bindings-wasm/pkg/
cp bindings-node/contract.d.ts bindings-wasm/pkg-node/
node bindings-wasm/playground/bundle-examples.mjs examples bindings-wasm/pkg/examples.js
