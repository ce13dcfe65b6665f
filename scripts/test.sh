#!/usr/bin/env bash
# Runs every test: the Rust workspace (unit, snapshot, CLI and testbed integration tests)
# and the testbeds' own exploit suite (pytest). Sets up what it needs first.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export SPILLCHECK_VENV="$PWD/.venv"

echo "== cargo test" >&2
cargo test --workspace --locked

echo "== pytest testbeds/tests" >&2
.venv/bin/python -m pytest testbeds/tests -q -p no:cacheprovider
