#!/usr/bin/env bash
# stop-postgres.sh -- stop a cluster started by start-postgres.sh.
#
#   stop-postgres.sh [--port N | --data-dir DIR] [--purge] [--quiet]
#
# pg_ctl stop -m fast on <data-dir>/pgdata (as 'postgres' when run as root). --purge also
# deletes the data dir (only if start-postgres.sh made it). Exits 0 when nothing is running.
set -euo pipefail
PORT="${PG_PORT:-55439}"
DATA_DIR="${PG_DATA_DIR:-}"
PORT_FLAG=0
DATA_DIR_FLAG=0
PURGE=0
QUIET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; PORT_FLAG=1; shift 2 ;;
    --data-dir) DATA_DIR="$2"; DATA_DIR_FLAG=1; shift 2 ;;
    --purge) PURGE=1; shift ;;
    --quiet|-q) QUIET=1; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop-postgres: unknown argument: $1" >&2; exit 1 ;;
  esac
done
say() { [ "$QUIET" = 1 ] || echo "stop-postgres: $*" >&2; }
# --data-dir wins; an explicit --port ignores an inherited PG_DATA_DIR (e.g. from a sourced env file)
[ "$PORT_FLAG" = 1 ] && [ "$DATA_DIR_FLAG" = 0 ] && DATA_DIR=""
DATA_DIR="${DATA_DIR:-${TMPDIR:-/tmp}/scimsync-pg-$PORT}"
if [ ! -d "$DATA_DIR" ]; then say "no data dir $DATA_DIR; nothing to stop"; exit 0; fi
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PGDATA="$DATA_DIR/pgdata"
BINDIR="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

if [ -f "$PGDATA/PG_VERSION" ] && [ -x "$BINDIR/pg_ctl" ] && as_pg "$BINDIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  say "stopped postgres in $DATA_DIR"
else
  say "no postgres running in $DATA_DIR"
fi
if [ "$PURGE" = 1 ]; then
  if [ -e "$DATA_DIR/.scim-pg" ]; then rm -rf "$DATA_DIR"; say "removed $DATA_DIR"
  else say "not removing $DATA_DIR: not made by start-postgres.sh"; fi
fi
