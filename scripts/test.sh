#!/usr/bin/env bash
# Runs every check and test of wsgate, installing the Rust components and targets it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
# The load test holds 1,000 client and 1,000 server sockets open at once.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo build -p wsgate-core --no-default-features --target wasm32-unknown-unknown
cargo test --workspace

# The WebAssembly build (bindings-wasm/build.sh installs wasm-bindgen-cli at its pinned version once), its JS API
# in Node, and the playground in Debian's Chromium, driven by playwright-core.
bash bindings-wasm/build.sh
if [[ ! -x /usr/bin/chromium ]]; then
  sudo=$([[ $(id -u) == 0 ]] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
(cd bindings-wasm && npm ci --silent --no-audit --no-fund && npm test)

# The Python package, built by maturin as `pip install ./bindings-python` builds it for users, and its tests.
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r bindings-python/tests/requirements.txt ./bindings-python
.venv/bin/python -m pytest bindings-python/tests -q

# The Node package, built by napi-rs as `npm install` builds it for users, and its tests. The build writes
# index.d.ts from the addon's code: a committed copy that it changes is stale.
(cd bindings-node && npm ci --no-audit --no-fund && npm test)
# The same vectors suite against the WebAssembly build.
(cd bindings-node && TEST_TARGET=wasm node --test test/vectors.test.mjs)
git diff --exit-code -- bindings-node/index.d.ts \
  || { echo "bindings-node/index.d.ts is stale: commit the one the build wrote" >&2; exit 1; }

# End-to-end with real peers against `wsgate serve` and the packages: Node's `ws` and the aws-sdk, then Python's
# `websockets` and boto3 (with Lambda handlers behind an Invoke API server, and in-process).
cargo build -p wsgate-core --bin wsgate
(cd tests/e2e/node && npm ci --silent --no-audit --no-fund && npm test --silent)
npm ci --prefix examples/node-chat --silent --no-audit --no-fund
.venv/bin/python -m pytest tests/e2e/python -q
