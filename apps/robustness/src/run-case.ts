import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isVqctError } from '@vqct/core';
import type { Mutant, Verdict } from './case';
import { CLI_BIN } from './seeds';
import type { FuzzContext, Target } from './targets/target';

/** A library call slower than this is a failure (a hang, or work proportional to a lie). */
export const SLOW_MS = 10_000;
/** RSS growth over one case above this is a failure (an allocation sized by what a file claims). */
export const RSS_GROWTH_LIMIT = 1 << 30;
/** A CLI case is killed (and failed) after this. */
export const CLI_TIMEOUT_MS = 120_000;

/** Writes a mutant's files under `dir`. */
export function writeCase(dir: string, m: Mutant): void {
  mkdirSync(dir, { recursive: true });
  if (m.main.endsWith('/')) mkdirSync(join(dir, m.main), { recursive: true });
  for (const [rel, bytes] of Object.entries(m.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
}

function namesFile(message: string, dir: string, main: string): boolean {
  const m = main.replace(/\/$/, '');
  return message.includes(dir) || message.includes(basename(m));
}

/**
 * Runs the target's reader on a written case. Rejected: a VqctError naming the file.
 * Accepted: the reader returned. Anything else (another error, an error that names no
 * file, a slow call, RSS jumping by a gigabyte, tensors left behind) is a failure.
 */
export async function runLibraryCase(target: Target, dir: string, m: Mutant, ctx: FuzzContext): Promise<Verdict> {
  const tensors = tf.memory().numTensors;
  const rss = process.memoryUsage.rss();
  const t0 = performance.now();
  let verdict: Verdict;
  try {
    await target.run(dir, m.main, ctx);
    verdict = { kind: 'accepted' };
  } catch (e) {
    if (isVqctError(e)) {
      verdict = namesFile(e.message, dir, m.main)
        ? { kind: 'rejected', code: e.code, message: e.message.split('\n')[0].replaceAll(dir, '<case>') }
        : { kind: 'failure', reason: `error names no file: ${e.code} ${e.message.split('\n')[0]}` };
    } else {
      const err = e as Error;
      verdict = { kind: 'failure', reason: `crash: ${err?.name ?? typeof e}: ${String(err?.message ?? e).split('\n')[0].slice(0, 200)}` };
    }
  }
  const ms = performance.now() - t0;
  const grew = process.memoryUsage.rss() - rss;
  const leaked = tf.memory().numTensors - tensors;
  if (verdict.kind !== 'failure') {
    if (ms > SLOW_MS) verdict = { kind: 'failure', reason: `took ${(ms / 1000).toFixed(1)} s (hang, or work sized by a lie)` };
    else if (grew > RSS_GROWTH_LIMIT) verdict = { kind: 'failure', reason: `RSS grew ${(grew / 2 ** 20).toFixed(0)} MB (allocation sized by a lie)` };
    else if (leaked > 0) verdict = { kind: 'failure', reason: `${leaked} tensors left behind` };
  }
  return verdict;
}

/**
 * Runs the target's CLI command on a written case, in a child process. Rejected: exit 1
 * and exactly one stderr line "vqct: ..." without a stack trace, and no output file (nor a
 * temp file) left. Accepted: exit 0 with the output written. Anything else is a failure.
 */
export function runCliCase(target: Target, dir: string, m: Mutant, ctx: FuzzContext): Verdict | null {
  const call = target.cli?.(dir, m.main, ctx);
  if (call == null) return null;
  const r = spawnSync(process.execPath, [CLI_BIN, ...call.args, '--quiet'], {
    cwd: dir, encoding: 'utf8', timeout: CLI_TIMEOUT_MS, env: { ...process.env, VQCT_WASM_THREADS: '1', FORCE_COLOR: '0' },
  });
  if (r.error != null || r.signal != null) return { kind: 'failure', reason: `CLI ${r.signal ?? r.error?.message} (hang or crash)` };
  const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
  const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.partial-'));
  // `out.png` may be numbered (out-0.png, out-1.png) when a file holds several images.
  const stem = call.output?.replace(/\.[^.]+$/, '');
  const outputs = stem == null ? [] : readdirSync(dir).filter((f) => f === call.output || (f.startsWith(`${stem}-`) && f.endsWith(call.output!.slice(stem.length))));
  if (r.status === 1) {
    if (lines.length !== 1 || !lines[0].startsWith('vqct: ')) return { kind: 'failure', reason: `CLI exit 1 but stderr is ${lines.length} lines: ${lines.slice(0, 3).join(' | ').slice(0, 300)}` };
    if (outputs.length > 0) return { kind: 'failure', reason: `CLI exit 1 but left ${outputs.join(', ')}` };
    if (leftovers.length > 0) return { kind: 'failure', reason: `CLI exit 1 but left ${leftovers.join(', ')}` };
    return { kind: 'rejected', code: /\[(E_[A-Z]+)\]$/.exec(lines[0])?.[1] ?? 'usage', message: lines[0].replaceAll(dir, '<case>') };
  }
  if (r.status === 0) {
    if (call.output != null && outputs.length === 0) return { kind: 'failure', reason: `CLI exit 0 without ${call.output}` };
    return { kind: 'accepted' };
  }
  return { kind: 'failure', reason: `CLI exit ${r.status}: ${lines.slice(-2).join(' | ').slice(0, 300)}` };
}
