#!/usr/bin/env bash
# Benchmark: the time to record a run in the history, SQLite file vs PostgreSQL server
# (Debian's postgresql, initdb'd in a temp folder on 127.0.0.1, the same throwaway server
# the real-app check uses). Records the leaky testbed's report (33 findings) RUNS times in
# each backend with `spillcheck report --record`, one process per run as CI does.
#   bench/history_record.sh [RUNS]     (default 30)
# Writes bench/results/history_record.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
cargo build --release --locked --quiet --bin spillcheck
python3 bench/history_record.py "$RUNS" > bench/results/history_record.md
cat bench/results/history_record.md
