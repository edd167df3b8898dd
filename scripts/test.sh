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

# The artifacts users install, each built once (scripts/dist.sh: the binary, the wheel and sdist, the Node tarball
# with its prebuilt addon, the wsgate-wasm tarball, the playground folder); everything below tests what they carry.
bash scripts/dist.sh
export WSGATE_DIST=$PWD/dist WSGATE_BIN=$PWD/dist/wsgate

# The WebAssembly build's JS API in Node, the wsgate-wasm tarball from Node and Chromium, and the playground as
# dist/playground serves it, in Debian's Chromium driven by playwright-core.
if [[ ! -x /usr/bin/chromium ]]; then
  sudo=$([[ $(id -u) == 0 ]] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
(cd bindings-wasm && npm ci --silent --no-audit --no-fund && PLAYGROUND_FOLDER=dist/playground npm test)

# The Python package's tests against the wheel, installed as users install it.
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r bindings-python/tests/requirements.txt
.venv/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/wsgate-*-abi3-*.whl
.venv/bin/python -m pytest bindings-python/tests -q

# The Node package's tests against the addon dist.sh built (and packed) in bindings-node/. That build writes
# index.d.ts from the addon's code: a committed copy that it changes is stale.
(cd bindings-node && npm test)
# The same vectors suite against the WebAssembly build.
(cd bindings-node && TEST_TARGET=wasm node --test test/vectors.test.mjs)
git diff --exit-code -- bindings-node/index.d.ts \
  || { echo "bindings-node/index.d.ts is stale: commit the one the build wrote" >&2; exit 1; }

# End-to-end with real peers against the release binary and the packages: Node's `ws` and the aws-sdk, then
# Python's `websockets` and boto3 (with Lambda handlers behind an Invoke API server, and in-process).
(cd tests/e2e/node && npm ci --silent --no-audit --no-fund && npm test --silent)
npm ci --prefix examples/node-chat --silent --no-audit --no-fund
.venv/bin/python -m pytest tests/e2e/python -q

# Every artifact installed from a fresh folder outside the clone with no cargo or rustc on PATH, and the packages'
# folders of a clean copy installed from source.
.venv/bin/python -m pytest tests/dist -q -s
