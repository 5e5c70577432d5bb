#!/usr/bin/env bash
# Description: `qsq eval --data DIR` as a user runs it: .npy files written byte by byte here (the
# format is a magic, a version, a header dict and raw data), evaluated against the synthetic
# LeNet-5 the `container` flow stage writes; then each mismatch (labels count, dtype, channels,
# a missing file, fortran order) exits 1 with one line naming the file, and --help names the files.
# Usage: data_dir_cli_test.sh QSQ_BINARY WORK_DIR
set -euo pipefail
qsq=$1
work=$2
rm -rf "$work"
mkdir -p "$work/data"
fail() { echo "FAIL: $*" >&2; exit 1; }

# npy FILE DESCR SHAPE DATA_BYTES [FORTRAN]: a version 1.0 file, header padded to 64 bytes, data zero.
npy() {
  local dict="{'descr': '$2', 'fortran_order': ${5:-False}, 'shape': $3, }"
  local len=$(( (10 + ${#dict} + 1 + 63) / 64 * 64 - 10 ))
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len % 256)))\\x$(printf %02x $((len / 256)))";
    printf '%s' "$dict"; printf '%*s' $((len - ${#dict} - 1)) ''; printf '\n'; head -c "$4" /dev/zero; } > "$1"
}

"$qsq" flow --quick --quiet --only container -o "$work/out" || fail "flow stage container"
model="$work/out/work/container/model.qsq"
npy "$work/data/test_images.npy" '|u1' '(3, 28, 28)' $((3 * 784))
npy "$work/data/test_labels.npy" '<i8' '(3,)' 24
"$qsq" eval "$model" --data "$work/data" --levels 4 --json > "$work/eval.json" || fail "eval on a .npy directory"
grep -q '"images": 3' "$work/eval.json" || fail "eval did not read 3 images"
grep -q '"std": 0.5' <("$qsq" eval "$model" --data "$work/data" --levels 4 --std 0.5 --json) || fail "--std not reported"

expect_error() {  # WHAT FILE-IN-MESSAGE TEXT
  local rc=0
  "$qsq" eval "$model" --data "$work/data" --levels 4 > "$work/stdout.txt" 2> "$work/stderr.txt" || rc=$?
  [[ $rc -eq 1 ]] || fail "$1: exit status $rc, expected 1"
  [[ $(wc -l < "$work/stderr.txt") -eq 1 ]] || fail "$1: error message is not one line: $(cat "$work/stderr.txt")"
  grep -q "^qsq: error: .*$2" "$work/stderr.txt" || fail "$1: message does not name $2: $(cat "$work/stderr.txt")"
  grep -qF "$3" "$work/stderr.txt" || fail "$1: message lacks '$3': $(cat "$work/stderr.txt")"
}
npy "$work/data/test_labels.npy" '<i8' '(4,)' 32
expect_error "labels count" test_labels.npy "holds 4 labels but"
npy "$work/data/test_labels.npy" '<i8' '(3,)' 24
npy "$work/data/test_images.npy" '<f8' '(3, 28, 28)' $((3 * 784 * 8))
expect_error "dtype" test_images.npy "unsupported dtype '<f8'"
npy "$work/data/test_images.npy" '|u1' '(3, 3, 28, 28)' $((3 * 3 * 784))
expect_error "channels" test_images.npy "(the channels do not match)"
npy "$work/data/test_images.npy" '|u1' '(3, 28, 28)' $((3 * 784)) True
expect_error "fortran order" test_images.npy "fortran_order is True"
npy "$work/data/test_images.npy" '|u1' '(3, 28, 28)' 100
expect_error "truncated" test_images.npy "truncated"
rm "$work/data/test_labels.npy"
expect_error "missing labels" test_labels.npy "not found"

"$qsq" eval --help | grep -q "test_images.npy" || fail "eval --help does not name the files of --data DIR"
"$qsq" quantize --help | grep -q -- "--mean" || fail "quantize --help lacks --mean"
echo "data_dir_cli_test: ok"
