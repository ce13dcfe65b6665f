#!/usr/bin/env bash
# Benchmark: a pull-request check with `--diff-base` against a full `spillcheck code` on
# the CPython standard library (about 1,900 files) made into a git repository, with one
# file changed. Writes bench/results/diff_base_speed.md.
#   bench/diff_base_speed.sh [RUNS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
cargo build --release --locked --quiet --bin spillcheck
BIN=$PWD/target/release/spillcheck
REPO=bench/out/stdlib-git
if [[ ! -d $REPO/.git ]]; then
    STDLIB=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    mkdir -p "$REPO"
    (cd "$STDLIB" && tar cf - --exclude=site-packages --exclude=__pycache__ .) | tar xf - -C "$REPO"
    git -C "$REPO" init -q
    git -C "$REPO" add -A
    git -C "$REPO" -c user.email=b@example.invalid -c user.name=bench commit -qm base
fi
git -C "$REPO" checkout -q -- .
echo "# touched by the benchmark" >> "$REPO/json/encoder.py"
python3 - "$BIN" "$REPO" "$RUNS" > bench/results/diff_base_speed.md <<'PY'
import statistics, subprocess, sys, time
bin_, repo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def timed(args):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([bin_, *args, "--format", "json"], cwd=repo, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
    import json
    return statistics.median(times), len(json.loads(out.stdout)["findings"])
full, n_full = timed(["code", "."])
diff, n_diff = timed(["code", ".", "--diff-base", "HEAD"])
files = int(subprocess.run(["git", "ls-files", "*.py"], cwd=repo, capture_output=True, text=True).stdout.count("\n"))
print("# `spillcheck code --diff-base` vs a full run\n")
print(f"CPython standard library as a git repository ({files} Python files), one file changed,")
print(f"release build, median of {runs} runs, `bench/diff_base_speed.sh`.\n")
print("| run | wall time | findings reported |")
print("|---|---|---|")
print(f"| `spillcheck code .` | {full:.3f} s | {n_full} |")
print(f"| `spillcheck code . --diff-base HEAD` | {diff:.3f} s | {n_diff} |")
print(f"\nThe route model is still built from every file (parsing dominates); the file-local")
print("rules run on the changed file only, and only its findings are reported.")
PY
git -C "$REPO" checkout -q -- .
cat bench/results/diff_base_speed.md
