# Shared by the load benchmarks (bench-search.sh, bench-city.sh); sourced after lib.sh.

# BIN: the portal to measure; by default a release build of this tree (BIN=… measures another
# build, e.g. the previous commit's for an A/B).
release_server_bin() {
  need_apt wrk util-linux
  if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && "$CARGO" build --quiet --release -p server --bin mingchu)
    BIN="$CARGO_TARGET_DIR/release/mingchu"
  fi
}

# One markdown row per path: wrk on core 1 (1 thread, 8 connections, 10 s) against the portal on
# 127.0.0.1:PORT; requests/s (with the count of non-2xx answers, if any), median, p90, p99.
wrk_table() {
  local port="$1"; shift
  printf '| request | requests/s | median | p90 | p99 |\n|---|---|---|---|---|\n'
  local path out rps p50 p90 p99 errors
  for path in "$@"; do
    out="$(taskset -c 1 wrk -t1 -c8 -d10s --latency "http://127.0.0.1:$port$path")"
    rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
    p50="$(awk '$1=="50%"{print $2}' <<<"$out")"; p90="$(awk '$1=="90%"{print $2}' <<<"$out")"
    p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx/{print " (" $4 " non-2xx)"}' <<<"$out")"
    printf '| `%s` | %s%s | %s | %s | %s |\n' "$path" "$rps" "$errors" "$p50" "$p90" "$p99"
  done
}

# The paths both load benchmarks measure.
SEARCH_PATHS=("/" "/?q=%E9%A3%9F%E5%A0%82" "/?type=school_canteen&grade=excellent" "/?jurisdiction=440310002&camera=1"
  "/?near=22.70,114.36" "/api/v1/venues?q=%E6%B9%98" "/api/v1/venues?grade=fair&per_page=100" "/venues/4242")
