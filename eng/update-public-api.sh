#!/usr/bin/env bash
# Records new public API in each package's PublicAPI.Unshipped.txt (what RS0016 reports), and drops entries RS0017
# says no longer exist, so that reviews show every API change as a diff of those files.
# Usage: eng/update-public-api.sh [project.csproj ...]   (default: every project under src/)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  mapfile -t projects < <(find src -name '*.csproj' | sort)
fi
for p in "${projects[@]}"; do
  dir=$(dirname "$p")
  # Sorted and without duplicates (a union merge of two branches' additions can repeat lines: RS0025).
  python3 - "$dir/PublicAPI.Unshipped.txt" <<'PY'
import sys
path = sys.argv[1]
lines = [l for l in open(path).read().splitlines() if l and l != '#nullable enable']
open(path, 'w').write('#nullable enable\n' + ''.join(l + '\n' for l in sorted(set(lines))))
PY
  for pass in 1 2 3; do
    log=$(dotnet build "$p" --no-incremental -v q -clp:NoSummary 2>&1 || true)
    added=$(grep -oP "error RS0016: Symbol '\K.*?(?=' is not part of the declared public API)" <<<"$log" | sort -u || true)
    removed=$(grep -oP "error RS0017: Symbol '\K.*?(?=' is part of the declared API, but is either not public or could not be found)" <<<"$log" | sort -u || true)
    [ -z "$added$removed" ] && break
    python3 - "$dir/PublicAPI.Unshipped.txt" "$added" "$removed" <<'PY'
import sys
path, added, removed = sys.argv[1], sys.argv[2], sys.argv[3]
lines = [l for l in open(path).read().splitlines() if l and l != '#nullable enable']
gone = set(x for x in removed.splitlines() if x)
lines = [l for l in lines if l not in gone]
lines = sorted(set(lines) | set(x for x in added.splitlines() if x))
open(path, 'w').write('#nullable enable\n' + ''.join(l + '\n' for l in lines))
PY
  done
done
