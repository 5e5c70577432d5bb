#!/usr/bin/env bash
# `qsq saif` as a user runs it: a VCD (and the same dump as FST, when gtkwave's vcd2fst is
# installed) to SAIF, the --json summary, and the errors on a corrupt and on a missing file
# (one line "qsq: error: ...", exit 1, no output file left behind).
#   saif_test.sh QSQ_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$1"
json_get() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

# 1 ns units. top.a: 0@0 1@2 0@5 1@7, end #10; top.d [1:0]: 00@0 11@5. Window [1000, 9000) ps:
# a toggles at 2, 5, 7 ns (TC 3), T1 = [2,5) + [7,9) = 5000 ps; d[0] and d[1] toggle once each.
cat > w.vcd <<'V'
$timescale 1ns $end
$scope module top $end
$var wire 1 ! a $end
$var wire 2 " d [1:0] $end
$scope module sub $end
$var wire 1 # s $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
b0 "
0#
$end
#2
1!
#5
0!
b11 "
1#
#7
1!
#10
V

echo "== qsq saif w.vcd (table)"
"$qsq" saif w.vcd -o out/w.saif --begin-ps 1000 --end-ps 9000 > table.txt || fail "qsq saif"
grep -q "total toggles  5" table.txt || fail "table: $(cat table.txt)"
[ -s out/w.saif ] || fail "no SAIF written"
grep -q "(DURATION 8000)" out/w.saif || fail "DURATION"
tr -s ' \n' ' ' < out/w.saif | grep -q "(a (T0 3000) (T1 5000) (TX 0) (TC 3) (IG 0) )" || fail "a's entry: $(cat out/w.saif)"
grep -q 'd\\\[1\\\]' out/w.saif || fail "bit names are not escaped"

echo "== --json, --recursive, default output name"
"$qsq" saif w.vcd --recursive --json > s.json || fail "qsq saif --json"
[ "$(json_get s.json 'd["nets"]')" = 4 ] || fail "nets: $(cat s.json)"
[ "$(json_get s.json 'd["total_toggles"]')" = 6 ] || fail "total_toggles: $(cat s.json)"  # a 3, d 2, s 1 over [0, 10 ns)
[ "$(json_get s.json 'd["duration_ps"]')" = 10000 ] || fail "duration"
[ "$(json_get s.json 'd["output"]')" = w.saif ] && [ -s w.saif ] || fail "default output name"
grep -q "(INSTANCE sub" w.saif || fail "no nested instance for --recursive"

if command -v vcd2fst > /dev/null; then
  echo "== the same dump as FST"
  vcd2fst w.vcd w.fst > /dev/null 2>&1 || fail "vcd2fst"
  "$qsq" saif w.fst -o out/f.saif --begin-ps 1000 --end-ps 9000 --json > f.json || fail "qsq saif FST"
  [ "$(json_get f.json 'd["total_toggles"]')" = 5 ] || fail "FST total_toggles: $(cat f.json)"
  ls -a out | grep -q tmp && fail "a temporary file was left: $(ls -a out)"
fi

echo "== a corrupt VCD: one line, exit 1, no output"
head -c 150 w.vcd > bad.vcd
if "$qsq" saif bad.vcd -o out/bad.saif 2> err.txt; then fail "a truncated VCD was accepted"; fi
[ "$(wc -l < err.txt)" = 1 ] && grep -q "^qsq: error: bad.vcd:[0-9]*: vcd: truncated header" err.txt || fail "error: $(cat err.txt)"
[ ! -e out/bad.saif ] || fail "a SAIF was written for a corrupt VCD"
printf '%s\n#0\n0!\n#1\n1?\n#2\n' "$(sed -n 1,9p w.vcd)" > bad2.vcd
if "$qsq" saif bad2.vcd -o out/bad2.saif 2> err2.txt; then fail "an unknown id code was accepted"; fi
grep -q "^qsq: error: bad2.vcd:13: vcd: unknown id code '?'" err2.txt || fail "error: $(cat err2.txt)"
[ ! -e out/bad2.saif ] || fail "a SAIF was written for a corrupt VCD"

echo "== a missing file"
if "$qsq" saif missing.vcd -o out/m.saif 2> err3.txt; then fail "a missing file was accepted"; fi
[ "$(wc -l < err3.txt)" = 1 ] && grep -q "^qsq: error: cannot read missing.vcd" err3.txt || fail "error: $(cat err3.txt)"
[ ! -e out/m.saif ] || fail "output for a missing input"
ls -a out | grep -q '\.tmp\.' && fail "temporary files left in out/"
echo "qsq saif passed"
