#!/usr/bin/env bash
# Command 1: install what is missing, build, and start the portal with the embedded default
# (SQLite in ./data, the demo district). Open http://localhost:3000 when it says "listening".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/build.sh" --release
log "starting the portal at http://${MINGCHU_BIND:-127.0.0.1:3000} (Ctrl-C stops it)"
cd "$ROOT"
exec "$CARGO_TARGET_DIR/release/mingchu" serve --demo --site-root "$SITE_ROOT" "$@"
