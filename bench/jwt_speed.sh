#!/usr/bin/env bash
# Benchmark: HS256 secret cracking. `spillcheck jwt --wordlist` over a generated wordlist
# (the secret is not in it: a full pass), a Python loop with PyJWT over part of the same
# list, and the machine's HMAC-SHA256 limit from `openssl speed`.
# Installs PyJWT into bench/.venv; writes bench/results/jwt_speed.md.
#   bench/jwt_speed.sh [WORDS] [RUNS]     (default 5000000 words, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
WORDS=${1:-5000000}
RUNS=${2:-3}
VENV=bench/.venv
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import jwt' 2>/dev/null || "$VENV/bin/pip" install --quiet --disable-pip-version-check pyjwt
cargo build --release --locked --quiet --bin spillcheck
mkdir -p bench/out
"$VENV/bin/python" bench/jwt_speed.py "$WORDS" "$RUNS" > bench/results/jwt_speed.md
cat bench/results/jwt_speed.md
