#!/usr/bin/env bash
# Spot check: `spillcheck code` on 46 real Flask projects from PyPI (bench/spotcheck/packages.txt,
# pinned), none of them written here. Not a scored table like bench/realapps (nobody labelled
# every route): a guard against false positives. Run it before and after a change to a code
# rule and read every finding that appears or goes (`--diff` lists them).
#   bench/spotcheck.sh [BINARY]        writes bench/results/spotcheck.md and the findings to
#                                      bench/out/spotcheck/findings.txt (the run before kept
#                                      as findings.prev.txt)
#   bench/spotcheck.sh --diff [OLD NEW] what differs between two runs (default: the last two)
# Packages are downloaded once (pip download --no-deps) into bench/out/spotcheck/files and
# unpacked beside them; nothing is installed or run.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/spotcheck
if [[ "${1:-}" == "--diff" ]]; then
    old=${2:-$OUT/findings.prev.txt}
    new=${3:-$OUT/findings.txt}
    diff <(sort "$old") <(sort "$new") | grep '^[<>]' || echo "no difference"
    exit 0
fi
BIN=${1:-target/release/spillcheck}
[[ -x $BIN ]] || cargo build --release --locked --quiet --bin spillcheck
mkdir -p "$OUT/files" "$OUT/src"
while read -r spec; do
    [[ -z $spec || $spec == \#* ]] && continue
    name=${spec%%==*}
    dir="$OUT/src/$(echo "$name" | tr 'A-Z_' 'a-z-')"
    [[ -d $dir ]] && continue
    before=$(ls "$OUT/files")
    python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$OUT/files" "$spec" >&2
    file=$(comm -13 <(echo "$before") <(ls "$OUT/files") | head -1)
    [[ -z $file ]] && file=$(ls "$OUT/files" | grep -i "^$(echo "$name" | sed 's/[-_]/[-_]/g')-" | head -1 || true)
    [[ -z $file ]] && { echo "spotcheck: $spec: nothing downloaded" >&2; continue; }
    mkdir -p "$dir"
    case $file in
        *.whl|*.zip) unzip -q -o "$OUT/files/$file" -d "$dir" ;;
        *.tar.gz) tar xzf "$OUT/files/$file" -C "$dir" ;;
    esac
done < bench/spotcheck/packages.txt
[[ -f $OUT/findings.txt ]] && cp "$OUT/findings.txt" "$OUT/findings.prev.txt"
python3 bench/spotcheck/run.py "$BIN" "$OUT" > bench/results/spotcheck.md
cat bench/results/spotcheck.md
