#!/usr/bin/env bash
# Command 2: the whole test suite. Unit and integration tests (cargo test), then end-to-end
# specs in real Chromium against a freshly started server with the demo district.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
setup_browser
setup_rtsp_camera
# The live-video test must not skip for want of the RTSP camera.
export MINGCHU_REQUIRE_RTSP=1
"$ROOT/scripts/build.sh"

log "unit and integration tests"
(cd "$ROOT" && "$CARGO" test --workspace --no-fail-fast)

log "end-to-end tests in Chromium"
tmp="$(mktemp -d)"
"$CARGO_TARGET_DIR/debug/mingchu" serve --demo --bind 127.0.0.1:0 --webrtc-bind 127.0.0.1:0 --site-root "$SITE_ROOT" \
  --data-dir "$tmp/data" 2> "$tmp/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
url=""
for _ in $(seq 1 150); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$tmp/server.log" | head -n1 | sed 's/^listening on //')" || true
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
[ -n "$url" ] || { cat "$tmp/server.log" >&2; die "the server did not start"; }
(cd "$ROOT/end2end" && BASE_URL="$url" node --test --test-concurrency=1 tests/)
