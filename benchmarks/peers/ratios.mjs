// Prints ScimSync's BenchmarkDotNet figures beside the JavaScript peers measured in the same run (before and after
// it), as the ratios issue 12 sets targets on. Usage: node ratios.mjs <peers-before.json> <peers-after.json> <bdn-dir>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [beforeFile, afterFile, bdnDir] = process.argv.slice(2);
const peers = [JSON.parse(readFileSync(beforeFile, 'utf8')), JSON.parse(readFileSync(afterFile, 'utf8'))];
const peer = index => {
  const figures = peers.map(p => p.results[index].operationsPerSecond);
  return { mean: (figures[0] + figures[1]) / 2, figures };
};

const ours = new Map();
for (const file of readdirSync(bdnDir).filter(f => f.endsWith('-report-full-compressed.json'))) {
  for (const b of JSON.parse(readFileSync(join(bdnDir, file), 'utf8')).Benchmarks) {
    ours.set(`${b.Type}.${b.Method}`, { mean: b.Statistics.Mean, median: b.Statistics.Median, allocated: b.Memory?.BytesAllocatedPerOperation });
  }
}

const rows = [
  ['filter parse, per filter of filters.json', 'FilterBenchmarks.ParseSet', 0, 5, 10],
  ['5-op Entra user PATCH on a copy of the user', 'PatchBenchmarks.CopyAndApplyUser5Op', 1, 5],
  ['5-op Entra user PATCH, body parsed from UTF-8 too', 'PatchBenchmarks.CopyParseAndApplyUser5Op', 1, 5],
  ['+100 members on the 400-member group held as JSON', 'PatchBenchmarks.CopyAndApplyGroupAdd100', 2, 50],
  ['+100 members, the server\'s path (one reader pass; the group is not read)', 'PatchBenchmarks.ReadGroupAdd100MembershipChangeSinglePass', 2, 50],
];

console.log('| operation | ScimSync mean | allocated | ScimSync ops/s | peer ops/s (before / after) | ratio | target |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [label, key, peerIndex, target, aim] of rows) {
  const o = ours.get(key);
  if (!o) { console.log(`| ${label} | not run | | | | | ${target}x |`); continue; }
  const perSecond = 1e9 / o.mean;
  const p = peer(peerIndex);
  const ratio = perSecond / p.mean;
  const time = o.mean >= 1000 ? `${(o.mean / 1000).toFixed(2)} µs` : `${o.mean.toFixed(0)} ns`;
  const n = x => Math.round(x).toLocaleString('en-US');
  console.log(`| ${label} | ${time} | ${n(o.allocated ?? 0)} B | ${n(perSecond)} | ${n(p.figures[0])} / ${n(p.figures[1])} | ${ratio.toFixed(1)}x | ${target}x${aim ? ` (aim ${aim}x)` : ''} |`);
}
