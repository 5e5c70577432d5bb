#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (also what CI runs through .ci/run):
#   1. install missing packages, configure and build the default preset (scripts/setup.sh);
#   2. every ctest of the default build (unit, hw, net, energy, flow);
#   3. the simulator-free unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#      (the Verilator/SystemC and libtorch parts are left out of that build);
#   4. the libFuzzer targets of the .qsq and .npy readers and the ONNX importer, sharing a bounded time (QSQ_FUZZ_SECONDS, default 60);
#   5. the README's main command in a fresh clone from a cold cache with relative paths, in quick
#      mode (scripts/main-job-check.sh): every stage must be done.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
step() { printf '\n==== %s ====\n' "$*"; }

step "setup and build (preset default)"
scripts/setup.sh

step "tests of the default build"
ctest --preset default -j "$jobs" --timeout 1500

step "unit tests under ASan + UBSan (preset sanitize)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset sanitize -L unit -j "$jobs" --timeout 900

if [ -x fuzz/run.sh ]; then
  step "fuzzing the .qsq and .npy readers and the ONNX importer (preset fuzz)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  fuzz/run.sh "${QSQ_FUZZ_SECONDS:-60}"
fi
step "the main job in a fresh clone (scripts/flow.sh --quick, cold)"
scripts/main-job-check.sh

step "all test stages passed"
