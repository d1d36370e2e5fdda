// `pnpm bench`: runs every bench/*.bench.mjs of every package (each in its own
// process, so peak RSS is per entry), prints one table and writes
// bench/results/<date>.json. `--quick` is the smoke mode the tests run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const only = process.argv.filter((a) => !a.startsWith('--')).slice(2);
const root = new URL('..', import.meta.url).pathname;
const files = [];
for (const f of readdirSync(join(root, 'bench')).sort()) {
  if (f.endsWith('.bench.mjs') && (only.length === 0 || only.some((o) => f.includes(o)))) {
    files.push({ pkg: '.', file: join(root, 'bench', f), name: f });
  }
}
for (const group of ['packages', 'apps']) {
  for (const pkg of readdirSync(join(root, group))) {
    const dir = join(root, group, pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.bench.mjs') && (only.length === 0 || only.some((o) => `${pkg}/${f}`.includes(o)))) {
        files.push({ pkg: `${group}/${pkg}`, file: join(dir, f), name: f });
      }
    }
  }
}

const out = join(mkdtempSync(join(tmpdir(), 'vqct-bench-')), 'rows.jsonl');
writeFileSync(out, '');
const failures = [];
for (const { pkg, file, name } of files) {
  process.stdout.write(`\n== ${pkg}/bench/${name}${quick ? ' (quick)' : ''}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], {
    cwd: join(root, pkg),
    stdio: 'inherit',
    env: { ...process.env, VQCT_BENCH_OUT: out, VQCT_BENCH_QUICK: quick ? '1' : '0' },
  });
  if (r.status !== 0) failures.push(`${pkg}/bench/${name} (exit ${r.status})`);
}

const rows = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const c = cpus();
const machine = { cpu: c[0]?.model ?? 'unknown', cores: c.length, node: process.version, platform: process.platform };
console.log(`\nmachine: ${machine.cpu} x${machine.cores}, Node ${machine.node}${quick ? ' — QUICK MODE: sizes reduced, numbers not comparable' : ''}`);
const cols = ['suite', 'name', 'backend', 'median', 'min', 'max', 'unit', 'note'];
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v ?? ''));
const table = rows.map((r) => cols.map((k) => fmt(r[k])));
const widths = cols.map((k, i) => Math.max(k.length, ...table.map((t) => t[i].length)));
const line = (cells) => cells.map((s, i) => s.padEnd(widths[i])).join('  ');
console.log(line(cols));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(t));

if (!quick) {
  const date = new Date().toISOString().slice(0, 10);
  const dest = join(root, 'bench', 'results', `${date}.json`);
  const tmp = `${dest}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2)}\n`);
  renameSync(tmp, dest);
  console.log(`\nwritten: bench/results/${date}.json`);
}
if (failures.length > 0) {
  console.error(`\nbench entries that failed: ${failures.join(', ')}`);
  process.exit(1);
}
if (rows.length === 0 && files.length > 0) {
  console.error('bench entries ran but reported no rows');
  process.exit(1);
}
