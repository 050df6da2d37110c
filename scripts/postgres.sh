# A throwaway PostgreSQL for the tests: source it after scripts/lib.sh (which sets
# `set -euo pipefail` and defines log, die, need_apt), then
#
#   setup_postgres
#   trap stop_postgres EXIT        # (or call stop_postgres from the script's own EXIT trap)
#
# setup_postgres makes a cluster in a fresh temporary folder (trust authentication, UTF8,
# C.UTF-8, fsync and synchronous_commit off: nothing in it outlives the run), starts it on a
# free port of 127.0.0.1 and exports
#   MINGCHU_TEST_DATABASE  postgres://postgres@127.0.0.1:PORT/postgres
#   MINGCHU_PG_DIR         the folder (data/, the server's log, its socket)
#   MINGCHU_PG_BIN         the folder of initdb, pg_ctl and psql
# With MINGCHU_TEST_DATABASE already set it starts nothing and the tests use that server.
# PostgreSQL refuses to run as root: as root (CI) the cluster belongs to the `postgres` user that
# Debian's package makes, or to `nobody` where there is no such user.

# The newest PostgreSQL server binaries here (15 or later), installing Debian's if there are none.
_pg_bin_dir() {
  local dir=""
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
  elif compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  fi
  if [ -z "$dir" ]; then
    need_apt postgresql >&2
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || die "no initdb after installing postgresql"
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  fi
  local major
  major="$("$dir/initdb" --version | sed -n 's/^initdb (PostgreSQL) \([0-9]*\).*/\1/p')"
  [ -n "$major" ] && [ "$major" -ge 15 ] || die "PostgreSQL 15 or later is needed; $dir/initdb is $("$dir/initdb" --version)"
  echo "$dir"
}

# Runs a command as the cluster's owner (MINGCHU_PG_USER), or as is when that is us.
_pg_as() {
  if [ -z "${MINGCHU_PG_USER:-}" ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u "$MINGCHU_PG_USER" -- "$@"
  else
    su -s /bin/bash "$MINGCHU_PG_USER" -c "$(printf '%q ' "$@")"
  fi
}

setup_postgres() {
  if [ -n "${MINGCHU_TEST_DATABASE:-}" ]; then
    log "PostgreSQL: using MINGCHU_TEST_DATABASE as set"
    return 0
  fi
  command -v python3 >/dev/null || need_apt python3
  MINGCHU_PG_BIN="$(_pg_bin_dir)"
  MINGCHU_PG_USER=""
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then MINGCHU_PG_USER=postgres; else MINGCHU_PG_USER=nobody; fi
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/mingchu-pg.XXXXXX")"
  if [ -n "$MINGCHU_PG_USER" ]; then
    chown "$MINGCHU_PG_USER" "$dir"
    # The owner must reach the folder (a TMPDIR under /root would not do).
    if ! _pg_as test -w "$dir"; then
      rm -rf "$dir"
      dir="$(mktemp -d /tmp/mingchu-pg.XXXXXX)"
      chown "$MINGCHU_PG_USER" "$dir"
    fi
  fi
  MINGCHU_PG_DIR="$dir"
  export MINGCHU_PG_DIR MINGCHU_PG_BIN

  log "PostgreSQL: a throwaway cluster in $dir ($("$MINGCHU_PG_BIN/initdb" --version | sed 's/^initdb (PostgreSQL) /PostgreSQL /')${MINGCHU_PG_USER:+, as $MINGCHU_PG_USER})"
  _pg_as "$MINGCHU_PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # A test cluster: losing it in a crash costs nothing, so nothing is flushed.
  cat >> "$dir/data/postgresql.conf" <<EOF

# scripts/postgres.sh: a throwaway cluster for the tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF

  # A free port, then start on it; another process may take it in between, so a few tries.
  local port="" try
  for try in 1 2 3; do
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if _pg_as "$MINGCHU_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
      break
    fi
    log "PostgreSQL did not start on port $port (try $try of 3)"
    port=""
  done
  [ -n "$port" ] || { cat "$dir/server.log" >&2; stop_postgres; die "PostgreSQL did not start"; }

  export MINGCHU_TEST_DATABASE="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL: $MINGCHU_TEST_DATABASE"
}

# Stops the cluster setup_postgres started (immediately: nothing in it is kept) and removes its
# folder. Safe to call twice, or when nothing was started; never fails, so it fits an EXIT trap.
stop_postgres() {
  local dir="${MINGCHU_PG_DIR:-}"
  [ -n "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin="${MINGCHU_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
    _pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" || true
  unset MINGCHU_PG_DIR MINGCHU_TEST_DATABASE
  return 0
}
