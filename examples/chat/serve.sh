#!/usr/bin/env bash
# The chat room on wsgate: its Lambda handlers (handlers.py, as they would be deployed to AWS) behind a local Lambda
# Invoke API, and `wsgate serve` in front of them. Arguments go to `wsgate serve` (the port is 8080 unless given).
# The handlers reach the management API at https://{domainName}/{stage}, trusting wsgate's certificate through
# AWS_CA_BUNDLE, as they would reach API Gateway's.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
cargo build -q -p wsgate-core --bin wsgate
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r examples/chat/requirements.txt >&2

tls_dir=$root/target/wsgate-tls
coproc LAMBDA { AWS_CA_BUNDLE=$tls_dir/cert.pem exec .venv/bin/python scripts/lambda_invoke.py examples/chat/handlers.py; }
# Bash unsets LAMBDA_PID once the runtime has exited (Ctrl-C reaches it too), so the trap keeps its own copy.
lambda_pid=$LAMBDA_PID
trap 'kill "$lambda_pid" 2>/dev/null || true' EXIT
read -r line <&"${LAMBDA[0]}"
target/debug/wsgate serve examples/chat/api.yaml --lambda-endpoint "${line##*listening on }" --tls-dir "$tls_dir" "$@"
