#!/usr/bin/env bash
# Live-video benchmarks recorded in docs/benchmarks.md: SFU relay cost per viewer (in memory,
# real SRTP), and WHEP POST → first decoded frame in Chromium against the release server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
setup_browser
"$ROOT/scripts/build.sh" --release
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
log "SFU relay cost (release, in memory)"
(cd "$ROOT" && "$CARGO" test --release --quiet -p server --lib relay_cost -- --ignored --nocapture)
log "WHEP POST to first decoded frame (Chromium, demo district, synthetic cameras)"
tmp="$(mktemp -d)"
"$CARGO_TARGET_DIR/release/mingchu" serve --demo --bind 127.0.0.1:0 --webrtc-bind 127.0.0.1:0 \
  --site-root "$SITE_ROOT" --data-dir "$tmp/data" 2> "$tmp/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
url=""
for _ in $(seq 1 150); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$tmp/server.log" | head -n1 | sed 's/^listening on //')" || true
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || die "the server did not start"
(cd "$ROOT/end2end" && BASE_URL="$url" node "$ROOT/scripts/bench-whep.mjs")
