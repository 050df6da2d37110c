#!/usr/bin/env bash
# Search and API latency under concurrent load with 100,000 venues in SQLite (docs/benchmarks.md).
# The server is pinned to core 0 and wrk to core 1, so "one core" means what it says.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
need_apt wrk util-linux
# BIN=path/to/mingchu measures another build (e.g. the previous commit's, for an A/B).
if [ -z "${BIN:-}" ]; then
  (cd "$ROOT" && "$CARGO" build --quiet --release -p server --bin mingchu)
  BIN="$CARGO_TARGET_DIR/release/mingchu"
fi
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
printf '| request | requests/s | median | p90 | p99 |\n|---|---|---|---|---|\n'
for path in "/" "/?q=%E9%A3%9F%E5%A0%82" "/?type=school_canteen&grade=excellent" "/?jurisdiction=440310002&camera=1" \
    "/?near=22.70,114.36" "/api/v1/venues?q=%E6%B9%98" "/api/v1/venues?grade=fair&per_page=100" "/venues/4242" "/api/v1/programme"; do
  out="$(taskset -c 1 wrk -t1 -c8 -d10s --latency "http://127.0.0.1:$PORT$path")"
  rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
  p50="$(awk '$1=="50%"{print $2}' <<<"$out")"; p90="$(awk '$1=="90%"{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  printf '| `%s` | %s | %s | %s | %s |\n' "$path" "$rps" "$p50" "$p90" "$p99"
done
