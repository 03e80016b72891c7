// The JavaScript peers of issue 12, measured on the same inputs as ScimSync's BenchmarkDotNet run, so the ratios in
// docs/performance.md are paired: scim2-parse-filter (filter parsing) and scim-patch (PATCH).
// Usage: npm ci && node bench.mjs [--json out.json] [--seconds 2]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parse } from 'scim2-parse-filter';
import { scimPatch } from 'scim-patch';

const here = dirname(fileURLToPath(import.meta.url));
const input = name => JSON.parse(readFileSync(join(here, '..', 'inputs', name), 'utf8'));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : fallback);
const seconds = Number(option('--seconds', '2'));

const filters = input('filters.json').filters.map(f => f.filter);
const user = input('patch_target_user.json').resource;
const group = input('patch_target_group.json').resource;
const userPatch = input('patch_entra_5op.json').patch;
const groupPatch = input('patch_entra_group_add100.json').patch;

// Each case is checked once before it is timed, so a figure is never that of a failing call.
const cases = [
  {
    name: 'scim2-parse-filter: parse one filter of filters.json',
    perCall: filters.length,
    check: () => filters.forEach(f => { if (!parse(f)) throw new Error('no result for ' + f); }),
    run: () => { for (const f of filters) parse(f); },
  },
  {
    name: 'scim-patch: patch_entra_5op.json on patch_target_user.json (mutateDocument: false)',
    perCall: 1,
    check: () => {
      const patched = scimPatch(user, userPatch.Operations, { mutateDocument: false });
      if (patched.displayName === user.displayName) throw new Error('the user PATCH changed nothing');
    },
    run: () => scimPatch(user, userPatch.Operations, { mutateDocument: false }),
  },
  {
    name: 'scim-patch: patch_entra_group_add100.json on the 400-member patch_target_group.json (mutateDocument: false)',
    perCall: 1,
    check: () => {
      const patched = scimPatch(group, groupPatch.Operations, { mutateDocument: false });
      if (patched.members.length !== group.members.length + 100) throw new Error(`expected ${group.members.length + 100} members, got ${patched.members.length}`);
    },
    run: () => scimPatch(group, groupPatch.Operations, { mutateDocument: false }),
  },
];

const results = [];
for (const c of cases) {
  c.check();
  // Warm up (the JIT), then five timed rounds; the median round is reported.
  const until = performance.now() + 500;
  while (performance.now() < until) c.run();
  const rounds = [];
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const start = performance.now();
    const end = start + (seconds * 1000) / 5;
    while (performance.now() < end) { c.run(); calls++; }
    rounds.push((calls * c.perCall * 1000) / (performance.now() - start));
  }
  rounds.sort((a, b) => a - b);
  results.push({ name: c.name, operationsPerSecond: Math.round(rounds[2]), rounds: rounds.map(Math.round) });
  console.log(`${c.name}: ${Math.round(rounds[2]).toLocaleString('en-US')} /s (rounds ${rounds.map(r => Math.round(r)).join(', ')})`);
}

const out = option('--json');
if (out) writeFileSync(out, JSON.stringify({ node: process.version, results }, null, 2));
