#!/usr/bin/env bash
# Recording benchmarks recorded in docs/benchmarks.md: cameras recorded per core at about
# 2 Mbit/s (segmenter, fMP4 writer and real files, fsynced at each close), disk bytes per
# camera-hour, the time to export a 30 s evidence clip, and the retention sweep over a real
# SQLite index. Release build (BENCH_PROFILE=dev for a quicker, slower build), pinned to one core.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
PROFILE="${BENCH_PROFILE:-release}"
DIR="$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")"
(cd "$ROOT" && "$CARGO" bench --no-run --quiet --profile "$PROFILE" -p server --bench recording --bench sweep)
log "profile: $PROFILE"
for name in recording sweep; do
  bench="$(ls -t "$CARGO_TARGET_DIR/$DIR"/deps/"$name"-* | grep -v '\.d$' | head -n1)"
  taskset -c 0 "$bench"
done
