#!/usr/bin/env bash
# Soak run of a display screen (issue 7): 30 minutes by default, the RTSP camera flapping every
# minute, the browser's JS heap and the server's memory sampled each minute.
#   scripts/soak-display.sh [MINUTES]     → target/soak/display.csv and a summary
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_toolchain
setup_browser
setup_rtsp_camera
"$ROOT/scripts/build.sh"
export MINGCHU_BIN="$CARGO_TARGET_DIR/debug/mingchu" MINGCHU_SITE_ROOT="$SITE_ROOT"
cd "$ROOT" && node scripts/soak-display.mjs "${1:-30}" "$ROOT/target/soak/display.csv"
