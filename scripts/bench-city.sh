#!/usr/bin/env bash
# The city-sized load test on PostgreSQL (docs/design/scale.md, docs/benchmarks.md): 100,000
# venues (seed-demo) and 500,000 cameras (the demo's, topped up with idle ones) in a throwaway
# PostgreSQL cluster; the portal and PostgreSQL together pinned to core 0, wrk (1 thread, 8
# connections, 10 s per path) on core 1, so "one core" holds the whole system under test.
# CHECK_DAYS (365) days of camera checks are written for every checked camera, with their
# roll-ups, so the KPI requests read a year at that size. CITY_DB=postgres://… reuses a filled
# database (the fill takes most of an hour); BIN=… measures another build.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/bench-load.sh"
setup_toolchain
release_server_bin
VENUES="${VENUES:-100000}"

# DAYS days up to today of checks (288 a day, every 5 minutes) for every camera of a venue that
# is not planned: the history a programme holds after a year. Most camera-days are fully online;
# a pseudo-random 4 % lose part of the day and one camera in 50 is down on a third of its days, so
# the worst-camera and worst-venue lists have something to rank. Written without the row
# triggers (a year of rows one trigger at a time would take many hours); the roll-ups the
# triggers keep are then made from the rows in one pass each, as the triggers define them.
fill_check_history() {
  local db="$1" days="$2"
  [ "$days" -gt 0 ] || return 0
  log "writing $days days of checks for every camera (with the roll-ups)"
  /usr/bin/time -f "check history: %e s" psql -qAt -v ON_ERROR_STOP=1 "$db" <<SQL
SET session_replication_role = replica;
TRUNCATE camera_checks_daily, venue_checks_daily, camera_checks_monthly;
INSERT INTO camera_checks_daily (camera_id, day, checks, online)
  SELECT c.id, to_char(d, 'YYYY-MM-DD'), 288,
         CASE WHEN c.id % 50 = 7 AND (c.id + n) % 3 = 0 THEN 0
              WHEN (c.id * 7919 + n * 104729) % 100 < 4 THEN 288 - (c.id + n) % 288
              ELSE 288 END
  FROM cameras c JOIN venues v ON v.id = c.venue_id AND v.status <> 'planned'
  CROSS JOIN (SELECT d, row_number() OVER (ORDER BY d) AS n
              FROM generate_series(current_date - ($days - 1), current_date, interval '1 day') d) days;
INSERT INTO venue_checks_daily (venue_id, day, cameras, checks, online, offline_days)
  SELECT c.venue_id, d.day, count(*), sum(d.checks), sum(d.online), sum((d.checks - d.online)::double precision / d.checks)
  FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id GROUP BY 1, 2;
INSERT INTO camera_checks_monthly (camera_id, month, offline_days)
  SELECT camera_id, substr(day, 1, 7), sum((checks - online)::double precision / checks)
  FROM camera_checks_daily GROUP BY 1, 2;
SQL
}
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
  fill_check_history "$CITY_DB" "${CHECK_DAYS:-365}"
  psql -qAt "$CITY_DB" -c 'VACUUM ANALYZE' >/dev/null
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
log "$(psql -qAt "$CITY_DB" -c "SELECT 'check history: about ' || reltuples::bigint || ' camera-days, ' || pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname = 'camera_checks_daily'")"
MINGCHU_DATABASE_URL="$CITY_DB" "$BIN" --data-dir "$DATA" user add --login bench --name 基准 --role administrator >/dev/null 2>&1 || true
token="$(MINGCHU_DATABASE_URL="$CITY_DB" "$BIN" --data-dir "$DATA" token create --login bench --name "bench-$$" --scope read 2>/dev/null | grep -Eo '[A-Za-z0-9_-]{32,}' | head -n1)"
year="$(date +%Y)"
printf '\n| request (one at a time) | run 1 | run 2 | run 3 |\n|---|---|---|---|\n'
for path in "/api/v1/programme" "/api/v1/kpis" "/api/v1/kpis?scope=office:1&from=$year-01-01&to=$year-03-31" \
  "/api/v1/kpis?from=$year-11-01&to=$year-11-30"; do
  times=()
  for _ in 1 2 3; do
    times+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}s' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path")")
  done
  printf '| `%s` | %s | %s | %s |\n' "$path" "${times[0]}" "${times[1]}" "${times[2]}"
done
