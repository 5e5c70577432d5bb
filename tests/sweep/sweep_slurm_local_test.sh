#!/usr/bin/env bash
# The smoke sweep on a one-node Slurm cluster on localhost (scripts/slurm-local.sh) against the
# local pool: the merged results.json and results.csv must be equal byte for byte. Both runs use
# the shared cache of sweep_local, so each point's netlists come from the cache. Prints
# "SKIPPED: <reason>" (ctest: skipped) when this machine cannot run the cluster.
#   sweep_slurm_local_test.sh QSQ_EXE SOURCE_DIR SHARED_WORK_DIR
set -euo pipefail
source "$2/tests/cli/lib.sh" "$1"
src=$2 work=$3
export QSQ_SLURM_DIR=$tmp/slurm QSQ_SLURM_PORT=${QSQ_SLURM_PORT:-16917}
cluster="$src/scripts/slurm-local.sh"
trap '"$cluster" stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

for t in slurmctld slurmd munged sbatch; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { echo "SKIPPED: $t is not installed (apt-get install slurm-wlm munge)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: slurmd needs root to start jobs; this test runs as $(id -un)"; exit 0; }
if ! "$cluster" start > env.sh 2> start.err; then
  echo "SKIPPED: the one-node cluster did not start: $(tail -1 start.err)"
  tail -5 "$QSQ_SLURM_DIR"/slurmctld.log "$QSQ_SLURM_DIR"/slurmd.log 2>/dev/null || true
  exit 0
fi
source env.sh

# The smoke sweep plus a point that fails (a liberty file that does not exist): Slurm must
# resubmit it once (--retries 1) and report it like the local pool does.
/usr/bin/python3 - "$src/config/sweeps/smoke.json" <<'PY' > spec.json
import json, sys
s = json.load(open(sys.argv[1]))
s["points"] = [{"lanes": 2, "workload": "random", "liberty": "missing.lib"}]
print(json.dumps(s))
PY

echo "== local pool"
if "$qsq" sweep spec.json --out local --work "$work" > local.txt 2> local.err; then fail "local: the failing point passed"; fi
grep -q "1 of 5 points failed" local.err || fail "local: $(tail -2 local.err)"
echo "== slurm"
start=$(date +%s.%N)
if "$qsq" sweep spec.json --executor slurm --retries 1 --out slurm --work "$work" > slurm.txt 2> slurm.err; then
  fail "slurm: the failing point passed"
fi
echo "slurm run: $(/usr/bin/python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
grep -q "1 of 5 points failed" slurm.err || { cat slurm.err; tail -20 slurm/slurm/logs/*; fail "slurm executor"; }
grep -q "round 0: array job" slurm.err || fail "nothing was submitted: $(cat slurm.err)"
grep -q "resubmitting points 4$" slurm.err || fail "the failed point was not resubmitted: $(cat slurm.err)"
grep -q "round 1: array job .* (1 tasks: 4)" slurm.err || fail "the resubmission ran more than the failed point"
ls slurm/slurm/logs/merge-*.out > /dev/null || fail "the merge job did not run"
for f in results.json results.csv; do
  cmp "local/$f" "slurm/$f" || fail "$f differs between the local pool and slurm: $(diff "local/$f" "slurm/$f" | head -5)"
done
"$cluster" stop
echo "slurm results equal the local pool's, bit for bit"
