#!/usr/bin/env bash
# Cross-node events over PostgreSQL's LISTEN/NOTIFY (docs/design/scale.md): events per second
# delivered to every node's listener, on a throwaway local cluster. Figures in
# docs/benchmarks.md. Release build (BENCH_PROFILE=dev for a quicker, slower build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
setup_toolchain
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
PROFILE="${BENCH_PROFILE:-release}"
DIR="$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")"
(cd "$ROOT" && "$CARGO" bench --no-run --quiet --profile "$PROFILE" -p server --bench notify)
setup_postgres
trap stop_postgres EXIT
log "profile: $PROFILE; $(psql -qAt "$MINGCHU_TEST_DATABASE" -c 'SHOW server_version')"
bench="$(ls -t "$CARGO_TARGET_DIR/$DIR"/deps/notify-* | grep -v '\.d$' | head -n1)"
MINGCHU_BENCH_DATABASE="$MINGCHU_TEST_DATABASE" "$bench"
