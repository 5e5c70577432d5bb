#!/usr/bin/env bash
# The held-out comparison of docs/energy.md: qsq's lane (W = 8, signed) at every quality level
# beside three approximate-multiplier classes (bench/approx/: truncated, DRUM-style, OR-compressed
# low columns) and the plain a*b, all through `qsq compare-mult` (same wrapper, synthesis, stream,
# SDF-timed and zero-delay simulation). Writes one JSON per multiplier into OUT (default
# out/approx) and prints the table lines.
#   scripts/compare-approx.sh [OUT] [extra compare-mult options, e.g. --workload stationary]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/approx}
shift || true
qsq=build/bin/qsq
mkdir -p "$out"
for q in 1 2 3 4; do
  "$qsq" compare-mult --lane --width 8 --q "$q" --work out/work/energy "$@" --json > "$out/lane_q$q.json"
done
for m in trunc_mul8s drum_mul8s ormul8s; do
  "$qsq" compare-mult "bench/approx/$m.v" --top "$m" --signed --work out/work/energy "$@" --json > "$out/$m.json"
done
for f in "$out"/*.json; do
  echo "$(basename "$f" .json): $(grep -E '"(pj_per_op|exact_pj_per_op|mred|ratio)"' "$f" | tr -d ' \n')"
done
