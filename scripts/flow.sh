#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, run `qsq flow` on
# built-in defaults. Writes out/report.md and out/report.json. Extra arguments go to `qsq flow`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/bin/qsq flow "$@"
