#!/usr/bin/env bash
# Fuzzes one target of tests/ScimSync.Fuzz for a number of seconds.
#
#   eng/fuzz/run-fuzz.sh <filter|path|patch|resource> <seconds> [afl|builtin]
#
# With afl-fuzz (Debian: afl++) and the SharpFuzz tool (dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0)
# on the machine it runs AFL over an instrumented ScimSync.Abstractions.dll; otherwise, or with "builtin", the
# harness's own coverage-blind mutation loop. Crashing inputs land in artifacts/fuzz/<target>/crash-*; replay them with
#   dotnet artifacts/fuzz/bin/ScimSync.Fuzz.dll <target> --replay artifacts/fuzz/<target>
# Extra arguments for the built-in loop (for example --seed 42) can be given in FUZZ_ARGS.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi

target=$1
seconds=$2
mode=${3:-auto}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$root/tests/ScimSync.Fuzz/corpus/$target"
out="$root/artifacts/fuzz/$target"
bin="$root/artifacts/fuzz/bin"

if [[ ! -d "$corpus" ]]; then
  echo "unknown target '$target': no $corpus" >&2
  exit 2
fi

dotnet build "$root/tests/ScimSync.Fuzz/ScimSync.Fuzz.csproj" -c Release -o "$bin" --nologo -v q -clp:ErrorsOnly
mkdir -p "$out"
export PATH="$PATH:$HOME/.dotnet/tools"

if [[ $mode == auto ]]; then
  if command -v afl-fuzz >/dev/null && command -v sharpfuzz >/dev/null; then mode=afl; else mode=builtin; fi
fi

echo "fuzz $target for $seconds s ($mode), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [[ $mode == afl ]]; then
  # Instrument a copy, so the plain build stays usable for replays and the built-in loop.
  afl_bin="$root/artifacts/fuzz/bin-afl"
  rm -rf "$afl_bin"
  cp -r "$bin" "$afl_bin"
  sharpfuzz "$afl_bin/ScimSync.Abstractions.dll"
  # dotnet is not an AFL-instrumented binary; the instrumentation is in the managed code SharpFuzz rewrote.
  # A new session each run; crashes from earlier runs stay as $out/crash-*.
  rm -rf "$out/afl"
  status=0
  AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
    afl-fuzz -i "$corpus" -o "$out/afl" -V "$seconds" -t 10000 -m none \
    -- dotnet "$afl_bin/ScimSync.Fuzz.dll" "$target" --afl || status=$?
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs) ' "$out/afl/default/fuzzer_stats" || true
  for crash in "$out"/afl/default/crashes/id:*; do
    [[ -e $crash ]] || continue
    cp "$crash" "$out/crash-$(sha256sum "$crash" | cut -c1-16)"
  done
  if compgen -G "$out/crash-*" >/dev/null; then
    echo "crashing inputs saved in $out" >&2
    exit 1
  fi
  exit $status
fi

# shellcheck disable=SC2086 # FUZZ_ARGS is a list of arguments.
dotnet "$bin/ScimSync.Fuzz.dll" "$target" --seconds "$seconds" --corpus "$corpus" --out "$out" ${FUZZ_ARGS:-}
