import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCorpus } from '@vqct/prior/node';
import { CLI_BIN, runCli, tempDir, type CliResult } from './run-cli';

/** The test images (real fashion-mnist images and photos), see test/fixtures/README.md. */
export const FIXTURE_IMAGES = fileURLToPath(new URL('../../test/fixtures/images', import.meta.url));

/** A running `vqct` child the test can signal, and its result once it exits. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  done: Promise<CliResult>;
}

/** Spawns the built CLI without waiting, so a test can send it signals. */
export function startCli(args: string[], cwd: string, env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, ...env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

/** Resolves when `cond()` holds (polled every 100 ms), rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A small real prior for the tests, built once per CLI build with `vqct prior build`
 * from 2,000 WordNet glosses of animals and foods + the wink word vectors
 * (K ~ a few hundred) and shared by the test files (atomic rename, so two
 * files building at once both end up with a whole file).
 */
export async function fixturePrior(): Promise<string> {
  const stamp = Math.round(statSync(CLI_BIN).mtimeMs);
  const dir = join(tmpdir(), `vqct-cli-fixture-${stamp}`);
  const file = join(dir, 'prior.safetensors');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const work = tempDir('vqct-prior-fixture-');
  const lines: string[] = [];
  for await (const d of defaultCorpus({ lexFiles: { adj: [], noun: [5, 13] } }).descriptions()) lines.push(d.text);
  writeFileSync(join(work, 'captions.txt'), `${lines.slice(0, 2000).join('\n')}\n`);
  const r = await runCli(['prior', 'build', '--corpus', 'captions.txt', '--min-count', '4', '--workers', '0', '-o', 'prior.safetensors', '--quiet'], work);
  if (r.code !== 0) throw new Error(`fixture prior build failed: ${r.stderr}`);
  renameSync(join(work, 'prior.safetensors'), file);
  rmSync(work, { recursive: true, force: true });
  return file;
}

/** Flags of a very short real training run: tiny preset, 2 images per step, fashion-mnist slice. */
export const QUICK_TRAIN = ['--preset', 'tiny', '--data', 'fashion-mnist', '--limit', '40', '--batch-size', '2'];
