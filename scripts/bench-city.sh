#!/usr/bin/env bash
# The city-sized load test on PostgreSQL (docs/design/scale.md, docs/benchmarks.md): 100,000
# venues (seed-demo) and 500,000 cameras (the demo's, topped up with idle ones) in a throwaway
# PostgreSQL cluster; the portal and PostgreSQL together pinned to core 0, wrk (1 thread, 8
# connections, 10 s per path) on core 1, so "one core" holds the whole system under test.
# CITY_DB=postgres://… reuses a filled database (the fill takes minutes); BIN=… measures
# another build.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/bench-load.sh"
setup_toolchain
release_server_bin
VENUES="${VENUES:-100000}"
CAMERAS="${CAMERAS:-500000}"
DATA="$(mktemp -d)"
if [ -z "${CITY_DB:-}" ]; then
  setup_postgres
  trap 'stop_postgres; rm -rf "$DATA"' EXIT
  psql -qAt "$MINGCHU_TEST_DATABASE" -c "CREATE DATABASE city TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  CITY_DB="${MINGCHU_TEST_DATABASE%/*}/city"
  log "seeding $VENUES venues"
  /usr/bin/time -f "seed: %e s, %M KiB" env MINGCHU_DATABASE_URL="$CITY_DB" "$BIN" --data-dir "$DATA" seed-demo --venues "$VENUES"
  have="$(psql -qAt "$CITY_DB" -c 'SELECT count(*) FROM cameras')"
  log "topping $have cameras up to $CAMERAS with idle ones"
  psql -qAt "$CITY_DB" -c "INSERT INTO cameras (venue_id, name, area, is_public)
    SELECT v.id, '备用' || n, 'storage', 1 FROM generate_series(1, $CAMERAS - $have) n
    JOIN venues v ON v.id = 1 + (n * 7919) % $VENUES" >/dev/null
  psql -qAt "$CITY_DB" -c 'ANALYZE' >/dev/null
else
  trap 'rm -rf "$DATA"' EXIT
fi
log "$(psql -qAt "$CITY_DB" -c "SELECT count(*) || ' venues, ' || (SELECT count(*) FROM cameras) || ' cameras, ' || pg_size_pretty(pg_database_size(current_database())) FROM venues")"
# PostgreSQL's postmaster and every backend it forks from now on share core 0 with the portal.
for pid in $(pgrep -x postgres || pgrep -f "postgres -D"); do taskset -acp 0 "$pid" >/dev/null 2>&1 || true; done
PORT="${PORT:-3996}"
MINGCHU_DATABASE_URL="$CITY_DB" taskset -c 0 "$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$PORT" \
  --webrtc-bind 127.0.0.1:0 --site-root "$SITE_ROOT" --check-interval 0 --analyse off 2>"$DATA/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; [ -n "${MINGCHU_PG_DIR:-}" ] && stop_postgres; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# The portal grades every venue's risk at start; measure after that, not beside it.
for _ in $(seq 1 1200); do grep -q "risk levels graded" "$DATA/server.log" && break; sleep 0.5; done
log "$(grep -o 'risk levels graded.*' "$DATA/server.log" | head -1)"
log "machine: $(nproc) cores; portal and PostgreSQL on core 0, wrk (1 thread, 8 connections, 10 s) on core 1"
wrk_table "$PORT" "${SEARCH_PATHS[@]}" "/api/v1/venues/4242"

# The KPI engine at this size, one request at a time (a figure of a year takes seconds: not a
# wrk load). The programme page's figures are cached for minutes after the first request.
log "$(psql -qAt "$CITY_DB" -c "SELECT count(*) || ' camera-days, ' || count(DISTINCT camera_id) || ' cameras with checks' FROM camera_checks_daily")"
MINGCHU_DATABASE_URL="$CITY_DB" "$BIN" --data-dir "$DATA" user add --login bench --name 基准 --role administrator >/dev/null 2>&1 || true
token="$(MINGCHU_DATABASE_URL="$CITY_DB" "$BIN" --data-dir "$DATA" token create --login bench --name "bench-$$" --scope read 2>/dev/null | grep -Eo '[A-Za-z0-9_-]{32,}' | head -n1)"
year="$(date +%Y)"
printf '\n| request (one at a time) | run 1 | run 2 | run 3 |\n|---|---|---|---|\n'
for path in "/api/v1/programme" "/api/v1/kpis" "/api/v1/kpis?scope=office:1&from=$year-01-01&to=$year-03-31"; do
  times=()
  for _ in 1 2 3; do
    times+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}s' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path")")
  done
  printf '| `%s` | %s | %s | %s |\n' "$path" "${times[0]}" "${times[1]}" "${times[2]}"
done
