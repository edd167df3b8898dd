#!/usr/bin/env bash
# Instructions per message of the engine's cases, counted by callgrind: the difference between runs of 1,000 and
# 11,000 messages, divided by 10,000, so that loading the definition is not counted. Unlike times, the counts do
# not move with the machine's load.
#   bash scripts/instructions.sh [CASE...]   (mock, mock-throttled, mock-validated, proxy; all by default)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
bench=$(cargo bench -q -p wsgate-core --bench engine --no-run --message-format=json \
  | python3 -c 'import json, sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["name"] == "engine"][0])')
count() { # CASE N -> total instructions
  local out; out=$(mktemp)
  WSGATE_COUNT="$1:$2" valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" 2>/dev/null
  sed -n 's/^summary: //p' "$out"; rm -f "$out"
}
for case in "${@:-mock mock-throttled mock-validated proxy}"; do
  for c in $case; do
    small=$(count "$c" 1000); large=$(count "$c" 11000)
    echo "$c: $(( (large - small) / 10000 )) instructions / message"
  done
done
