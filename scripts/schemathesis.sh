#!/usr/bin/env bash
# Schemathesis (PyPI) against a running portal's OpenAPI document: every documented operation,
# with the admin token for the guarded ones. Fails on any finding.
#   scripts/schemathesis.sh BASE_URL ADMIN_TOKEN
# Versions are pinned so a run is reproducible. One worker: with two threads, hypothesis's lambda
# descriptions parse source concurrently and CPython 3.11's AST constructor (gh-106905, shared
# recursion counter) then raised "AST constructor recursion depth mismatch" inside the tool.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE="${1:?base URL}" TOKEN="${2:?admin token}"
VENV="$MINGCHU_CACHE/schemathesis-4.32.5"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  log "installing schemathesis (once)"
  need_apt python3-venv
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==4.32.5" "hypothesis==6.170.17"
fi
"$VENV/bin/schemathesis" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/api/openapi.json" \
  -H "Authorization: Bearer $TOKEN" --workers 1 --seed 1 --phases examples,coverage,fuzzing
