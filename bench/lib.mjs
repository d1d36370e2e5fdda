// Shared helpers for every package's bench/*.bench.mjs: timing with warm-up,
// a printed table, and JSON rows for `pnpm bench` to collect.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Times `fn` (sync or async): `warmup` untimed runs, then `runs` timed ones.
 * @returns {Promise<{ median: number, min: number, max: number, runs: number }>} milliseconds
 */
export async function measure(fn, { warmup = 2, runs = 5 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { median, min: times[0], max: times[times.length - 1], runs };
}

/**
 * `measure` plus the median process CPU time of the timed runs (user + system, all
 * threads): a fairer figure than wall time on a shared, loaded machine.
 * @returns {Promise<{ median: number, min: number, max: number, runs: number, cpu: number }>} milliseconds
 */
export async function measureWithCpu(fn, timing = {}) {
  const cpu = [];
  const wall = await measure(async () => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }, timing);
  const timed = cpu.slice(timing.warmup ?? 2).sort((a, b) => a - b);
  return { ...wall, cpu: timed[Math.floor(timed.length / 2)] };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** One line describing the machine, for the top of every table. */
export function machineLine(extra = '') {
  const c = cpus();
  return `machine: ${c[0]?.model ?? 'unknown cpu'} x${c.length}, Node ${process.version}${extra ? `, ${extra}` : ''}`;
}

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v ?? ''));

/**
 * Prints rows as a table and, when VQCT_BENCH_OUT names a file, appends them
 * there as JSON lines (the root `pnpm bench` collects them).
 * A row: { suite, name, backend, median, min, max, unit, rssMiB?, ...extra }.
 * `rssMiB` is the entry's own peak RSS where the bench measured it (e.g. in a
 * child process); every row also gets `processPeakRssMiB`, the peak RSS of the
 * reporting process so far (an upper bound for each of its entries).
 */
export function report(title, rows) {
  const peak = peakRssMiB();
  rows = rows.map((r) => ({ ...r, processPeakRssMiB: r.processPeakRssMiB ?? peak }));
  const cols = ['name', 'backend', 'median', 'min', 'max', 'unit', 'rssMiB', 'note'];
  const table = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i].length)));
  const line = (cells) => cells.map((s, i) => s.padEnd(widths[i])).join('  ');
  process.stdout.write(`\n${title}\n${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const t of table) process.stdout.write(`${line(t)}\n`);
  if (process.env.VQCT_BENCH_OUT) {
    for (const r of rows) appendFileSync(process.env.VQCT_BENCH_OUT, `${JSON.stringify({ suite: title, ...r })}\n`);
  }
}

/** True when the bench runs as a smoke test (`pnpm bench --quick`): tiny sizes, one run. */
export const quick = process.env.VQCT_BENCH_QUICK === '1';

/**
 * The backend column of a row: the adapter's name, with the wasm thread count
 * (`wasm 2t`), since one wasm module runs at one thread count per process.
 * @param {{ name: string, threads: number }} report what useNodeBackend returned
 */
export function backendLabel(report) {
  if (report.name === 'wasm') return `wasm ${report.threads}t`;
  if (report.torch != null) return `torch ${report.threads}t ${report.torch.device}`;
  return report.name;
}

/** Debian's python3, which has PyTorch when `python3-torch` is installed. */
export const TORCH_PYTHON = '/usr/bin/python3';

/** Whether the PyTorch peer can run here (`import torch` in TORCH_PYTHON). */
export function hasTorch() {
  return spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs the PyTorch CPU peer (bench/peer/torch_bench32.py) now, in this run, so a
 * ratio always compares with a peer measured on the same machine at the same time.
 * @param {string[]} args e.g. ['--disc'], ['--config', 'paper-256']
 * @returns {object | null} its JSON (times in ms, with `cpu`), or null without python3-torch
 */
export function runPeer(args = []) {
  if (!hasTorch()) return null;
  const script = new URL('./peer/torch_bench32.py', import.meta.url).pathname;
  // The same OpenMP wait policy as @vqct/backend-torch uses (PASSIVE unless set): like with like.
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  const r = spawnSync(TORCH_PYTHON, [script, ...(quick ? ['--quick'] : []), ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`the PyTorch peer failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * "1.23x PyTorch wall, 1.10x by cpu-time (peer 245 / 480 ms)": ours against a peer
 * figure measured in this run; says so when there is none.
 */
export function peerRatio(ours, peer) {
  if (peer == null) return 'no PyTorch peer here (apt-get install python3-torch libopenblas0-pthread)';
  return `${(ours.median / peer.median).toFixed(2)}x PyTorch wall, ${(ours.cpu / peer.cpu).toFixed(2)}x by cpu-time (peer ${peer.median.toFixed(0)} / ${peer.cpu.toFixed(0)} ms, same run, OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY ?? 'PASSIVE'})`;
}

