#!/usr/bin/env bash
# Description: builds and runs the .qsq reader fuzzer for a bounded time (CI calls it).
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
  cmake --build "$build" --target fuzz_container_reader fuzz_make_seeds -j2
fi

seeds="$build/fuzz/seeds"
corpus="$build/fuzz/corpus"
mkdir -p "$seeds" "$corpus"
"$build/bin/fuzz_make_seeds" "$seeds"
# -malloc_limit_mb: any single allocation above 64 MiB from an input of at most 16 KiB is
# reported as a bug (the reader's bound is 1032 x the deflate bytes present, about 16 MiB).
"$build/bin/fuzz_container_reader" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz/" "$corpus" "$seeds"
