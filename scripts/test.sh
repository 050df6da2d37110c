#!/usr/bin/env bash
# Command 2: the whole test suite. Unit and integration tests (cargo test), then end-to-end
# specs in real Chromium against a freshly started server with the demo district.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# A cold run gains nothing from incremental compilation and its caches were half the target
# directory (tens of GB): CI ran out of disk. Export CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
log "disk: $(df -h --output=avail "$CARGO_TARGET_DIR" | tail -1 | tr -d ' ') free for $CARGO_TARGET_DIR"
setup_toolchain
setup_browser
setup_rtsp_camera
# The live-video test must not skip for want of the RTSP camera.
export MINGCHU_REQUIRE_RTSP=1
"$ROOT/scripts/build.sh"

log "formatting and lints (cargo fmt --check, clippy -D warnings)"
run_lints

log "unit and integration tests"
(cd "$ROOT" && "$CARGO" test --workspace --no-fail-fast)

log "the integration tests again, on PostgreSQL (a throwaway cluster: scripts/postgres.sh)"
source "$ROOT/scripts/postgres.sh"
setup_postgres
trap stop_postgres EXIT
(cd "$ROOT" && "$CARGO" test -p server --test it --no-fail-fast)
stop_postgres
trap - EXIT
unset MINGCHU_TEST_DATABASE

log "end-to-end tests in Chromium"
# The admin API is on, so schemathesis (below) reaches its guarded operations too.
export MINGCHU_ADMIN_TOKEN="test-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_demo_server "$CARGO_TARGET_DIR/debug/mingchu"

log "what a first visit downloads, against the budgets (end2end/page-weight.mjs --budget)"
# A display screen's page too: its secret address from a screen registered for the check.
DISPLAY_PATH="$("$CARGO_TARGET_DIR/debug/mingchu" --data-dir "$SERVER_TMP/data" screen add --venue 3 --name page-weight \
  | grep -o '/display/[0-9a-f]*')"
(cd "$ROOT/end2end" && BASE_URL="$SERVER_URL" DISPLAY_PATH="$DISPLAY_PATH" node page-weight.mjs --budget)

# The display-screen spec runs servers of its own (it restarts one), from the same binary and site.
export MINGCHU_BIN="$CARGO_TARGET_DIR/debug/mingchu" MINGCHU_SITE_ROOT="$SITE_ROOT"
(cd "$ROOT/end2end" && BASE_URL="$SERVER_URL" node --test --test-concurrency=1 tests/)

log "Open311 GeoReport v2, every endpoint in JSON and XML (scripts/open311-smoke.sh)"
need_apt curl python3
OPEN311_KEY="$("$CARGO_TARGET_DIR/debug/mingchu" --data-dir "$SERVER_TMP/data" apikey create smoke-test 2>/dev/null)"
"$ROOT/scripts/open311-smoke.sh" "$SERVER_URL" "$OPEN311_KEY"

log "the OpenAPI document against the server (scripts/schemathesis.sh)"
"$ROOT/scripts/schemathesis.sh" "$SERVER_URL" "$MINGCHU_ADMIN_TOKEN"
