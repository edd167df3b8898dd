#!/usr/bin/env bash
# Builds every artifact users install, once each, into dist/:
#   wsgate-VERSION-cp39-abi3-manylinux_*.whl  the Python package (abi3: any CPython >= 3.9 of this platform)
#   wsgate-VERSION.tar.gz                     its sdist (builds from source where Rust is present)
#   wsgate-VERSION.tgz                        the Node package, with this platform's prebuilt addon and the Rust
#                                             sources it builds from where no prebuilt matches
#   wsgate-wasm-VERSION.tgz                   the WebAssembly build (--target web) and its types
#   playground/                               the route playground, a static folder any static host can serve
#   wsgate                                    the binary
# Needs only what scripts/test.sh installs (rustup targets, wasm-bindgen-cli); maturin is pip-installed into
# target/tools, at the version pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
MATURIN_VERSION=1.16.0
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml)
stage=target/dist-stage
rm -rf dist "$stage"
dist=$PWD/dist
mkdir -p dist "$stage"

echo "dist: the wsgate binary" >&2
cargo build --quiet --release --locked -p wsgate-core --bin wsgate
cp target/release/wsgate dist/
strip dist/wsgate # symbols are for debuggers: a third of the size

echo "dist: the Python wheel and sdist" >&2
[[ -x target/tools/bin/maturin && "$(target/tools/bin/maturin --version)" == "maturin $MATURIN_VERSION" ]] || {
  python3 -m venv target/tools
  target/tools/bin/pip install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
}
# maturin tags the wheel with the oldest manylinux policy its compliance check accepts for the built library.
target/tools/bin/maturin build --quiet --release --strip --locked -m bindings-python/Cargo.toml --out dist
target/tools/bin/maturin sdist -m bindings-python/Cargo.toml --out dist >/dev/null

echo "dist: the Node package" >&2
# napi builds the addon under this platform's name (and regenerates index.d.ts from the Rust code).
(cd bindings-node && npm ci --silent --ignore-scripts --no-audit --no-fund \
  && npx napi build --release --platform --no-js --dts index.d.ts >/dev/null \
  && strip wsgate.*.node)
node="$stage/node"
mkdir -p "$node"
cp bindings-node/{package.json,index.js,index.mjs,index.d.ts,types.d.ts,contract.d.ts,platform.js,install.js,cli.js} "$node/"
cp bindings-node/wsgate.*.node "$node/"
# The Rust sources install.js builds from where no prebuilt addon matches: the core and the addon's crate in a
# workspace of their own, locked to the versions the prebuilt was built with.
crate="$node/crate"
mkdir -p "$crate/core" "$crate/bindings-node"
sed 's/^members = .*/members = ["core", "bindings-node"]/' Cargo.toml >"$crate/Cargo.toml"
cp Cargo.lock "$crate/"
cp -r core/src "$crate/core/"
# Only the library and the binary: the core's tests and benchmarks stay in the repository.
awk '/^\[\[(test|bench)\]\]|^\[dev-dependencies\]/ {skip = 1; next} /^\[/ {skip = 0} !skip' core/Cargo.toml \
  >"$crate/core/Cargo.toml"
cp -r bindings-node/{Cargo.toml,build.rs,src} "$crate/bindings-node/"
cargo metadata --quiet --offline --format-version 1 --manifest-path "$crate/Cargo.toml" >/dev/null # prunes the lock
(cd "$node" && npm pack --silent --pack-destination "$dist" >/dev/null)

echo "dist: the WebAssembly package and the playground" >&2
bash bindings-wasm/build.sh
wasm="$stage/wasm"
mkdir -p "$wasm"
cp bindings-wasm/pkg/{wsgate_wasm.js,wsgate_wasm.d.ts,contract.d.ts,wsgate_wasm_bg.wasm,wsgate_wasm_bg.wasm.d.ts} "$wasm/"
cp bindings-wasm/npm/{package.json,README.md} "$wasm/"
(cd "$wasm" && npm pkg set "version=$version" && npm pack --silent --pack-destination "$dist" >/dev/null)
mkdir -p dist/playground/pkg
cp bindings-wasm/playground/*.{html,css,js} dist/playground/ # the page; the .mjs files are its tools
cp bindings-wasm/pkg/{wsgate_wasm.js,wsgate_wasm_bg.wasm,examples.js} dist/playground/pkg/

ls -l dist >&2
