#!/usr/bin/env bash
# Live-video benchmarks recorded in docs/benchmarks.md: SFU relay cost per viewer (in memory,
# real SRTP), server CPU per viewer over real UDP (RTSP camera, str0m receivers), and WHEP POST →
# first decoded frame in Chromium against the release server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
setup_browser
setup_rtsp_camera
"$ROOT/scripts/build.sh" --release
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
log "SFU relay cost (release, in memory)"
(cd "$ROOT" && "$CARGO" test --release --quiet -p server --lib relay_cost -- --ignored --nocapture)
log "server CPU per viewer over real UDP (release; server on core 0, camera and receivers on core 1)"
(cd "$ROOT" && "$CARGO" bench --quiet -p server --bench viewers 2>/dev/null)
log "WHEP POST to first decoded frame (Chromium, demo district, synthetic cameras)"
start_demo_server "$CARGO_TARGET_DIR/release/mingchu"
(cd "$ROOT/end2end" && BASE_URL="$SERVER_URL" node "$ROOT/scripts/bench-whep.mjs")
