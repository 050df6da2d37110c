#!/usr/bin/env bash
# Complaint submissions per second recorded in docs/benchmarks.md: text only, one shared photo,
# one phone photo; SQLite in WAL mode with synchronous=FULL for complaint commits, photos fsynced.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
log "disk: $(df -h "${TMPDIR:-/tmp}" | awk 'NR==2{print $1}')"
(cd "$ROOT" && "$CARGO" bench --quiet -p server --bench complaints)
