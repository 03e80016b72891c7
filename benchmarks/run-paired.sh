#!/usr/bin/env bash
# Runs the core benchmarks and their JavaScript peers side by side on the same inputs (peers, ScimSync, peers again)
# and prints the ratios of docs/performance.md. The machine's speed drifts: only ratios from one run compare.
# Usage: bash benchmarks/run-paired.sh [--job short|medium]   (needs Node.js and npm for the peers)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job=short
if [[ "${1:-}" == "--job" ]]; then job="$2"; fi
out="$here/../artifacts/benchmarks/paired-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

(cd "$here/peers" && npm ci --no-audit --no-fund --silent)
node "$here/peers/bench.mjs" --json "$out/peers-before.json"
(cd "$here/ScimSync.Benchmarks" && dotnet run -c Release -- \
  --filter '*FilterBenchmarks.ParseSet*' '*PatchBenchmarks.CopyAndApply*' '*PatchBenchmarks.CopyParseAndApply*' '*PatchBenchmarks.ReadGroupAdd100*' \
  --job "$job" --exporters json --artifacts "$out/bdn")
node "$here/peers/bench.mjs" --json "$out/peers-after.json"
node "$here/peers/ratios.mjs" "$out/peers-before.json" "$out/peers-after.json" "$out/bdn/results" | tee "$out/ratios.md"
echo "Saved in $out"
