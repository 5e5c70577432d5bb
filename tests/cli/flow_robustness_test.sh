#!/usr/bin/env bash
# `qsq flow` when things go wrong, from an empty temporary directory with relative paths:
#   1. a missing tool: the stage that needs it fails with its error line and log in the report, the
#      other stages still run, both reports are written, the exit status is non-zero;
#   2. SIGINT and SIGTERM in the middle of a stage (while Yosys runs): no cache entry or output that
#      a later run would trust, and the next run completes.
#   flow_robustness_test.sh QSQ_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$1"
py() { /usr/bin/python3 -c "$@"; }

echo "== 1. yosys missing from PATH: qsq flow --quick --only metrics,synth,codec"
set +e
PATH=/nonexistent "$qsq" flow --quick --only metrics,synth,codec --out out 2> err.txt
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "exit status 0 with a failed stage"
[ "$(wc -l < err.txt | tr -d ' ')" -ge 1 ] && grep -q "qsq: error: 1 stage(s) failed" err.txt || { cat err.txt; fail "no one-line summary"; }
[ -f out/report.md ] && [ -f out/report.json ] || fail "reports not written"
py '
import json, os, sys
r = json.load(open("out/report.json"))
s = {x["name"]: x for x in r["stages"]}
assert s["metrics"]["status"] == "done", s["metrics"]
assert s["codec"]["status"] == "done", s["codec"]
assert s["synth"]["status"] == "failed", s["synth"]
assert "yosys" in s["synth"]["error"], s["synth"]["error"]
assert os.path.isfile(s["synth"]["log"]) and not os.path.isabs(s["synth"]["log"]), s["synth"]["log"]
assert r["failed"] == 1 and r["skipped"] == 0
' || fail "report contents"
grep -q '^\*\*Failed:\*\*' out/report.md || fail "report.md does not show the failure"
[ ! -e out/cache/synth.json ] || fail "a failed stage left a cache entry"
[ -e out/cache/metrics.json ] || fail "the successful stage was not cached"

# Waits until Yosys works inside a temporary cache entry of the synth stage, then sends $1.
interrupt_mid_stage() {
  local sig=$1
  # Job control on: a background job of a script otherwise starts with SIGINT ignored.
  set -m
  "$qsq" flow --quick --only synth --out run -q & local pid=$!
  set +m
  for _ in $(seq 1 600); do
    if compgen -G "run/work/energy/cache/.asic-*.tmp.*" > /dev/null; then break; fi
    sleep 0.1
  done
  compgen -G "run/work/energy/cache/.asic-*.tmp.*" > /dev/null || fail "synthesis never started"
  sleep 1
  kill -"$sig" "$pid"
  set +e; wait "$pid"; local rc=$?; set -e
  [ "$rc" -gt 128 ] || fail "qsq flow was not ended by SIG$sig (status $rc)"
  [ ! -e run/cache/synth.json ] || fail "SIG$sig left a cache entry for the interrupted stage"
  # Every published synthesis entry is complete.
  for e in run/work/energy/cache/asic-*; do
    [ -e "$e" ] || continue
    [ -s "$e/stat.txt" ] && [ -s "$e/qsq_array.v" ] || fail "incomplete published entry $e after SIG$sig"
  done
  sleep 0.5
  ! pgrep -f "yosys -q -s $tmp/run" > /dev/null || fail "a yosys child outlived qsq after SIG$sig"
}
echo "== 2. SIGINT, then SIGTERM, while Yosys synthesizes"
interrupt_mid_stage INT
interrupt_mid_stage TERM
"$qsq" flow --quick --only synth --out run -q || fail "the run after the interruptions failed"
py '
import json
r = json.load(open("run/report.json"))
s = r["stages"][0]
assert s["name"] == "synth" and s["status"] == "done" and not s["cached"], s
assert s["result"]["designs"][0]["asic"]["flops"] > 0
' || fail "synth after interruption"
echo "flow robustness checks passed"
