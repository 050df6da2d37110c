#!/usr/bin/env bash
# Remakes the recorded RTSP cameras the ingest tests replay (server/media/fixtures/rtsp/):
# GStreamer's RTSP server (scripts/rtsp-camera.py) in three settings, each recorded by
# scripts/record-rtsp.py. The fixtures are committed; the tests need neither GStreamer nor this.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_rtsp_camera
OUT="$ROOT/server/media/fixtures/rtsp"
mkdir -p "$OUT"

record() { # NAME NOTE CAMERA-ARGS...
  local name="$1" note="$2"; shift 2
  local port; port="$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")"
  /usr/bin/python3 "$ROOT/scripts/rtsp-camera.py" --port "$port" --width 640 --height 360 --fps 25 \
    --bitrate 300 "$@" > "$OUT/.camera.log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do grep -q '^ready' "$OUT/.camera.log" && break; sleep 0.1; done
  local url="rtsp://127.0.0.1:$port/cam"
  if [[ " $* " == *" --user admin "* ]]; then url="rtsp://admin:secret@127.0.0.1:$port/cam"; fi
  /usr/bin/python3 "$ROOT/scripts/record-rtsp.py" "$url" "$OUT/$name" --seconds 3 --note "$note"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$OUT/.camera.log"
}

record h264-digest "GStreamer rtsp-camera.py: H.264 High, 640x360, 25 fps, keyframe every second, digest authentication (admin/secret)" \
  --codec h264 --user admin --password secret --auth digest
record h264-bframes "GStreamer rtsp-camera.py: H.264 High with 2 B-frames, 640x360, 25 fps" --codec h264 --bframes 2
record h265 "GStreamer rtsp-camera.py: H.265 Main, 640x360, 25 fps" --codec h265
ls -l "$OUT"
