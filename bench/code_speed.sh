#!/usr/bin/env bash
# Benchmark: `spillcheck code` against ruff (S rules), bandit and semgrep on a copy
# of this machine's CPython standard library without site-packages.
# Installs the peers into bench/.venv; writes bench/results/code_speed.md.
#   bench/code_speed.sh [RUNS]     (default 5 runs per fast tool; bandit and semgrep run once)
# Then the scale row: the same tree six times (about 5 million lines), spillcheck and ruff
# once each (SCALE=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
VENV=bench/.venv
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
for tool in ruff bandit; do
    [[ -x $VENV/bin/$tool ]] || "$VENV/bin/pip" install --quiet --disable-pip-version-check "$tool"
done
# semgrep is optional: skipped when it cannot be installed here.
[[ -x $VENV/bin/semgrep ]] || timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check semgrep || echo "semgrep not installed; skipped" >&2
cargo build --release --locked --quiet --bin spillcheck
CORPUS=bench/out/stdlib
if [[ ! -d $CORPUS ]]; then
    STDLIB=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    mkdir -p "$CORPUS"
    (cd "$STDLIB" && tar cf - --exclude=site-packages --exclude=__pycache__ .) | tar xf - -C "$CORPUS"
fi
python3 bench/code_speed.py "$CORPUS" "$RUNS" "$VENV" > bench/results/code_speed.md
cat bench/results/code_speed.md
