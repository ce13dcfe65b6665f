#!/usr/bin/env bash
# The real-app check: spillcheck code + scan on real Flask apps (../shared/corpus and a few from
# PyPI), scored against the truth files in bench/realapps/; writes bench/results/realapps.md.
#   bench/realapps.sh                     # everything (about 5 minutes once the venvs exist)
#   bench/realapps.sh --code-only         # only `spillcheck code` (seconds)
#   bench/realapps.sh --app vuln-bank     # one app (repeatable)
# Needs: what scripts/setup.sh installs (PostgreSQL and PostGIS from Debian among it), network
# access to PyPI for the apps' venvs. Everything it starts listens on 127.0.0.1 and is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
SPILLCHECK_SKIP_BUILD=1 scripts/setup.sh
cargo build --release --locked --quiet --bin spillcheck
exec python3 bench/realapps/run.py "$@"
