#!/usr/bin/env bash
# `qsq sweep` on the local pool, as a user runs it: the smoke sweep plus one point made to fail (a
# liberty file that does not exist). The failing point is reported with its log and the others
# finish; a rerun runs only the failed point; the smoke sweep itself then has nothing left to do.
# Two points of the same N build the same netlists at once into the shared cache: no temporary
# entry may be left behind and both must see the same area.
#   sweep_local_test.sh QSQ_EXE SOURCE_DIR SHARED_WORK_DIR
set -euo pipefail
source "$2/tests/cli/lib.sh" "$1"
src=$2 work=$3
py() { /usr/bin/python3 -c "$@"; }

/usr/bin/python3 - "$src/config/sweeps/smoke.json" <<'PY' > fail.json
import json, sys
s = json.load(open(sys.argv[1]))
s["points"] = [{"lanes": 2, "workload": "random", "liberty": "missing.lib"}]
print(json.dumps(s))
PY

echo "== smoke sweep + a failing point ($work)"
start=$(date +%s.%N)
if "$qsq" sweep fail.json --out o --work "$work" --json > r1.json 2> r1.err; then fail "a failed point must make qsq sweep exit 1"; fi
echo "first run: $(py "print(round($(date +%s.%N) - $start, 1))") s"
grep -q "1 of 5 points failed" r1.err || fail "no failure summary: $(tail -3 r1.err)"
py "
import json, os
d = json.load(open('r1.json'))
assert d['summary'] == {'points': 5, 'done': 4, 'failed': 1}, d['summary']
bad = [p for p in d['points'] if p['status'] == 'failed']
assert len(bad) == 1 and bad[0]['params'].get('liberty') == 'missing.lib', bad
assert os.path.isfile(os.path.join('o', bad[0]['log'])), bad[0]['log']
assert 'missing.lib' in bad[0]['error'] and '\n' not in bad[0]['error'], bad[0]['error']
assert bad[0]['pareto'] is False
done = [p for p in d['points'] if p['status'] == 'done']
for p in done:
    assert p['area_um2'] > 0 and p['fmax_mhz'] > 0 and len(p['levels']) == 3, p
    for l in p['levels']:
        assert l['pj_per_mac'] > 0 and 'mred' in l and 'pareto_error' in l, l
    assert isinstance(p['pareto'], bool)
assert any(p['pareto'] for p in done)
by_n = {}
for p in done: by_n.setdefault(p['params']['lanes'], set()).add(p['area_um2'])
assert all(len(v) == 1 for v in by_n.values()), by_n   # one netlist per N, whichever point built it
" || fail "merged results"
for f in results.csv results.json pareto.md timings.json plots/random_energy_error.png plots/stationary_energy_area.png; do
  [ -s "o/$f" ] || fail "o/$f missing"
done
[ "$(grep -c ',failed,' o/results.csv)" = 1 ] || fail "the CSV does not list the failed point once"
[ -z "$(find "$work" -name '.*.tmp.*' -print -quit)" ] || fail "temporary entries left in the shared cache: $(find "$work" -name '.*.tmp.*' | head -3)"

echo "== rerun: only the failed point runs"
stamp=$(ls -l --time-style=+%s.%N o/points/*/result.json | md5sum)
if "$qsq" sweep fail.json --out o --work "$work" > r2.txt 2> r2.err; then fail "the failing point passed on rerun"; fi
grep -q "5 points, 4 done already, 1 to run" r2.err || fail "rerun did not run only the failed point: $(head -1 r2.err)"
[ "$(ls -l --time-style=+%s.%N o/points/*/result.json | md5sum)" = "$stamp" ] || fail "a done point was run again"

echo "== the smoke sweep into the same output: nothing left to do"
start=$(date +%s.%N)
"$qsq" sweep "$src/config/sweeps/smoke.json" --out o --work "$work" --json > r3.json 2> r3.err || fail "warm smoke sweep: $(tail -2 r3.err)"
echo "warm run: $(py "print(round($(date +%s.%N) - $start, 1))") s"
grep -q "4 points, 4 done already, 0 to run" r3.err || fail "the warm run did work: $(head -1 r3.err)"
py "
import json
d = json.load(open('r3.json'))
assert d['summary'] == {'points': 4, 'done': 4, 'failed': 0}, d['summary']
assert all('pareto' in p for p in d['points'])
" || fail "warm results"
echo "sweep on the local pool passed"
