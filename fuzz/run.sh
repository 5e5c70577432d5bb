#!/usr/bin/env bash
# Description: builds and runs the fuzzers of the .qsq reader, the .npy reader and (when libonnx-dev
# is installed, so the target exists) the ONNX importer for a bounded total time (CI calls it):
# SECONDS is shared between them (at least 1 s each), one after the other.
# Usage: fuzz/run.sh [SECONDS=60]
#   QSQ_FUZZ_BUILD=dir   build directory (default: build-fuzz, configured with the `fuzz` preset)
#   QSQ_FUZZ_NO_BUILD=1  skip the configure and build steps (the ctest does this)
# Exit status 0: no crash, no sanitizer report, no allocation above 64 MiB, no timeout.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${QSQ_FUZZ_BUILD:-$root/build-fuzz}

if [[ -z "${QSQ_FUZZ_NO_BUILD:-}" ]]; then
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    if [[ "$build" == "$root/build-fuzz" ]]; then
      (cd "$root" && cmake --preset fuzz)
    else
      cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DCMAKE_CXX_COMPILER=clang++ -DQSQ_FUZZ=ON -DQSQ_WITH_HARDWARE=OFF -DQSQ_WITH_TORCH=OFF -DQSQ_WITH_BENCH=OFF
    fi
  fi
  cmake --build "$build" --target fuzz_container_reader fuzz_make_seeds fuzz_npy_reader fuzz_make_npy_seeds -j2
  if cmake --build "$build" --target help | grep -q '^fuzz_onnx_importer:'; then
    cmake --build "$build" --target fuzz_onnx_importer fuzz_make_onnx_seeds -j2
  fi
fi

# The total budget is shared: the container reader first, then the .npy reader, then the ONNX
# importer with the rest (halves when the ONNX target was not built).
onnx=0
[[ -x "$build/bin/fuzz_onnx_importer" && -x "$build/bin/fuzz_make_onnx_seeds" ]] && onnx=1
parts=$(( 2 + onnx ))
first=$(( seconds / parts > 0 ? seconds / parts : 1 ))
second=$(( onnx ? first : seconds - first ))
second=$(( second > 0 ? second : 1 ))
third=$(( seconds - first - second > 0 ? seconds - first - second : 1 ))

seeds="$build/fuzz/seeds"
corpus="$build/fuzz/corpus"
mkdir -p "$seeds" "$corpus"
"$build/bin/fuzz_make_seeds" "$seeds"
# -malloc_limit_mb: any single allocation above 64 MiB from an input of at most 16 KiB is
# reported as a bug (the reader's bound is 1032 x the deflate bytes present, about 16 MiB).
echo "fuzz/run.sh: .qsq reader for ${first} s"
"$build/bin/fuzz_container_reader" -max_total_time="$first" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz/" "$corpus" "$seeds"

npy_seeds="$build/fuzz/npy-seeds"
npy_corpus="$build/fuzz/npy-corpus"
mkdir -p "$npy_seeds" "$npy_corpus"
"$build/bin/fuzz_make_npy_seeds" "$npy_seeds"
# The .npy reader allocates only the bytes present (the data must all be there), so the same
# 64 MiB single-allocation limit holds for inputs of at most 16 KiB.
echo "fuzz/run.sh: .npy reader for ${second} s"
"$build/bin/fuzz_npy_reader" -max_total_time="$second" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz/npy-" "$npy_corpus" "$npy_seeds"

if (( onnx )); then
  onnx_seeds="$build/fuzz/onnx-seeds"
  onnx_corpus="$build/fuzz/onnx-corpus"
  mkdir -p "$onnx_seeds" "$onnx_corpus"
  "$build/bin/fuzz_make_onnx_seeds" "$onnx_seeds"
  # The importer allocates only for tensor data present in the input (dimensions are checked
  # against the bytes or values there), so the same 64 MiB limit holds.
  echo "fuzz/run.sh: ONNX importer for ${third} s"
  "$build/bin/fuzz_onnx_importer" -max_total_time="$third" -max_len=16384 -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz/onnx-" "$onnx_corpus" "$onnx_seeds"
fi
