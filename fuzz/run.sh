#!/usr/bin/env bash
# Short fuzzing run of every target (libFuzzer via cargo fuzz), SECONDS each (default 60).
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on the stable toolchain it runs with
# RUSTC_BOOTSTRAP=1 (cargo fuzz uses -Z flags). Seeds: fuzz/seeds/<target>/ (committed);
# the growing corpus: fuzz/corpus/<target>/, crashes: fuzz/artifacts/<target>/ (ignored).
# A crash found becomes a regression test next to the code it broke (see docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(jwt_decode openapi_load secret_detectors log_scanner redaction)
command -v cargo-fuzz >/dev/null || { echo "fuzz/run.sh: cargo install cargo-fuzz first" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >&2
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "== $t (${secs} s)" >&2
    if ! cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
            -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="artifacts/$t/" -print_final_stats=1 2> "artifacts/$t.log"; then
        echo "   CRASH: see fuzz/artifacts/$t/ and fuzz/artifacts/$t.log" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "artifacts/$t.log" | tail -3 >&2 || true
done
exit "$status"
