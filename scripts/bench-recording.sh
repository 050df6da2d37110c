#!/usr/bin/env bash
# Recording benchmarks recorded in docs/benchmarks.md: cameras recorded per core at about
# 2 Mbit/s (segmenter, fMP4 writer and real files, fsynced at each close), disk bytes per
# camera-hour, and the time to export a 30 s evidence clip. Release build, pinned to one core.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
(cd "$ROOT" && "$CARGO" bench --no-run --quiet -p server --bench recording)
bench="$(ls -t "$CARGO_TARGET_DIR"/release/deps/recording-* | grep -v '\.d$' | head -n1)"
taskset -c 0 "$bench"
