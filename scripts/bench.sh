#!/usr/bin/env bash
# Benchmarks recorded in docs/benchmarks.md: bundle sizes and server-render latency.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
"$ROOT/scripts/build.sh"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
log "WebAssembly bundles and the stylesheet (bytes)"
for f in $(while read -r what name; do
             if [ "$what" = style ]; then echo "$SITE_ROOT/pkg/$name.css"; else echo "$SITE_ROOT/pkg/$name".{wasm,js}; fi
           done < "$SITE_ROOT/pkg/assets"); do
  printf '%-14s raw %8d  gzip %8d  brotli %8d\n' "$(basename "$f")" \
    "$(stat -c %s "$f")" "$(stat -c %s "$f.gz")" "$(stat -c %s "$f.br")"
done
log "server-render latency (release build)"
(cd "$ROOT" && "$CARGO" bench --quiet -p server --bench render)
