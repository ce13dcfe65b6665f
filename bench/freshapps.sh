#!/usr/bin/env bash
# The fresh-app precision check: `spillcheck code` on 15 Flask applications from PyPI
# (bench/freshapps/packages.txt, pinned) whose `likely` findings were labelled true, false or
# debatable by reading the code (bench/freshapps/labels.tsv: app, rule, file:line, label,
# reason, message). Unlike bench/realapps nobody labelled every route, so it measures
# precision, not recall: a labelled finding that goes away is reported as gone (a false one
# gone is progress, a true one gone a regression), a finding nobody labelled is listed to read.
#   bench/freshapps.sh [BINARY]     writes bench/results/freshapps.md
# Wheels are downloaded once (pip download --no-deps) into bench/out/freshapps/files and
# unpacked beside them; nothing is installed or run.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/freshapps
BIN=${1:-target/release/spillcheck}
[[ -x $BIN ]] || cargo build --release --locked --quiet --bin spillcheck
mkdir -p "$OUT/files" "$OUT/src" "$OUT/reports"
while read -r spec; do
    [[ -z $spec || $spec == \#* ]] && continue
    name=${spec%%==*}
    dir="$OUT/src/$name"
    [[ -d $dir ]] && continue
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$OUT/files" "$spec" >&2
    wheel=$(ls "$OUT/files"/"$(echo "$name" | tr '-' '_')"-"${spec##*==}"-*.whl | head -1)
    mkdir -p "$dir"
    python3 -m zipfile -e "$wheel" "$dir"
done < bench/freshapps/packages.txt
for dir in "$OUT"/src/*/; do
    name=$(basename "$dir")
    "$BIN" code "$dir" --format json -o "$OUT/reports/$name.json" 2> "$OUT/reports/$name.err" || true
done
python3 bench/freshapps/score.py "$OUT/reports" bench/freshapps/labels.tsv "$("$BIN" --version)" \
    > bench/results/freshapps.md
grep '^| \*\*all' bench/results/freshapps.md
