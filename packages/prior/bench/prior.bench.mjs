// Prior benchmark: tagging throughput and peak memory (BENCH.md "prior").
// Run: pnpm --filter @vqct/prior bench   (after a build; options: --lines N, --single N)
// Each measurement runs in its own Node process so peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quick, report } from '../../../bench/lib.mjs';

const self = fileURLToPath(import.meta.url);
const dist = new URL('../dist/node/index.js', import.meta.url).href;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

async function child(kind, a, b) {
  const m = await import(dist);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  if (kind === 'tag') {
    const stats = await m.tagCorpus(m.openCorpus(a, 'text').descriptions(), { workers: Number(b) });
    n = stats.descriptions;
  } else if (kind === 'wink') {
    const words = JSON.parse(readFileSync(a, 'utf8')).map((word) => ({ word, pos: 'noun' }));
    const r = await m.winkEmbeddings().lookup(words);
    n = r.vectors.filter(Boolean).length;
  } else if (kind === 'cache') {
    const words = JSON.parse(readFileSync(a, 'utf8')).map((word) => ({ word, pos: 'noun' }));
    const r = await m.resolveEmbeddingSource('wink', { cacheFile: b }).lookup(words);
    n = r.vectors.filter(Boolean).length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0); // all threads of this process, workers included
  process.stdout.write(JSON.stringify({ n, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function run(...args) {
  return JSON.parse(execFileSync(process.execPath, [self, '--child', ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], process.argv[5]);
  const { defaultCorpus } = await import(dist);
  const dir = mkdtempSync(join(tmpdir(), 'vqct-bench-'));
  const wanted = arg('--lines', quick ? 2_000 : 120_000);
  // Real text: WordNet glosses and examples of every lexicographer file, repeated if needed.
  const lines = [];
  for await (const d of defaultCorpus({ lexFiles: { adj: [0, 1, 44], noun: Array.from({ length: 26 }, (_, i) => i + 3) } }).descriptions()) lines.push(d.text);
  const corpus = join(dir, 'corpus.txt');
  const all = [];
  while (all.length < wanted) all.push(...lines.slice(0, wanted - all.length));
  writeFileSync(corpus, `${all.join('\n')}\n`);
  const single = join(dir, 'single.txt');
  writeFileSync(single, `${all.slice(0, arg('--single', quick ? 500 : 20_000)).join('\n')}\n`);
  const words = JSON.parse(JSON.stringify([...new Set(all.join(' ').toLowerCase().split(/[^a-z]+/))].slice(0, quick ? 500 : 5000)));
  const wordsFile = join(dir, 'words.json');
  writeFileSync(wordsFile, JSON.stringify(words));
  const cacheFile = join(dir, 'cache.safetensors');

  const rows = [];
  const workers = Math.min(8, cpus().length);
  const t = run('tag', corpus, workers);
  const perCpu = (r) => `${Math.round(r.n / r.cpuSeconds).toLocaleString('en-US')}/CPU-s`;
  rows.push([`tag ${t.n.toLocaleString('en-US')} lines, ${workers} workers`, `${Math.round(t.n / t.seconds).toLocaleString('en-US')} captions/s (${perCpu(t)})`, t.seconds.toFixed(1), t.maxRssMb.toFixed(0)]);
  const s = run('tag', single, 0);
  rows.push([`tag ${s.n.toLocaleString('en-US')} lines, main thread`, `${Math.round(s.n / s.seconds).toLocaleString('en-US')} captions/s (${perCpu(s)})`, s.seconds.toFixed(1), s.maxRssMb.toFixed(0)]);
  const w = run('wink', wordsFile);
  rows.push([`load default vectors (wink, 341k words streamed, ${words.length} wanted)`, `${w.n} found`, w.seconds.toFixed(1), w.maxRssMb.toFixed(0)]);
  run('cache', wordsFile, cacheFile); // fills the cache
  const c = run('cache', wordsFile, cacheFile);
  rows.push([`load the same vectors from the binary cache`, `${c.n} found`, c.seconds.toFixed(2), c.maxRssMb.toFixed(0)]);

  const head = ['measurement', 'throughput', 'seconds', 'peak RSS MB'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((x, i) => x.padEnd(width[i])).join(' | ')} |`;
  console.log(`prior bench: node ${process.versions.node}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
  console.log(line(head));
  console.log(`|${width.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  // The same numbers for `pnpm bench` (one run each, every measurement in its own process: its own peak RSS).
  const once = (v) => ({ median: v, min: v, max: v, runs: 1 });
  report('prior', [
    { name: `tag ${t.n} captions, ${workers} workers`, backend: '-', ...once(t.n / t.seconds), unit: 'captions/s', rssMiB: t.maxRssMb, note: `${t.seconds.toFixed(1)} s, one run` },
    { name: `tag ${s.n} captions, main thread`, backend: '-', ...once(s.n / s.seconds), unit: 'captions/s', rssMiB: s.maxRssMb, note: `${s.seconds.toFixed(1)} s, one run` },
    { name: 'load GloVe-style vectors (wink, 341k words streamed)', backend: '-', ...once(w.seconds * 1000), unit: 'ms', rssMiB: w.maxRssMb, note: `${w.n} of ${words.length} words found; peak RSS is the figure` },
    { name: 'load the same vectors from the binary cache', backend: '-', ...once(c.seconds * 1000), unit: 'ms', rssMiB: c.maxRssMb, note: `${c.n} found` },
  ]);
}

await main();
