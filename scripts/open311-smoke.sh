#!/usr/bin/env bash
# Every Open311 GeoReport v2 endpoint, in JSON and in XML, against a running portal:
#   scripts/open311-smoke.sh BASE_URL API_KEY [VENUE_ID]
# (an API key comes from `mingchu apikey create NAME`). Checks each answer's status and that
# it parses (python3's json and ElementTree); creates two service requests on the way.
set -euo pipefail
BASE="${1:?usage: open311-smoke.sh BASE_URL API_KEY [VENUE_ID]}"
KEY="${2:?usage: open311-smoke.sh BASE_URL API_KEY [VENUE_ID]}"
VENUE="${3:-3}"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT
failures=0

# check METHOD PATH STATUS [curl arguments…]: prints one line; the body stays in $BODY.
check() {
  local method=$1 path=$2 want=$3
  shift 3
  local status format
  status="$(curl -s -o "$BODY" -w '%{http_code}' -X "$method" "$@" "$BASE$path")"
  format="${path%%\?*}"
  format="${format##*.}"
  if [ "$status" != "$want" ]; then
    printf 'FAIL %-6s %-60s HTTP %s, expected %s: %s\n' "$method" "$path" "$status" "$want" "$(head -c 300 "$BODY")"
    failures=$((failures + 1))
  elif ! python3 -c 'import json, sys, xml.etree.ElementTree as ET
f = sys.argv[2]
json.load(open(f, encoding="utf-8")) if sys.argv[1] == "json" else ET.parse(f)' "$format" "$BODY" 2>/dev/null; then
    printf 'FAIL %-6s %-60s answer is not valid %s\n' "$method" "$path" "$format"
    failures=$((failures + 1))
  else
    printf 'ok   %-6s %-60s %s\n' "$method" "$path" "$status"
  fi
}

# field NAME: the first value of NAME in the last answer (JSON list or XML).
field() {
  python3 -c 'import json, sys, xml.etree.ElementTree as ET
f, name = sys.argv[1], sys.argv[2]
try:
    print(json.load(open(f, encoding="utf-8"))[0][name])
except ValueError:
    print(ET.parse(f).getroot().find(".//" + name).text)' "$BODY" "$1"
}

post() {
  check POST "/open311/v2/requests.$1" "$2" --data-urlencode "api_key=$3" --data-urlencode "service_code=hygiene" \
    --data-urlencode "address_id=$VENUE" --data-urlencode "description=Open311 smoke test: the kitchen floor is dirty." \
    --data-urlencode "attribute[occurred_at]=2026-01-05T12:30:00+08:00"
}

for fmt in json xml; do
  check GET "/open311/discovery.$fmt" 200
  check GET "/open311/v2/services.$fmt" 200
  check GET "/open311/v2/services.$fmt?locale=en" 200
  check GET "/open311/v2/services/illness.$fmt" 200
  check GET "/open311/v2/services/no-such-service.$fmt" 404
  post "$fmt" 403 ""
  post "$fmt" 403 "not-a-key"
  check POST "/open311/v2/requests.$fmt" 400 --data-urlencode "api_key=$KEY" --data-urlencode "service_code=hygiene"
  post "$fmt" 201 "$KEY"
  id="$(field service_request_id)"
  token="$(field token)"
  check GET "/open311/v2/requests.$fmt" 200
  check GET "/open311/v2/requests.$fmt?service_request_id=$id" 200
  [ "$(field service_request_id)" = "$id" ] || { echo "FAIL the request $id is not found by its id"; failures=$((failures + 1)); }
  check GET "/open311/v2/requests.$fmt?service_code=hygiene,illness&status=open,closed&start_date=2026-01-01T00:00:00Z" 200
  check GET "/open311/v2/requests.$fmt?start_date=yesterday" 400
  check GET "/open311/v2/requests/$id.$fmt" 200
  check GET "/open311/v2/requests/MC-0000-0000.$fmt" 404
  check GET "/open311/v2/tokens/$token.$fmt" 200
  [ "$(field service_request_id)" = "$id" ] || { echo "FAIL token $token does not lead to $id"; failures=$((failures + 1)); }
  check GET "/open311/v2/tokens/0123456789abcdef0123456789abcdef.$fmt" 404
done

if [ "$failures" -gt 0 ]; then
  echo "$failures Open311 check(s) failed" >&2
  exit 1
fi
echo "every Open311 endpoint answered as expected, in JSON and XML"
