#!/usr/bin/env bash
# Starts a testbed on 127.0.0.1, waits until it answers, prints its pid.
#
#   testbeds/run.sh NAME PORT [STATE_DIR]
#
# NAME is a folder of testbeds/ (leaky-notes, hardened-notes). STATE_DIR (default
# testbeds/NAME/instance) receives a fresh database (notes.db) and the app's log
# (app.log), and the server's own output (server.out). Stop it with `kill PID`.
# The hardened app needs NOTES_JWT_SECRET; a random one is made when it is unset.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name=${1:?usage: run.sh NAME PORT [STATE_DIR]}
port=${2:?usage: run.sh NAME PORT [STATE_DIR]}
app="$here/$name"
[[ -f "$app/app.py" ]] || { echo "run.sh: no testbed named $name" >&2; exit 2; }
state=${3:-$app/instance}
mkdir -p "$state"
rm -f "$state/notes.db" "$state/app.log"
py="${SPILLCHECK_VENV:-$here/../.venv}/bin/python"
[[ -x "$py" ]] || { echo "run.sh: $py missing; run scripts/setup.sh first" >&2; exit 2; }

set -a
# shellcheck source=/dev/null
source "$here/seed-users.env"
set +a
export NOTES_DB="$state/notes.db" NOTES_LOG="$state/app.log"
if [[ -z "${NOTES_JWT_SECRET:-}" ]]; then
    NOTES_JWT_SECRET="$("$py" -c 'import secrets; print(secrets.token_urlsafe(48))')"
    export NOTES_JWT_SECRET
fi

cd "$app"
"$py" app.py --port "$port" > "$state/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: $name exited during start-up; see $state/server.out" >&2
        exit 1
    fi
    if "$py" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; then
        echo "$pid"
        exit 0
    fi
    sleep 0.1
done
kill "$pid" 2>/dev/null || true
echo "run.sh: $name did not answer on 127.0.0.1:$port within 10 s" >&2
exit 1
