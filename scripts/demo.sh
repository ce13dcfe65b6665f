#!/usr/bin/env bash
# The main job on the bundled testbed: sets everything up, then shows what
# spillcheck finds in testbeds/leaky-notes (route inventory + code findings) and
# that its hardened twin comes out clean.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
SC=target/debug/spillcheck

echo "== spillcheck routes testbeds/leaky-notes"
$SC routes testbeds/leaky-notes

echo
echo "== spillcheck code testbeds/leaky-notes"
status=0
$SC code testbeds/leaky-notes || status=$?
# Exit 1 means "findings fail the gate": expected on the leaky app.
[[ $status -le 1 ]] || exit "$status"

echo
echo "== spillcheck code testbeds/hardened-notes"
$SC code testbeds/hardened-notes
