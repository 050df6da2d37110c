#!/usr/bin/env bash
# Frame-analysis benchmarks recorded in docs/benchmarks.md: H.264 decode (all frames and
# keyframes), health checks per sample, detector per inference, cameras per core.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
(cd "$ROOT" && "$CARGO" bench --quiet -p server --bench analysis 2>/dev/null)
