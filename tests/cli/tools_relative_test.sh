#!/usr/bin/env bash
# Every qsq command that drives an external tool (Yosys, OpenSTA, Verilator, the Verilated
# gate-level simulators), run as a new user would: from an empty temporary directory, with a
# relative work directory, once from the directory above the work directory and once from a sibling
# directory. A relative path handed to a tool that changes directory (Verilator's make runs inside
# its --Mdir) fails here on the first, cold run. The FPGA synthesis and gnuplot run in the main job
# itself, which scripts/main-job-check.sh runs the same way (relative out/, fresh clone, cold);
# nextpnr-ice40 runs in the full main job only.
#   tools_relative_test.sh QSQ_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$1"
json_get() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

echo "== qsq synth --preset small --quick (yosys, OpenSTA) with --work w"
"$qsq" synth --preset small --quick --no-fpga --work w --json > synth.json || fail "qsq synth"
[ "$(json_get synth.json 'd["designs"][0]["asic"]["flops"] > 0')" = True ] || fail "synth reported no flops"

mkdir sib

echo "== qsq energy --preset small (Verilator gate-level build and run) from a sibling directory with --work ../w"
(cd sib && "$qsq" energy --preset small --workload stationary --cycles 200 --work ../w --saif saif --json > ../energy.json) \
  || fail "qsq energy"
[ "$(json_get energy.json 'd["verilator_builds"]')" = 5 ] || fail "energy did not build its 5 simulators cold"
[ "$(json_get energy.json 'len(d["levels"])')" = 3 ] || fail "energy: expected 3 levels for W = 5"
ls sib/saif/*.saif > /dev/null || fail "no SAIF written under the relative --saif directory"

echo "== qsq compare-mult --lane --width 4 with --work cm"
"$qsq" compare-mult --lane --width 4 --q 1 --cycles 200 --work cm --json > cm.json || fail "qsq compare-mult --lane"
[ "$(json_get cm.json 'd["pj_per_op"] > 0')" = True ] || fail "compare-mult measured no energy"

echo "== qsq compare-mult FILE (a user's Verilog file by a relative path) from a sibling directory"
cat > mult4.v <<'V'
module mult4(input [3:0] a, input [3:0] b, output [7:0] p);
  assign p = a * b;
endmodule
V
(cd sib && "$qsq" compare-mult ../mult4.v --top mult4 --cycles 200 --work ../cm --json > ../cm2.json) || fail "qsq compare-mult FILE"
[ "$(json_get cm2.json 'd["mae"] == 0')" = True ] || fail "an exact multiplier must have mae 0"

echo "== nothing was written outside the temporary directory's own folders"
for d in w cm; do [ -d "$d/cache" ] || fail "no cache in $d"; done
[ ! -e sib/w ] && [ ! -e sib/cm ] || fail "a relative work directory was taken from the wrong place"
echo "all tool-driving commands passed with relative work directories"
