# shellcheck shell=bash
# pg_cluster.sh: a throwaway PostgreSQL cluster for the tests, sourced by
# tests/run.sh (and usable by hand: `source tests/pg_cluster.sh; pg_start`).
#
#   pg_start   initdb and pg_ctl in a new temporary folder; the server
#              listens on a Unix socket in that folder only (no TCP). As
#              root it runs as the unprivileged `postgres` user (runuser).
#              Sets BLUEHELM_TEST_PG (the socket folder) and
#              BLUEHELM_TEST_PG_USER (the superuser, bh, trusted on the
#              socket); a second role, bhpw, needs the password
#              'bh-test-password' (for the wrong-password test).
#              Returns 1 with PG_SKIP_REASON set when PostgreSQL is not
#              installed or does not start.
#   pg_stop    stops the server and removes the folder.
#
# The test cluster trades durability for speed (fsync off): it lives for one
# run. PG_SETTINGS replaces those settings (the benchmarks keep fsync on).

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# pg_as CMD...: runs CMD as the cluster's owner (postgres when we are root).
pg_as() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  PG_SKIP_REASON=""
  local bin
  if ! bin=$(pg_bindir); then
    PG_SKIP_REASON="PostgreSQL is not installed (scripts/deps.sh test installs it)"
    return 1
  fi
  if ! command -v psql >/dev/null; then
    PG_SKIP_REASON="psql is not installed (scripts/deps.sh test installs postgresql)"
    return 1
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    PG_SKIP_REASON="running as root and there is no unprivileged postgres user to run the server"
    return 1
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bh-pg.XXXXXX")
  chmod 755 "$PG_DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres "$PG_DIR"
  if ! pg_as "$bin/initdb" -D "$PG_DIR/data" -U bh -A trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
    PG_SKIP_REASON="initdb failed: $(tail -3 "$PG_DIR/initdb.log" | tr '\n' ' ')"
    rm -rf "$PG_DIR"
    return 1
  fi
  # The password role first: pg_hba.conf is read top down.
  { echo "local all bhpw scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$PG_DIR/hba.tmp"
  pg_as cp "$PG_DIR/hba.tmp" "$PG_DIR/data/pg_hba.conf"
  if ! pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c max_connections=200 \
          ${PG_SETTINGS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}" >/dev/null 2>&1; then
    PG_SKIP_REASON="the server did not start: $(tail -3 "$PG_DIR/server.log" | tr '\n' ' ')"
    rm -rf "$PG_DIR"
    return 1
  fi
  PG_BIN=$bin
  export BLUEHELM_TEST_PG=$PG_DIR BLUEHELM_TEST_PG_USER=bh
  psql -X -q -h "$PG_DIR" -U bh -d postgres -c "CREATE ROLE bhpw LOGIN SUPERUSER PASSWORD 'bh-test-password'" >/dev/null
  return 0
}

pg_stop() {
  [[ -n "${PG_DIR:-}" && -d "$PG_DIR" ]] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  unset BLUEHELM_TEST_PG BLUEHELM_TEST_PG_USER PG_DIR
}
