#!/usr/bin/env bash
# The main job on the bundled testbed: sets everything up, then `spillcheck scan` on
# testbeds/leaky-notes: the code analysis, the app launched on 127.0.0.1, probed with
# two users' tokens (logged in by a token command), the two views joined into one
# finding per real problem. Then the hardened twin, which comes out clean.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
SC=target/debug/spillcheck
PY=.venv/bin/python
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

scan() {
    local name=$1 port state
    port=$(free_port)
    state=$(mktemp -d)
    echo "== spillcheck scan testbeds/$name --url http://127.0.0.1:$port --launch ... --allow-writes"
    local status=0
    $SC scan "testbeds/$name" --url "http://127.0.0.1:$port" \
        --launch "bash testbeds/run.sh $name $port $state >/dev/null && sleep 100000" \
        --token-cmd "$PY testbeds/login.py http://127.0.0.1:$port alice" \
        --token-b-cmd "$PY testbeds/login.py http://127.0.0.1:$port bob" \
        --admin-token-cmd "$PY testbeds/login.py http://127.0.0.1:$port admin" \
        --allow-writes || status=$?
    rm -rf "$state"
    return "$status"
}

status=0
scan leaky-notes || status=$?
# Exit 1 means "findings fail the gate": expected on the leaky app.
[[ $status -le 1 ]] || exit "$status"
echo
scan hardened-notes
