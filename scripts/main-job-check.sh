#!/usr/bin/env bash
# Proves the README's main command as a new user meets it: clones this repository (its committed
# HEAD) into an empty temporary directory, runs `scripts/flow.sh --quick` there (set-up, build, then
# the whole flow from a cold cache with the default relative out/), and checks that out/report.md and
# out/report.json exist and list every stage as done. The last step of scripts/test.sh.
#   scripts/main-job-check.sh            keep nothing
#   QSQ_KEEP_CLONE=1 scripts/main-job-check.sh   leave the clone for inspection
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
if [ "${QSQ_KEEP_CLONE:-0}" != 1 ]; then trap 'rm -rf "$tmp"' EXIT; fi
fail() { echo "main-job-check: FAIL: $*" >&2; exit 1; }

git clone -q "$repo" "$tmp/qsq"
cd "$tmp/qsq"
echo "[main-job-check] fresh clone of $(git rev-parse --short HEAD) in $tmp/qsq"
start=$(date +%s)
scripts/flow.sh --quick || fail "scripts/flow.sh --quick exited with status $? (see $tmp/qsq/out/report.md)"
secs=$(( $(date +%s) - start ))
[ -s out/report.md ] || fail "out/report.md is missing"
[ -s out/report.json ] || fail "out/report.json is missing"
/usr/bin/python3 - <<'PY' || fail "not every stage is done (out/report.json)"
import json, sys
r = json.load(open("out/report.json"))
stages = r["stages"]
bad = [s["name"] + ": " + s["status"] + " " + s.get("error", "") for s in stages if s["status"] != "done" or s["cached"]]
expected = {"metrics", "codec", "container", "cosim", "net-train", "net-quantize", "net-trace", "net-finetune",
            "net-eval", "synth", "energy", "energy-grid", "net-tune"}
missing = expected - {s["name"] for s in stages}
md = open("out/report.md").read()
for s in stages:
    if s["title"] not in md:
        bad.append(s["name"] + ": no section in report.md")
if bad or missing:
    print("stages not done from a cold cache:", bad, "missing:", sorted(missing), file=sys.stderr)
    sys.exit(1)
print(f"[main-job-check] {len(stages)} stages done from a cold cache")
PY
echo "[main-job-check] scripts/flow.sh --quick in a fresh clone: ${secs} s including the build"
