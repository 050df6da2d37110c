#!/usr/bin/env bash
# Search and API latency under concurrent load with 100,000 venues in SQLite (docs/benchmarks.md).
# The server is pinned to core 0 and wrk to core 1, so "one core" means what it says.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/bench-load.sh"
setup_toolchain
release_server_bin
VENUES="${VENUES:-100000}"
DATA="$MINGCHU_CACHE/bench-$VENUES"
if [ ! -f "$DATA/mingchu.db" ]; then
  log "seeding $VENUES venues into $DATA (once)"
  "$BIN" --data-dir "$DATA" seed-demo --venues "$VENUES"
fi
PORT="${PORT:-3997}"
taskset -c 0 "$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$PORT" --site-root "$SITE_ROOT" --check-interval 0 2>"$DATA/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
log "machine: $(nproc) cores; server on core 0, wrk (1 thread, 8 connections, 10 s) on core 1"
wrk_table "$PORT" "${SEARCH_PATHS[@]}" "/api/v1/programme"
