import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_BIN } from '../seeds';

/** A running `vqct` child and its end. */
export interface Child {
  proc: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }>;
}

/** Spawns the built CLI (wasm at one thread unless VQCT_BACKEND says otherwise, no colour) in `cwd`. */
export function startVqct(args: string[], cwd: string, env: Record<string, string> = {}): Child {
  const t0 = performance.now();
  // wasm unless told otherwise: a short trial run starts ~4x faster there than on torch (41.6 s vs 11.5 s here).
  const backend = process.env.VQCT_BACKEND ?? 'wasm';
  const proc = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, VQCT_BACKEND: backend, VQCT_WASM_THREADS: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stderr, ms: performance.now() - t0 }));
  });
  return { proc, done };
}

/** Runs the CLI to the end. */
export async function runVqct(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  return startVqct(args, cwd, env).done;
}
