#!/usr/bin/env bash
# Description: end-to-end check of `qsq inspect` and the `container` flow stage: the stage writes
# a file that inspect reads (table and JSON); a corrupted, a truncated and a missing file each
# give exit status 1 and a one-line "qsq: error: ..." message.
# Usage: inspect_cli_test.sh QSQ_BINARY WORK_DIR
set -euo pipefail
qsq=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$qsq" flow --quick --quiet --only container -o "$work/out" || fail "flow stage container"
file="$work/out/work/container/model.qsq"
[[ -s "$file" ]] || fail "the container stage wrote no $file"
grep -q '"container"' "$work/out/report.json" || fail "report.json has no container stage"

"$qsq" inspect "$file" > "$work/table.txt" || fail "inspect of a valid file"
grep -q "vs FP32" "$work/table.txt" || fail "table lacks the savings"
grep -q "conv1" "$work/table.txt" || fail "table lacks the layers"
"$qsq" inspect --json "$file" > "$work/inspect.json" || fail "inspect --json"
for key in '"version"' '"git"' '"saving"' '"fp32_model"' '"zero_fraction"' '"layers"' '"macs"'; do
  grep -q "$key" "$work/inspect.json" || fail "JSON lacks $key"
done
head -c 3 "$work/inspect.json" | grep -q '{' || fail "JSON output does not start with an object"

expect_error() {  # FILE WHAT
  local rc=0
  "$qsq" inspect "$1" > "$work/stdout.txt" 2> "$work/stderr.txt" || rc=$?
  [[ $rc -eq 1 ]] || fail "$2: exit status $rc, expected 1"
  [[ $(wc -l < "$work/stderr.txt") -eq 1 ]] || fail "$2: error message is not one line"
  grep -q '^qsq: error: ' "$work/stderr.txt" || fail "$2: message does not start with 'qsq: error: '"
  [[ ! -s "$work/stdout.txt" ]] || fail "$2: printed figures despite the error"
}
cp "$file" "$work/corrupt.qsq"
printf '\x55' | dd of="$work/corrupt.qsq" bs=1 seek=100 conv=notrunc status=none
expect_error "$work/corrupt.qsq" "corrupted byte"
grep -q "CRC-32" "$work/stderr.txt" || fail "corrupted byte: message does not name the CRC"
head -c 500 "$file" > "$work/short.qsq"
expect_error "$work/short.qsq" "truncated file"
expect_error "$work/missing.qsq" "missing file"
echo "inspect CLI: all checks passed"
