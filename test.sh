#!/usr/bin/env bash
# Runs every ScimSync test on this machine, doing its own set-up first.
#
#   ./test.sh                 build and run the whole suite
#   ./test.sh --filter Expr   pass a dotnet test filter through
#
# It starts on 127.0.0.1 the services the tests need, runs `dotnet test` on the solution, prints one closing line
# `N passed, N failed`, stops the services and exits non-zero when anything failed. With CI=true it also fails
# when a snapshot test wrote a snapshot that is not committed (Snapshooter passes such a test silently).
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log_dir="$root/artifacts/test-logs"
mkdir -p "$log_dir"
output="$log_dir/dotnet-test.log"

cleanup() {
  # Services started for the tests are stopped here (none are needed by the current suite).
  :
}
trap cleanup EXIT

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install .NET 10 first." >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

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
