#!/usr/bin/env bash
# `qsq sweep --executor slurm --dry-run`: prints (and writes) the job-array script with the range of
# the points still to run and the merge script with its afterany dependency; submits nothing.
#   sweep_dry_run_test.sh QSQ_EXE SOURCE_DIR
set -euo pipefail
source "$2/tests/cli/lib.sh" "$1"
src=$2

"$qsq" sweep "$src/config/sweeps/smoke.json" --executor slurm --dry-run --out o --max-parallel 2 --timeout 300 > dry.txt 2> dry.err \
  || fail "dry run failed: $(cat dry.err)"
grep -q '^#SBATCH --array=0-3%2$' dry.txt || fail "no array range 0-3%2 in: $(cat dry.txt)"
grep -q '^#SBATCH --time=6$' dry.txt || fail "no --time from --timeout"
grep -q "sweep-point '$tmp/o/plan.json' \"\$SLURM_ARRAY_TASK_ID\"" dry.txt || fail "the task does not run its point by absolute path"
grep -q "sweep-merge '$tmp/o/plan.json'" dry.txt || fail "no merge step"
grep -q -- "--dependency=afterany:<ARRAY_JOB_ID> '$tmp/o/slurm/merge.sh'" dry.txt || fail "the merge job does not depend on the array"
[ -f o/slurm/array.sh ] && [ -f o/slurm/merge.sh ] && [ -f o/plan.json ] || fail "scripts or plan not written"
[ ! -e o/points ] || fail "a dry run ran a point"
# A done point is left out of the array.
id=$(/usr/bin/python3 -c "import json; print(json.load(open('o/plan.json'))['points'][1]['id'])")
mkdir -p "o/points/$id" && echo '{"status": "done"}' > "o/points/$id/result.json"
"$qsq" sweep "$src/config/sweeps/smoke.json" --executor slurm --dry-run --out o > dry2.txt 2>/dev/null
grep -q '^#SBATCH --array=0,2-3$' dry2.txt || fail "a done point is submitted again: $(grep array= dry2.txt)"
# Bad specs fail with one line naming the key.
echo '{"name": "b", "grid": {"lanes": [2], "rows": [4]}}' > bad.json
if "$qsq" sweep bad.json --dry-run --executor slurm 2> bad.err; then fail "a bad spec was accepted"; fi
[ "$(wc -l < bad.err)" = 1 ] && grep -q "key 'rows' cannot be swept yet" bad.err || fail "bad spec error: $(cat bad.err)"
echo "slurm dry run passed"
