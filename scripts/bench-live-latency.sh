#!/usr/bin/env bash
# Glass-to-glass latency of live video over WebRTC (UDP, and ICE-TCP) and the plain-HTTP
# fallback, in the same run (docs/benchmarks.md): a GStreamer RTSP camera showing the wall
# clock as bars, the portal relaying it, and the real player in Debian's Chromium reading the
# bars back.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
setup_browser
setup_rtsp_camera
"$ROOT/scripts/build.sh"
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
/usr/bin/python3 "$ROOT/scripts/rtsp-camera.py" --port "$PORT" --clock-code --width 640 --height 360 \
  --quantizer 20 > "$WORK/camera.log" 2>&1 &
CAMERA_PID=$!
BIN="$CARGO_TARGET_DIR/debug/mingchu"
"$BIN" --data-dir "$WORK/data" seed-demo > /dev/null
CAMERA="$("$BIN" --data-dir "$WORK/data" camera add --venue 1 --name 时钟 --area cooking --url "rtsp://127.0.0.1:$PORT/cam")"
"$BIN" serve --bind 127.0.0.1:0 --webrtc-bind 127.0.0.1:0 --site-root "$SITE_ROOT" --data-dir "$WORK/data" \
  --analyse off 2> "$WORK/server.log" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" "$CAMERA_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
URL="$(server_url "$WORK/server.log" "$SERVER_PID")"
(cd "$ROOT/end2end" && BASE_URL="$URL" VENUE=1 CAMERA="$CAMERA" node "$ROOT/scripts/bench-live-latency.mjs")
