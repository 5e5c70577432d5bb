# Sourced by the shell tests of the qsq command: `source lib.sh QSQ_EXE` sets $qsq (absolute), makes
# an empty temporary directory $tmp the current one (removed on exit) and defines fail().
qsq=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
