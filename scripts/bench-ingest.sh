#!/usr/bin/env bash
# What a media node's camera bookkeeping costs per camera at city scale (server/benches/ingest.rs;
# docs/benchmarks.md): one node takes CAMERAS (20,000) leases in the city-sized database and
# records a check for each through the portal's code, three rounds. CITY_DB=postgres://… names
# the database filled by scripts/bench-city.sh (required: filling one takes most of an hour).
# Release build (BENCH_PROFILE=dev for a quicker, slower build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
[ -n "${CITY_DB:-}" ] || die "CITY_DB=postgres://… : the database scripts/bench-city.sh filled"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
PROFILE="${BENCH_PROFILE:-release}"
DIR="$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")"
(cd "$ROOT" && "$CARGO" bench --no-run --quiet --profile "$PROFILE" -p server --bench ingest)
bench="$(ls -t "$CARGO_TARGET_DIR/$DIR"/deps/ingest-* | grep -v '\.d$' | head -n1)"
log "$(psql -qAt "$CITY_DB" -c "SELECT (SELECT count(*) FROM cameras) || ' cameras, ' || pg_size_pretty(pg_database_size(current_database()))")"
MINGCHU_BENCH_DATABASE="$CITY_DB" CAMERAS="${CAMERAS:-20000}" "$bench"
