#!/usr/bin/env bash
# Benchmarks recorded in docs/benchmarks.md: bundle sizes and server-render latency.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
"$ROOT/scripts/build.sh"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
log "WebAssembly bundle (bytes)"
name="$(cat "$SITE_ROOT/pkg/asset-name")"
for f in "$SITE_ROOT/pkg/$name".{wasm,js,css}; do
  printf '%-14s raw %8d  gzip %8d  brotli %8d\n' "$(basename "$f")" \
    "$(stat -c %s "$f")" "$(stat -c %s "$f.gz")" "$(stat -c %s "$f.br")"
done
log "server-render latency (release build)"
(cd "$ROOT" && "$CARGO" bench --quiet -p server --bench render)
