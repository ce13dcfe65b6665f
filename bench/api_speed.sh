#!/usr/bin/env bash
# Benchmark: a full `spillcheck api` of testbeds/leaky-notes with two users' tokens
# (--rate 0, --allow-writes) against schemathesis run on the same OpenAPI document with
# its default checks and the same token. Each run gets a fresh testbed on 127.0.0.1.
# Installs schemathesis into bench/.venv; writes bench/results/api_speed.md.
#   bench/api_speed.sh [RUNS]     (default 3 runs per tool)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
VENV=bench/.venv
[[ -x .venv/bin/python ]] || scripts/setup.sh
if [[ ! -x $VENV/bin/st ]]; then
    [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi
cargo build --release --locked --quiet --bin spillcheck
python3 bench/api_speed.py "$RUNS" "$VENV" > bench/results/api_speed.md
cat bench/results/api_speed.md
