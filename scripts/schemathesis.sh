#!/usr/bin/env bash
# Schemathesis (PyPI) against a running portal's OpenAPI document: every documented operation,
# with the admin token for the guarded ones. Fails on any finding.
#   scripts/schemathesis.sh BASE_URL ADMIN_TOKEN
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE="${1:?base URL}" TOKEN="${2:?admin token}"
VENV="$MINGCHU_CACHE/schemathesis"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  log "installing schemathesis (once)"
  need_apt python3-venv
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==4.*"
fi
"$VENV/bin/schemathesis" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/api/openapi.json" \
  -H "Authorization: Bearer $TOKEN" --workers 2 --seed 1 --phases examples,coverage,fuzzing
