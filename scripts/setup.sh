#!/usr/bin/env bash
# Sets up everything the tests and the demo need, idempotently:
#   - .venv/ with the testbeds' pinned Python packages (testbeds/requirements.txt)
#   - Debian's chromium and chromium-driver (HTML report tests), postgresql, postgis and
#     redis-server (the real-app check, bench/realapps.sh)
#   - the spillcheck binary (cargo build)
# Re-running is cheap: the venv is only rebuilt when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${SPILLCHECK_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}

stamp="$VENV/.requirements.sha256"
want=$(cat testbeds/requirements.txt | sha256sum | cut -d' ' -f1)
if [[ ! -x "$VENV/bin/python" ]] || [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "$want" ]]; then
    echo "setup: creating $VENV" >&2
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r testbeds/requirements.txt >&2
    echo "$want" > "$stamp"
fi

# Debian packages: Chromium and its ChromeDriver (the HTML report is tested in a real browser);
# PostgreSQL with PostGIS and Redis (the real-app check starts its own throwaway servers for
# vuln-bank, FitTrackee and zou; no system service is used).
missing=()
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || missing+=(chromium chromium-driver)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" > /dev/null || missing+=(postgresql)
compgen -G "/usr/share/postgresql/*/extension/postgis.control" > /dev/null || missing+=(postgresql-postgis)
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "setup: installing ${missing[*]} (Debian packages)" >&2
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

if [[ "${SPILLCHECK_SKIP_BUILD:-0}" != "1" ]]; then
    cargo build --locked --quiet --bin spillcheck
fi
