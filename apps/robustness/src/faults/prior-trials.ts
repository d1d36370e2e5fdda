import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, sha256Hex } from '@vqct/core';
import { runVqct, startVqct } from './child';
import type { TrialResult } from './kill-trials';

const buildArgs = ['prior', 'build', '--corpus', 'captions.txt', '--workers', '0', '--min-count', '1', '-o', 'p.safetensors', '--quiet'];

/** A folder with the captions the prior trials build from. */
export function preparePriorDir(dir: string, lines: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'captions.txt'), `${lines.join('\n')}\n`);
}

function clean(dir: string): void {
  for (const f of readdirSync(dir)) if (f !== 'captions.txt') rmSync(join(dir, f), { recursive: true, force: true });
}

/** The uninterrupted build: the prior's digest and the wall time. */
export async function referencePrior(dir: string): Promise<{ sha: string; ms: number }> {
  clean(dir);
  const r = await runVqct(buildArgs, dir);
  if (r.code !== 0) throw new Error(`reference prior build failed: ${r.stderr}`);
  const sha = sha256Hex(new Uint8Array(readFileSync(join(dir, 'p.safetensors'))));
  clean(dir);
  return { sha, ms: r.ms };
}

/**
 * kill -9 during `vqct prior build` (with its vector and tag caches next to the
 * output): at a random moment, or as soon as a cache or the prior is being written
 * (its temp file exists). The rebuild, reusing whatever caches survived, must give
 * the same prior bytes as the uninterrupted build.
 */
export async function priorTrial(dir: string, trial: number, mode: 'random' | 'cache-write', seed: number, ref: { sha: string; ms: number }): Promise<TrialResult> {
  const rng = new Rng(seed * 7777 + trial);
  clean(dir);
  const child = startVqct(buildArgs, dir);
  const t0 = performance.now();
  let killedAt = -1;
  let killedDuring = '';
  const kill = (): void => {
    if (killedAt >= 0) return;
    const tmp = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    killedDuring = tmp.length > 0 ? `writing ${tmp.map((f) => f.replace(/\.\d+\.\d+\.tmp$/, '.tmp')).join(', ')}` : `with ${readdirSync(dir).filter((f) => f.startsWith('p.')).join(', ') || 'no output yet'}`;
    killedAt = performance.now() - t0;
    child.proc.kill('SIGKILL');
  };
  const nth = 1 + rng.int(3);
  let seen = 0;
  let inTmp = false;
  const timer = mode === 'random'
    ? setTimeout(kill, Math.floor(rng.next() * ref.ms))
    : setInterval(() => {
      const now = readdirSync(dir).some((f) => f.endsWith('.tmp'));
      if (now && !inTmp && ++seen >= nth) kill();
      inTmp = now;
    }, 1);
  const end = await child.done;
  clearTimeout(timer);
  clearInterval(timer);
  let note = killedAt < 0 ? `not killed (exit ${end.code})` : '';
  if (killedAt < 0) killedDuring = 'not killed (the build ended first)';
  let latestReadable = true;
  if (killedAt >= 0) {
    const again = await runVqct(buildArgs, dir);
    if (again.code !== 0) {
      latestReadable = false;
      note = `rebuild exit ${again.code}: ${again.stderr.trim().split('\n').pop() ?? ''}`;
    }
  }
  const out = join(dir, 'p.safetensors');
  const identical = existsSync(out) && sha256Hex(new Uint8Array(readFileSync(out))) === ref.sha;
  if (!identical) note = `${note} prior differs from the uninterrupted build`.trim();
  clean(dir);
  return { trial, mode: mode === 'random' ? 'prior-random' : 'prior-cache-write', killedDuring: `prior build ${killedDuring}`, killedAtMs: Math.round(killedAt), latestReadable, stepAtKill: -1, identical, note };
}
