#!/usr/bin/env bash
# start-slapd.sh -- start a throwaway OpenLDAP (Debian slapd) on 127.0.0.1, loaded with test data,
# for ScimSync.Ldap's tests (./test.sh starts one per run).
#
#   start-slapd.sh [--port N] [--tls-port N] [--data-dir DIR] [--users N] [--groups N]
#                  [--ldif FILE] [--no-tls] [--no-ad] [--no-edge-cases] [--reset] [--quiet]
#
# Idempotent: if a slapd started by this script for the same data dir is already running, it
# prints the connection settings and exits 0 (use --reset to wipe it and start afresh).
# Otherwise it (re)creates config + database in the data dir, loads the generated LDIF
# (gen-ldif.py) and/or --ldif FILE, starts slapd in the background and waits until it answers.
# Writes <data-dir>/env (shell KEY=value lines) for tests to source. Stop: stop-slapd.sh.
# Needs slapd + ldap-utils + openssl + python3; installs slapd/ldap-utils with apt-get when
# run as root and they are missing. Runs as the invoking user (root in CI is fine).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PORT="${LDAP_PORT:-10389}"
TLS_PORT="${LDAPS_PORT:-10636}"
DATA_DIR="${LDAP_DATA_DIR:-}"
PORT_FLAG=0
DATA_DIR_FLAG=0
BASE_DN="${LDAP_BASE_DN:-dc=example,dc=org}"
ADMIN_PASSWORD="${LDAP_ADMIN_PASSWORD:-admin}"
USER_PASSWORD="${LDAP_USER_PASSWORD:-Passw0rd!}"
USERS="${LDAP_USERS:-2000}"
GROUPS_N="${LDAP_GROUPS:-20}"
LOGLEVEL="${LDAP_LOGLEVEL:-none}"     # slapd -d level ("none" = errors only); "stats" logs every operation to <data-dir>/slapd.log
SLAPD="${SLAPD:-/usr/sbin/slapd}"
EXTRA_LDIF=""
TLS=1
GEN_ARGS=()
RESET=0
QUIET=0

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "start-slapd: $*" >&2; exit 1; }
say() { [ "$QUIET" = 1 ] || echo "start-slapd: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; PORT_FLAG=1; shift 2 ;;
    --tls-port) TLS_PORT="$2"; shift 2 ;;
    --data-dir) DATA_DIR="$2"; DATA_DIR_FLAG=1; shift 2 ;;
    --base-dn) BASE_DN="$2"; shift 2 ;;
    --admin-password) ADMIN_PASSWORD="$2"; shift 2 ;;
    --user-password) USER_PASSWORD="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --groups) GROUPS_N="$2"; shift 2 ;;
    --ldif) EXTRA_LDIF="$2"; shift 2 ;;
    --no-tls) TLS=0; shift ;;
    --no-ad) GEN_ARGS+=(--no-ad); shift ;;
    --no-edge-cases) GEN_ARGS+=(--no-edge-cases); shift ;;
    --reset) RESET=1; shift ;;
    --quiet|-q) QUIET=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# --data-dir wins; an explicit --port ignores an inherited LDAP_DATA_DIR (e.g. from a sourced env file)
[ "$PORT_FLAG" = 1 ] && [ "$DATA_DIR_FLAG" = 0 ] && DATA_DIR=""
DATA_DIR="${DATA_DIR:-${TMPDIR:-/tmp}/scim-slapd-$PORT}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
MARKER="$DATA_DIR/.scim-slapd"
PIDFILE="$DATA_DIR/slapd.pid"
ADMIN_DN="cn=admin,$BASE_DN"
LDAP_URL="ldap://127.0.0.1:$PORT"
LDAPS_URL="ldaps://127.0.0.1:$TLS_PORT"

# --- prerequisites ---------------------------------------------------------------------
if [ ! -x "$SLAPD" ] || ! command -v ldapadd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing slapd ldap-utils (apt-get)"
    # Non-interactive: preseed debconf so the package's postinst asks nothing and creates no
    # system directory of its own (no slapd on port 389). This script brings its own config.
    export DEBIAN_FRONTEND=noninteractive
    if command -v debconf-set-selections >/dev/null 2>&1; then
      echo "slapd slapd/no_configuration boolean true" | debconf-set-selections || true
    fi
    apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null; }
  else
    die "$SLAPD or ldapadd missing: apt-get install slapd ldap-utils (as root)"
  fi
fi
for tool in python3 ldapsearch slappasswd; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || die "$tool not found"
done
SLAPPASSWD="$(command -v slappasswd || echo /usr/sbin/slappasswd)"
[ "$TLS" = 0 ] || command -v openssl >/dev/null 2>&1 || die "openssl not found (or use --no-tls)"

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # make sure the pid is really a slapd using this data dir's config
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DATA_DIR/slapd.conf" || return 1
  echo "$pid"
}

print_env() {
  if [ -f "$DATA_DIR/env" ]; then cat "$DATA_DIR/env"; else say "warning: $DATA_DIR/env missing (an earlier start failed? use --reset)"; fi
}

if pid="$(running_pid)"; then
  if [ "$RESET" = 0 ]; then
    say "already running (pid $pid, data dir $DATA_DIR)"
    print_env
    exit 0
  fi
  say "--reset: stopping pid $pid"
  "$HERE/stop-slapd.sh" --data-dir "$DATA_DIR" --quiet
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" $([ "$TLS" = 1 ] && echo "$TLS_PORT"); do
  port_in_use "$p" && die "127.0.0.1:$p is already in use (another slapd? try stop-slapd.sh or --port/--tls-port)"
done

# --- fresh data dir (the TLS CA/cert in <data-dir>/tls is kept, so clients can keep trusting it) ---
if [ -n "$(ls -A "$DATA_DIR")" ] && [ ! -e "$MARKER" ]; then
  die "$DATA_DIR is not empty and was not made by this script; choose another --data-dir"
fi
rm -rf "$DATA_DIR/db" "$DATA_DIR/slapd.conf" "$DATA_DIR/ad-lite.schema" \
       "$DATA_DIR/data.ldif" "$DATA_DIR/env" "$DATA_DIR/slapd.log" "$DATA_DIR/slapd.pid" "$DATA_DIR/slapd.args"
touch "$MARKER"
mkdir -p "$DATA_DIR/db"
cp "$HERE/ad-lite.schema" "$DATA_DIR/ad-lite.schema"
t0=$(date +%s.%N)

# --- TLS: a throwaway CA and a server certificate for localhost / 127.0.0.1 -----------
LISTEN="ldap://127.0.0.1:$PORT/"
TLS_CONF=""
T="$DATA_DIR/tls"
GEN_TLS=0
if [ "$TLS" = 1 ]; then
  for f in ca.crt server.crt server.key; do [ -s "$T/$f" ] || GEN_TLS=1; done
fi
if [ "$GEN_TLS" = 1 ]; then
  rm -rf "$T"; mkdir -p "$T"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=scim-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$T/server.ext"
  openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
    -days 3650 -extfile "$T/server.ext" -out "$T/server.crt" 2>/dev/null
  chmod 600 "$T"/*.key
fi
if [ "$TLS" = 1 ]; then
  LISTEN="$LISTEN ldaps://127.0.0.1:$TLS_PORT/"
  TLS_CONF="TLSCACertificateFile $T/ca.crt
TLSCertificateFile $T/server.crt
TLSCertificateKeyFile $T/server.key"
fi

# --- slapd.conf -------------------------------------------------------------------------
ROOTPW="$("$SLAPPASSWD" -s "$ADMIN_PASSWORD")"
cat >"$DATA_DIR/slapd.conf" <<EOF
# generated by start-slapd.sh -- throwaway test server, do not use in production
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $DATA_DIR/ad-lite.schema

pidfile  $DATA_DIR/slapd.pid
argsfile $DATA_DIR/slapd.args

modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint

$TLS_CONF

database mdb
suffix   "$BASE_DN"
rootdn   "$ADMIN_DN"
rootpw   $ROOTPW
directory $DATA_DIR/db
maxsize  1073741824
# test server: skip fsync on every write (much faster load; data lost on a crash is fine)
dbnosync
# AD-like limits: 1000 entries without paging, page size <= 1000, unlimited total when paging.
# (The rootdn is not subject to limits.)
limits users size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited

index objectClass eq
index uid,mail,cn,sn,givenName,displayName,sAMAccountName,userPrincipalName eq,sub
index member,memberOf,manager,objectGUID,employeeNumber,entryUUID eq

# users can read everything but passwords; anonymous can only bind (like AD)
access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by users read
  by * none

overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE

overlay refint
refint_attributes member manager
EOF
"$SLAPD" -Tt -u -f "$DATA_DIR/slapd.conf" >/dev/null 2>"$DATA_DIR/configtest.log" \
  || { cat "$DATA_DIR/configtest.log" >&2; die "slapd config test failed"; }

# --- start ------------------------------------------------------------------------------
# -d keeps slapd in the foreground and sends its log to stderr -> <data-dir>/slapd.log;
# setsid + & detach it from this script and its terminal (it keeps running after we exit).
setsid "$SLAPD" -d "$LOGLEVEL" -f "$DATA_DIR/slapd.conf" -h "$LISTEN" \
  >>"$DATA_DIR/slapd.log" 2>&1 </dev/null &
SLAPD_PID=$!
up=0
for _ in $(seq 1 150); do
  if ! kill -0 "$SLAPD_PID" 2>/dev/null && ! running_pid >/dev/null; then
    tail -20 "$DATA_DIR/slapd.log" >&2
    die "slapd exited during startup (port $PORT or $TLS_PORT in use?)"
  fi
  if ldapsearch -x -H "$LDAP_URL" -b "" -s base -LLL namingContexts >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
[ "$up" = 1 ] || die "slapd did not answer on $LDAP_URL within 15 s (see $DATA_DIR/slapd.log)"
SLAPD_PID="$(running_pid || echo "$SLAPD_PID")"
t1=$(date +%s.%N)

# --- load data (online, so the memberof overlay fills in memberOf) ----------------------
load_failed() {
  "$HERE/stop-slapd.sh" --data-dir "$DATA_DIR" --quiet || true
  die "$1 (slapd stopped again)"
}
python3 "$HERE/gen-ldif.py" --base-dn "$BASE_DN" --users "$USERS" --groups "$GROUPS_N" \
  --user-password "$USER_PASSWORD" ${GEN_ARGS[@]+"${GEN_ARGS[@]}"} -o "$DATA_DIR/data.ldif" 2>"$DATA_DIR/gen.log" \
  || { cat "$DATA_DIR/gen.log" >&2; load_failed "gen-ldif.py failed"; }
[ "$QUIET" = 1 ] || cat "$DATA_DIR/gen.log" >&2
ldapadd -x -H "$LDAP_URL" -D "$ADMIN_DN" -w "$ADMIN_PASSWORD" -f "$DATA_DIR/data.ldif" >/dev/null \
  || load_failed "loading $DATA_DIR/data.ldif failed"
if [ -n "$EXTRA_LDIF" ]; then
  ldapadd -x -H "$LDAP_URL" -D "$ADMIN_DN" -w "$ADMIN_PASSWORD" -f "$EXTRA_LDIF" >/dev/null \
    || load_failed "loading $EXTRA_LDIF failed"
fi
t2=$(date +%s.%N)

cat >"$DATA_DIR/env" <<EOF
LDAP_URL=$LDAP_URL
LDAP_HOST=127.0.0.1
LDAP_PORT=$PORT
LDAP_BASE_DN=$BASE_DN
LDAP_BIND_DN=$ADMIN_DN
LDAP_BIND_PASSWORD=$ADMIN_PASSWORD
LDAP_USER_PASSWORD=$USER_PASSWORD
LDAP_DATA_DIR=$DATA_DIR
EOF
if [ "$TLS" = 1 ]; then
  cat >>"$DATA_DIR/env" <<EOF
LDAPS_URL=$LDAPS_URL
LDAPS_PORT=$TLS_PORT
LDAP_CA_CERT=$DATA_DIR/tls/ca.crt
EOF
fi
# shell-quote values so "source <data-dir>/env" is safe with spaces/special chars
python3 - "$DATA_DIR/env" <<'PY'
import shlex, sys
p = sys.argv[1]
lines = [l.rstrip("\n").split("=", 1) for l in open(p) if "=" in l]
open(p, "w").write("".join(f"{k}={shlex.quote(v)}\n" for k, v in lines))
PY

say "$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v pid="$SLAPD_PID" -v url="$LDAP_URL" \
  -v tls="$([ "$TLS" = 1 ] && echo " + $LDAPS_URL")" -v dir="$DATA_DIR" \
  'BEGIN { printf "slapd pid %s on %s%s; setup+start %.1fs, load %.1fs; data dir %s", pid, url, tls, b-a, c-b, dir }')"
print_env
