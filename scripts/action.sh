#!/usr/bin/env bash
# The GitHub Action's steps (action.yml runs this). Runnable anywhere with the variables
# GitHub sets: RUNNER_TEMP, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, and the
# INPUT_* variables action.yml maps from its inputs. Tokens arrive as SPILLCHECK_TOKEN,
# SPILLCHECK_TOKEN_B, SPILLCHECK_ADMIN_TOKEN (environment only: never on a command line).
#
#   1. install spillcheck into its own venv (INPUT_WHEEL, else PyPI at INPUT_VERSION)
#   2. run `code`, `api` or `scan` (by INPUT_PATH / INPUT_URL) with the gate → JSON report
#   3. SARIF for upload-sarif, Markdown to the job summary, outputs score/grade/findings
#   4. exit with spillcheck's status (0 pass, 1 gate failed, 2 could not run)
set -uo pipefail

die() { echo "::error title=spillcheck::$*" >&2; exit 2; }

temp=${RUNNER_TEMP:-$(mktemp -d)}
workspace=${GITHUB_WORKSPACE:-$PWD}
cd "$workspace" || die "cannot enter $workspace"

# 1. install
venv="$temp/spillcheck-venv"
python=${SPILLCHECK_PYTHON:-python3}
if [[ ! -x "$venv/bin/spillcheck" ]]; then
    "$python" -m venv "$venv" || die "cannot create a Python venv with $python"
    if [[ -n "${INPUT_WHEEL:-}" ]]; then
        spec=$INPUT_WHEEL
    elif [[ -n "${INPUT_VERSION:-}" ]]; then
        spec="spillcheck==$INPUT_VERSION"
    else
        spec=spillcheck
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec" >&2 \
        || die "pip could not install $spec"
fi
bin="$venv/bin/spillcheck"
echo "spillcheck: $("$bin" --version)" >&2

# 2. run
path=${INPUT_PATH:-}
url=${INPUT_URL:-}
if [[ -n "$url" && -n "$path" ]]; then
    cmd=(scan "$path" --url "$url")
elif [[ -n "$url" ]]; then
    cmd=(api "$url")
else
    cmd=(code "${path:-.}")
    [[ -n "${INPUT_DIFF_BASE:-}" ]] && cmd+=(--diff-base "$INPUT_DIFF_BASE")
fi
[[ -n "${INPUT_FAIL_UNDER:-}" ]] && cmd+=(--fail-under "$INPUT_FAIL_UNDER")
[[ -n "${INPUT_FAIL_ON:-}" ]] && cmd+=(--fail-on "$INPUT_FAIL_ON")
[[ -n "${INPUT_BASELINE:-}" ]] && cmd+=(--baseline "$INPUT_BASELINE")
# Empty token inputs must not shadow nothing with an empty token.
for var in SPILLCHECK_TOKEN SPILLCHECK_TOKEN_B SPILLCHECK_ADMIN_TOKEN; do
    [[ -z "${!var:-}" ]] && unset "$var"
done
extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
    read -r -a extra <<< "$INPUT_ARGS"
fi
json="$temp/spillcheck.json"
"$bin" "${cmd[@]}" "${extra[@]}" --format json --output "$json"
status=$?
if [[ $status -ge 2 || ! -s "$json" ]]; then
    die "spillcheck could not run (exit $status); see the lines above"
fi

# 3. SARIF, summary, outputs (re-rendered from the JSON report: same findings, no re-run)
sarif=${INPUT_SARIF:-spillcheck.sarif}
# (--fail-under 0 alone never fails: the gate was judged by the run itself.)
"$bin" report "$json" --format sarif --output "$sarif" --fail-under 0 || die "cannot write $sarif"
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
"$bin" report "$json" --format markdown --fail-under 0 >> "$summary" || die "cannot write the summary"
read -r score grade findings < <("$python" - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["score"], r["grade"], len(r["findings"]))
PY
)
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    {
        echo "score=$score"
        echo "grade=$grade"
        echo "findings=$findings"
        echo "sarif=$sarif"
    } >> "$GITHUB_OUTPUT"
fi
if [[ $status -eq 1 ]]; then
    echo "::error title=spillcheck::gate failed: score $score ($grade), $findings findings (details in the job summary and code scanning)" >&2
else
    echo "spillcheck: score $score ($grade), $findings findings" >&2
fi
exit "$status"
