#!/usr/bin/env bash
# The chat room on wsgate, from its SAM template: `wsgate serve examples/chat/template.yaml` from the Python package,
# which runs the template's functions (handlers.py, as they would be deployed to AWS) in-process. Arguments go to
# `wsgate serve` (the port is 8080 unless given). The first run installs the package into .venv from this clone
# (a Rust build of a few minutes); remove .venv to install it again after pulling changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r examples/chat/requirements.txt >&2
[ -x .venv/bin/wsgate ] || .venv/bin/pip install --quiet --disable-pip-version-check ./bindings-python >&2
exec .venv/bin/wsgate serve examples/chat/template.yaml --tls-dir target/wsgate-tls "$@"
