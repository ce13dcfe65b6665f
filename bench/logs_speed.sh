#!/usr/bin/env bash
# Benchmark: `spillcheck logs` on a generated 1 GiB application log (1 request in 40
# logs a Bearer JWT), beside `detect-secrets scan` on a 64 MiB log from the same
# generator (detect-secrets would take many minutes on 1 GiB; throughput is compared).
# Installs detect-secrets into bench/.venv; writes bench/results/logs_speed.md.
#   bench/logs_speed.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
VENV=bench/.venv
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
[[ -x $VENV/bin/detect-secrets ]] || "$VENV/bin/pip" install --quiet --disable-pip-version-check detect-secrets
cargo build --release --locked --quiet --bin spillcheck
mkdir -p bench/out bench/results
[[ -f bench/out/app-1g.log ]] || python3 bench/gen_log.py bench/out/app-1g.log 1024
[[ -f bench/out/app-64m.log ]] || python3 bench/gen_log.py bench/out/app-64m.log 64
python3 bench/logs_speed.py "$RUNS" "$VENV" > bench/results/logs_speed.md
cat bench/results/logs_speed.md
