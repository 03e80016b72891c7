#!/usr/bin/env bash
# start-postgres.sh -- start a throwaway PostgreSQL cluster (Debian packages) on 127.0.0.1 for ScimSync's tests.
#
#   start-postgres.sh [--port N] [--data-dir DIR] [--db NAME] [--user NAME] [--password PW]
#                     [--reset] [--durable] [--quiet]
#
# Idempotent: if the cluster in the data dir is already running it prints the connection
# settings and exits 0 (--reset wipes it and starts afresh; otherwise an existing stopped
# cluster is started with its data kept). Creates an application role (default scim/scim,
# CREATEDB so tests can create per-test databases) and database (default scim).
# Writes <data-dir>/env (shell KEY=value lines: PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
# PG_CONNECTION_STRING ...) for tests to source. Stop: stop-postgres.sh.
# As root it runs the server as the 'postgres' user (initdb refuses root); as any other user it
# runs it as that user. Installs the 'postgresql' package with apt-get when run as root and missing.
# The cluster trades durability for speed (fsync, synchronous_commit and full_page_writes off), as tests
# want; --durable keeps PostgreSQL's defaults instead (each commit flushed), for measurements. Either is
# set when the cluster is created: with an existing one, add --reset.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${PG_PORT:-55439}"
DATA_DIR="${PG_DATA_DIR:-}"
PORT_FLAG=0
DATA_DIR_FLAG=0
DB="${PG_DB:-scim}"
APP_USER="${PG_APP_USER:-scim}"
APP_PASSWORD="${PG_APP_PASSWORD:-scim}"
SUPER_PASSWORD="${PG_SUPERUSER_PASSWORD:-postgres}"
RESET=0
DURABLE=0
QUIET=0

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "start-postgres: $*" >&2; exit 1; }
say() { [ "$QUIET" = 1 ] || echo "start-postgres: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; PORT_FLAG=1; shift 2 ;;
    --data-dir) DATA_DIR="$2"; DATA_DIR_FLAG=1; shift 2 ;;
    --db) DB="$2"; shift 2 ;;
    --user) APP_USER="$2"; shift 2 ;;
    --password) APP_PASSWORD="$2"; shift 2 ;;
    --superuser-password) SUPER_PASSWORD="$2"; shift 2 ;;
    --reset) RESET=1; shift ;;
    --durable) DURABLE=1; shift ;;
    --quiet|-q) QUIET=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# --- binaries: newest /usr/lib/postgresql/<major>/bin -------------------------------------
find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BINDIR="${PG_BINDIR:-$(find_bindir)}"
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing postgresql (apt-get)"
    # Where services auto-start, Debian's postinst also creates/starts a 'main' cluster on 5432;
    # it is not used here.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends postgresql >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
    BINDIR="$(find_bindir)"
  fi
  [ -n "$BINDIR" ] && [ -x "$BINDIR/initdb" ] || die "PostgreSQL server binaries not found: apt-get install postgresql (as root)"
fi

# --data-dir wins; an explicit --port ignores an inherited PG_DATA_DIR (e.g. from a sourced env file)
[ "$PORT_FLAG" = 1 ] && [ "$DATA_DIR_FLAG" = 0 ] && DATA_DIR=""
DATA_DIR="${DATA_DIR:-${TMPDIR:-/tmp}/scimsync-pg-$PORT}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PGDATA="$DATA_DIR/pgdata"
MARKER="$DATA_DIR/.scim-pg"
LOG="$DATA_DIR/postgres.log"

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "user 'postgres' missing (install the postgresql package)"
  as_pg() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_pg() { "$@"; }
  OWNER="$(id -un)"
fi

is_running() { [ -f "$PGDATA/PG_VERSION" ] && as_pg "$BINDIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

write_env() {
  local cs="Host=127.0.0.1;Port=$PORT;Username=$APP_USER;Password=$APP_PASSWORD;Database=$DB"
  python3 - "$DATA_DIR/env" <<PY
import shlex, sys
vals = {
  "PGHOST": "127.0.0.1", "PGPORT": "$PORT", "PGUSER": "$APP_USER", "PGPASSWORD": "$APP_PASSWORD",
  "PGDATABASE": "$DB", "PG_CONNECTION_STRING": "$cs",
  "PG_SUPERUSER": "postgres", "PG_SUPERUSER_PASSWORD": "$SUPER_PASSWORD",
  "PG_DATA_DIR": "$DATA_DIR", "PG_BINDIR": "$BINDIR",
}
open(sys.argv[1], "w").write("".join(f"{k}={shlex.quote(v)}\n" for k, v in vals.items()))
PY
}

if is_running; then
  if [ "$RESET" = 0 ]; then
    say "already running (data dir $DATA_DIR)"
    write_env; cat "$DATA_DIR/env"; exit 0
  fi
  say "--reset: stopping"
  "$HERE/stop-postgres.sh" --data-dir "$DATA_DIR" --quiet
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_in_use "$PORT" && die "127.0.0.1:$PORT is already in use (try stop-postgres.sh or --port)"

if [ -n "$(ls -A "$DATA_DIR")" ] && [ ! -e "$MARKER" ]; then
  die "$DATA_DIR is not empty and was not made by this script; choose another --data-dir"
fi
touch "$MARKER"
t0=$(date +%s.%N)
FRESH=0
if [ "$RESET" = 1 ] || [ ! -f "$PGDATA/PG_VERSION" ]; then
  rm -rf "$PGDATA" "$LOG"
  mkdir -p "$PGDATA"
  chown "$OWNER" "$DATA_DIR" "$PGDATA"
  chmod 700 "$PGDATA"
  PWFILE="$DATA_DIR/.pwfile"
  printf '%s\n' "$SUPER_PASSWORD" >"$PWFILE"; chown "$OWNER" "$PWFILE"; chmod 600 "$PWFILE"
  # local (unix socket) connections: trust; TCP: password (scram-sha-256)
  as_pg "$BINDIR/initdb" -D "$PGDATA" -U postgres --pwfile="$PWFILE" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$DATA_DIR/initdb.log" 2>&1 \
    || { cat "$DATA_DIR/initdb.log" >&2; die "initdb failed (can user $OWNER reach $DATA_DIR?)"; }
  rm -f "$PWFILE"
  cat >>"$PGDATA/postgresql.conf" <<EOF
# --- start-postgres.sh: throwaway cluster on 127.0.0.1 ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA_DIR'
max_connections = 200
EOF
  if [ "$DURABLE" = 0 ]; then
    # Tests: durability off for speed.
    printf '%s\n' 'fsync = off' 'synchronous_commit = off' 'full_page_writes = off' >>"$PGDATA/postgresql.conf"
  fi
  FRESH=1
fi

as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start >/dev/null \
  || { tail -20 "$LOG" >&2; die "pg_ctl start failed"; }

if [ "$FRESH" = 1 ]; then
  as_pg "$BINDIR/psql" -h "$DATA_DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -v u="$APP_USER" -v p="$APP_PASSWORD" -v d="$DB" >/dev/null <<'SQL'
CREATE ROLE :"u" LOGIN CREATEDB PASSWORD :'p';
CREATE DATABASE :"d" OWNER :"u";
SQL
fi
t1=$(date +%s.%N)
write_env
say "$(awk -v a="$t0" -v b="$t1" -v dir="$DATA_DIR" -v port="$PORT" -v pid="$(head -1 "$PGDATA/postmaster.pid")" \
  'BEGIN { printf "postgres pid %s on 127.0.0.1:%s ready in %.1fs; data dir %s", pid, port, b-a, dir }')"
cat "$DATA_DIR/env"
