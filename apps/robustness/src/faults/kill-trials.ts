import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@vqct/core';
import { loadCheckpoint } from '@vqct/vq/node';
import { FUZZ_RUN_CONFIG } from '../seeds';
import { runVqct, startVqct } from './child';

/** Where a kill lands: any time, while a checkpoint file is being written, right after a metrics line. */
export type KillMode = 'random' | 'checkpoint-write' | 'metrics-write' | 'prior-random' | 'prior-cache-write';

export interface TrialResult {
  trial: number;
  mode: KillMode;
  /** What the child was doing when killed (from the files it had at that moment). */
  killedDuring: string;
  killedAtMs: number;
  /** The checkpoint last.json named right after the kill loaded and verified (or there was none yet). */
  latestReadable: boolean;
  /** The step last.json named after the kill (-1: none). */
  stepAtKill: number;
  /** The resumed (or restarted) run ended with weights bit-identical to the uninterrupted run's. */
  identical: boolean;
  note: string;
}

/** A small run: 6 steps, a checkpoint every 2, 8 Fashion-MNIST images, the fuzzer's narrow tiny config. */
export const TRIAL_STEPS = 6;
const trainArgs = (out: string): string[] => [
  'train', '--config', 'fuzz.yaml', '--data', 'fashion-mnist', '--limit', '8', '--prior', 'prior.safetensors',
  '--steps', String(TRIAL_STEPS), '--checkpoint-every', '2', '--sample-every', '0', '--seed', '3', '--out', out, '--quiet',
];

/** Prepares a folder with the trial config and prior. */
export function prepareTrialDir(dir: string, priorBytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fuzz.yaml'), FUZZ_RUN_CONFIG);
  writeFileSync(join(dir, 'prior.safetensors'), priorBytes);
}

/** The final weights digest of a run folder (its last.json). */
export function finalDigest(runDir: string): { sha: string; step: number } {
  const side = JSON.parse(readFileSync(join(runDir, 'checkpoints', 'last.json'), 'utf8')) as { weightsSha256: string; step: number };
  return { sha: side.weightsSha256, step: side.step };
}

/** The uninterrupted reference run: its digest and wall time. */
export async function referenceRun(dir: string): Promise<{ sha: string; step: number; ms: number }> {
  rmSync(join(dir, 'ref'), { recursive: true, force: true });
  const r = await runVqct(trainArgs('ref'), dir);
  if (r.code !== 0) throw new Error(`reference run failed: ${r.stderr}`);
  return { ...finalDigest(join(dir, 'ref')), ms: r.ms };
}

function checkpointDirs(dir: string, out: string): string[] {
  const staged = readdirSync(dir).filter((f) => f.startsWith(`.${out}.partial-`)).map((f) => join(dir, f, 'checkpoints'));
  return [join(dir, out, 'checkpoints'), ...staged].filter((d) => existsSync(d));
}

function tmpFiles(dir: string, out: string): string[] {
  return checkpointDirs(dir, out).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.tmp')));
}

function metricsSize(dir: string, out: string): number {
  for (const d of [join(dir, out), ...readdirSync(dir).filter((f) => f.startsWith(`.${out}.partial-`)).map((f) => join(dir, f))]) {
    const m = join(d, 'metrics.jsonl');
    if (existsSync(m)) return statSync(m).size;
  }
  return 0;
}

function describe(dir: string, out: string): string {
  const tmp = tmpFiles(dir, out);
  if (tmp.length > 0) return `writing ${tmp.join(', ').replace(/\.\d+\.\d+\.tmp/g, '.tmp')}`;
  if (!existsSync(join(dir, out))) return 'before the first checkpoint (staging folder)';
  return 'between writes';
}

/**
 * One kill -9 trial: start the run, SIGKILL it at a moment chosen by `mode` and the
 * seed, check that last.json (if any) names a checkpoint that loads, then resume
 * (or restart, if it died before its first checkpoint) and compare the final weights
 * with the uninterrupted run's.
 */
export async function killTrial(dir: string, trial: number, mode: KillMode, seed: number, ref: { sha: string; ms: number }): Promise<TrialResult> {
  const rng = new Rng(seed * 1000 + trial);
  const out = `t${trial}`;
  rmSync(join(dir, out), { recursive: true, force: true });
  const child = startVqct(trainArgs(out), dir);
  const t0 = performance.now();
  let killedDuring = '';
  let killedAt = -1;
  const kill = (): void => {
    if (killedAt >= 0) return;
    killedDuring = describe(dir, out);
    killedAt = performance.now() - t0;
    child.proc.kill('SIGKILL');
  };
  let timer: NodeJS.Timeout | undefined;
  if (mode === 'random') {
    // The second half of the run: the first is mostly start-up (backend, data, model), before any file is written.
    timer = setTimeout(kill, Math.floor((0.5 + 0.5 * rng.next()) * ref.ms));
  } else {
    // Poll fast: a checkpoint write (temp file, fsync, rename) takes a few milliseconds.
    const nth = 1 + rng.int(mode === 'checkpoint-write' ? 3 : TRIAL_STEPS - 1);
    let seen = 0;
    let lastSize = 0;
    let inTmp = false;
    timer = setInterval(() => {
      if (mode === 'checkpoint-write') {
        const now = tmpFiles(dir, out).length > 0;
        if (now && !inTmp && ++seen >= nth) kill();
        inTmp = now;
      } else {
        const size = metricsSize(dir, out);
        if (size > lastSize && ++seen >= nth) kill();
        lastSize = size;
      }
    }, 1);
  }
  const end = await child.done;
  clearTimeout(timer);
  clearInterval(timer);
  let note = '';
  if (killedAt < 0) {
    killedDuring = 'not killed (the run ended first)';
    note = `exit ${end.code}`;
  }
  if (mode === 'metrics-write' && killedAt >= 0 && existsSync(join(dir, out, 'metrics.jsonl'))) {
    // A torn append: what a kill in the middle of write(2) can leave (simulated; appendFileSync itself is one write).
    appendFileSync(join(dir, out, 'metrics.jsonl'), '{"step": 99, "tot');
    note = 'torn metrics line appended';
  }
  let latestReadable = true;
  let stepAtKill = -1;
  if (existsSync(join(dir, out, 'checkpoints', 'last.json'))) {
    try {
      stepAtKill = loadCheckpoint(join(dir, out, 'checkpoints')).sidecar.step;
    } catch (e) {
      latestReadable = false;
      note = `${note} latest unreadable: ${(e as Error).message}`.trim();
    }
  }
  if (killedAt >= 0) {
    const again = existsSync(join(dir, out, 'checkpoints', 'last.json'))
      ? await runVqct(['train', '--out', out, '--resume', '--steps', String(TRIAL_STEPS), '--quiet'], dir)
      : await runVqct(trainArgs(out), dir);
    if (again.code !== 0) note = `${note} resume exit ${again.code}: ${again.stderr.trim().split('\n').pop() ?? ''}`.trim();
  }
  let identical = false;
  try {
    const fin = finalDigest(join(dir, out));
    identical = fin.sha === ref.sha && fin.step === TRIAL_STEPS;
    if (!identical) note = `${note} final weights ${fin.sha.slice(0, 12)} at step ${fin.step} differ from ${ref.sha.slice(0, 12)}`.trim();
  } catch (e) {
    note = `${note} no final checkpoint: ${(e as Error).message}`.trim();
  }
  rmSync(join(dir, out), { recursive: true, force: true });
  return { trial, mode, killedDuring, killedAtMs: Math.round(killedAt), latestReadable, stepAtKill, identical, note };
}
