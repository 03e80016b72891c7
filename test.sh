#!/usr/bin/env bash
# Runs every ScimSync test on this machine, doing its own set-up first.
#
#   ./test.sh                 build and run the whole suite
#   ./test.sh --filter Expr   pass a dotnet test filter through
#
# It installs Debian's chromium for the browser tests when it is missing (apt-get, as root; CHROMIUM_PATH picks another
# browser), starts on 127.0.0.1 the services the tests need (PostgreSQL via eng/postgres/, OpenLDAP slapd via eng/ldap/), runs `dotnet test` on the solution, prints one closing line
# `N passed, N failed`, stops the services and exits non-zero when anything failed. With CI=true it also fails
# when a snapshot test wrote a snapshot that is not committed (Snapshooter passes such a test silently).
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log_dir="$root/artifacts/test-logs"
mkdir -p "$log_dir"
output="$log_dir/dotnet-test.log"

pg_data_dir=""
ldap_data_dir=""
cleanup() {
  # Services started for the tests are stopped here; the throwaway PostgreSQL cluster and slapd data are also deleted.
  if [ -n "$pg_data_dir" ]; then
    bash "$root/eng/postgres/stop-postgres.sh" --data-dir "$pg_data_dir" --purge --quiet || true
  fi
  if [ -n "$ldap_data_dir" ]; then
    bash "$root/eng/ldap/stop-slapd.sh" --data-dir "$ldap_data_dir" --purge --quiet || true
  fi
}
trap cleanup EXIT

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install .NET 10 first." >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# chromium for tests/ScimSync.Admin.BrowserTests: Playwright drives this browser and never downloads one. When
# $CHROMIUM_PATH (default /usr/bin/chromium) is missing and apt-get exists, Debian's chromium is installed (log in
# artifacts/test-logs/apt-chromium.log; apt-get update only if the first install fails). Without it the browser tests
# skip, except with CI=true, where a failed install fails the run.
ensure_chromium() {
  local apt_log="$log_dir/apt-chromium.log"
  chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$chromium_path" ] && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  echo "test.sh: $chromium_path is missing; installing Debian's chromium (apt-get, log in $apt_log)"
  : >"$apt_log"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$apt_log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$apt_log" 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$apt_log" 2>&1 || return 1
  fi
  [ -x "$chromium_path" ] && return 0
  # A CHROMIUM_PATH elsewhere stays missing: use the browser the package installed.
  if [ -x /usr/bin/chromium ]; then
    echo "test.sh: $chromium_path is still missing; using /usr/bin/chromium." >&2
    chromium_path=/usr/bin/chromium
    return 0
  fi
  return 1
}
if ensure_chromium; then
  export CHROMIUM_PATH="$chromium_path"
else
  if [ "${CI:-}" = "true" ]; then
    echo "test.sh: chromium is missing at $chromium_path and could not be installed (see $log_dir/apt-chromium.log); with CI=true the run fails." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: chromium is missing at $chromium_path and could not be installed; the browser tests will be skipped." >&2
fi

# PostgreSQL for tests/ScimSync.Stores.PostgreSql.Tests: a private cluster on 127.0.0.1 in a data dir of its own (so a
# concurrent run never shares or stops it), on the first free port from 55439. Without it those tests skip, except
# with CI=true, where a failed start fails the run.
start_postgres() {
  local port dir
  for port in $(seq "${PG_PORT:-55439}" $(( ${PG_PORT:-55439} + 9 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    dir="${TMPDIR:-/tmp}/scimsync-test-pg-$$-$port"
    pg_data_dir="$dir"
    if bash "$root/eng/postgres/start-postgres.sh" --port "$port" --data-dir "$dir" --quiet >/dev/null; then
      set -a; . "$dir/env"; set +a
      echo "test.sh: PostgreSQL on 127.0.0.1:$port (data dir $dir)"
      return 0
    fi
    bash "$root/eng/postgres/stop-postgres.sh" --data-dir "$dir" --purge --quiet || true
    pg_data_dir=""
  done
  return 1
}
if ! start_postgres; then
  if [ "${CI:-}" = "true" ]; then
    echo "test.sh: could not start PostgreSQL (eng/postgres/start-postgres.sh); with CI=true the run fails." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: could not start PostgreSQL; the PostgreSQL store tests will be skipped." >&2
  unset PG_CONNECTION_STRING
fi

# OpenLDAP (slapd) for tests/ScimSync.Ldap.Tests: a private server on 127.0.0.1 with generated users and groups, in a
# data dir of its own, on the first free port pair from 10389/10636. Without it the LDAP tests skip, except with
# CI=true, where a failed start fails the run.
start_ldap() {
  local i port tls_port dir
  for i in $(seq 0 9); do
    port=$(( ${LDAP_PORT:-10389} + i ))
    tls_port=$(( ${LDAPS_PORT:-10636} + i ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && continue
    dir="${TMPDIR:-/tmp}/scimsync-test-ldap-$$-$port"
    ldap_data_dir="$dir"
    if bash "$root/eng/ldap/start-slapd.sh" --port "$port" --tls-port "$tls_port" --data-dir "$dir" --quiet >/dev/null; then
      set -a; . "$dir/env"; set +a
      echo "test.sh: OpenLDAP on 127.0.0.1:$port and :$tls_port (data dir $dir)"
      return 0
    fi
    bash "$root/eng/ldap/stop-slapd.sh" --data-dir "$dir" --purge --quiet || true
    ldap_data_dir=""
  done
  return 1
}
if ! start_ldap; then
  if [ "${CI:-}" = "true" ]; then
    echo "test.sh: could not start OpenLDAP (eng/ldap/start-slapd.sh); with CI=true the run fails." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: could not start OpenLDAP; the LDAP tests will be skipped." >&2
  unset LDAP_URL LDAP_HOST LDAP_PORT LDAPS_URL LDAPS_PORT LDAP_CA_CERT
fi

dotnet test "$root/ScimSync.sln" --configuration Release "$@" 2>&1 | tee "$output"
test_status=${PIPESTATUS[0]}

# Sum dotnet's per-project "Passed!/Failed!" lines into the one closing line CI reads.
read -r passed failed < <(awk '
  /(Passed!|Failed!)[[:space:]]+-[[:space:]]+Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") { gsub(",", "", $(i+1)); f += $(i+1) }
      if ($i == "Passed:") { gsub(",", "", $(i+1)); p += $(i+1) }
    }
  }
  END { printf "%d %d\n", p, f }' "$output")

status=$test_status
# A project that did not build (or a test host that crashed) reports no "Failed:" line: count it as a failure, so the
# closing line never says "0 failed" for a run that failed.
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test failed (exit $test_status) without a failing test: a build error or a crashed test host; see $output." >&2
  failed=1
fi
if [ "${CI:-}" = "true" ] && command -v git >/dev/null 2>&1 && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  new_snapshots=$(git -C "$root" status --porcelain --untracked-files=all | grep '__snapshots__/' || true)
  if [ -n "$new_snapshots" ]; then
    echo "test.sh: the run wrote snapshots that are not committed (a snapshot test compared against nothing):" >&2
    echo "$new_snapshots" >&2
    status=1
    failed=$((failed + 1))
  fi
fi

if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran." >&2
  status=1
fi

echo "$passed passed, $failed failed"
exit "$status"
