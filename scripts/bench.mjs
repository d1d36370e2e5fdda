// `pnpm bench`: runs every bench/*.bench.mjs of every package (each in its own
// process, so peak RSS is per entry), prints one table and writes
// bench/results/<date>.json. `--quick` is the smoke mode the tests run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
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

// The model benches and the GEMM ceiling again at one wasm thread, next to the default (one per core),
// so the table shows what the threads buy.
if (availableParallelism() > 1) {
  for (const f of [...files]) {
    if ((f.pkg === 'packages/vq' && /^(model|train)\.bench\.mjs$/.test(f.name)) || (f.pkg === 'packages/backend-node' && f.name === 'gemm.bench.mjs')) {
      files.push({ ...f, env: { VQCT_WASM_THREADS: '1', VQCT_BENCH_BACKENDS: 'wasm' }, label: ' (1 wasm thread)' });
    }
  }
}

const out = join(mkdtempSync(join(tmpdir(), 'vqct-bench-')), 'rows.jsonl');
writeFileSync(out, '');
const failures = [];
for (const { pkg, file, name, env = {}, label = '' } of files) {
  process.stdout.write(`\n== ${pkg}/bench/${name}${label}${quick ? ' (quick)' : ''}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], {
    cwd: join(root, pkg),
    stdio: 'inherit',
    env: { ...process.env, ...env, VQCT_BENCH_OUT: out, VQCT_BENCH_QUICK: quick ? '1' : '0' },
  });
  if (r.status !== 0) failures.push(`${pkg}/bench/${name} (exit ${r.status})`);
}

const rows = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const c = cpus();
const machine = { cpu: c[0]?.model ?? 'unknown', cores: c.length, node: process.version, platform: process.platform, backends: backendLines() };
console.log(`\nmachine: ${machine.cpu} x${machine.cores}, Node ${machine.node}; ${machine.backends.join('; ')}${quick ? ' — QUICK MODE: sizes reduced, numbers not comparable' : ''}`);
const cols = ['suite', 'name', 'backend', 'median', 'min', 'max', 'unit', 'rssMiB', 'processPeakRssMiB', 'note'];
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v ?? ''));
const table = rows.map((r) => cols.map((k) => fmt(r[k])));
const widths = cols.map((k, i) => Math.max(k.length, ...table.map((t) => t[i].length)));
const line = (cells) => cells.map((s, i) => s.padEnd(widths[i])).join('  ');
console.log(line(cols));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(t));

const ratios = peerRatios(rows);
if (ratios.length > 0) {
  console.log(`\nratio to the PyTorch CPU peer, same run (ours / peer, median wall time; < 1 = faster)${quick ? ' — QUICK: sizes differ, not comparable' : ''}`);
  const rc = ['entry', 'backend', 'ours ms', 'peer ms', 'ratio'];
  const rt = ratios.map((r) => [r.entry, r.backend, fmt(r.ours), fmt(r.peer), `${r.ratio.toFixed(2)}x`]);
  const rw = rc.map((k, i) => Math.max(k.length, ...rt.map((t) => t[i].length)));
  const rl = (cells) => cells.map((v, i) => v.padEnd(rw[i])).join('  ');
  console.log(rl(rc));
  console.log(rl(rw.map((w) => '-'.repeat(w))));
  for (const t of rt) console.log(rl(t));
} else {
  console.log('\nratio to the PyTorch CPU peer: no peer rows (python3-torch missing) or no matching entries');
}

if (!quick) {
  const date = new Date().toISOString().slice(0, 10);
  const dest = join(root, 'bench', 'results', `${date}.json`);
  const tmp = `${dest}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ date: new Date().toISOString(), machine, rows, ratios }, null, 2)}\n`);
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

/**
 * Our medians divided by the PyTorch peer's (bench/peer.bench.mjs) for the
 * entries both measure at bench-32: train step (no discriminator), forward,
 * quantizer alone. Matched by row name; in --quick mode the tiny sizes match
 * instead (a check that the wiring works, not a comparison).
 */
function peerRatios(all) {
  const peer = all.filter((r) => r.backend === 'torch-cpu' && Number.isFinite(r.median));
  const size = quick ? 'tiny' : 'bench-32';
  const pairs = [
    { entry: 'train step (no disc)', peer: /^train step$/, ours: new RegExp(`^train step ${size} b\\d+ no disc`) },
    { entry: 'forward', peer: /^forward$/, ours: new RegExp(`^forward ${size}`) },
    { entry: 'quantizer alone', peer: /^quantizer/, ours: quick ? /^quantizer 256 / : /^quantizer 8192 / },
  ];
  const out = [];
  for (const p of pairs) {
    const ref = peer.find((r) => p.peer.test(r.name));
    if (ref == null) continue;
    for (const r of all.filter((x) => x.backend !== 'torch-cpu' && p.ours.test(x.name) && Number.isFinite(x.median))) {
      out.push({ entry: p.entry, backend: r.backend, ours: r.median, peer: ref.median, ratio: r.median / ref.median, ourRow: r.name });
    }
  }
  return out;
}

/** The backends' own description lines (threads, SIMD), from @vqct/backend-node when built. */
function backendLines() {
  const dir = join(root, 'packages', 'backend-node');
  if (!existsSync(join(dir, 'dist', 'index.js'))) return ['backend-node not built'];
  const code = "const { useNodeBackend } = await import('./dist/index.js'); for (const b of ['wasm', 'cpu']) { try { console.log((await useNodeBackend({ backend: b })).line); } catch (e) { console.log(`${b}: ${e.message}`); } }";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n') : [`backend probe failed: ${(r.stderr || '').split('\n')[0]}`];
}
