import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors';

/** How `vqct train --nproc N` starts its workers. */
export interface LaunchOptions {
  nproc: number;
  /** The command line of one worker, after `node bin.js` (without --nproc). */
  args: string[];
  /**
   * Seconds the other workers get to end on their own after one failed, before
   * SIGTERM (default 5): a dead peer fails their next collective within
   * milliseconds, and each then reports its own error (rank, operation, cause),
   * which a SIGTERM in the middle of that report would cut short.
   */
  settleSeconds?: number;
  /** Seconds a worker gets to exit after SIGTERM before SIGKILL (default 10). */
  graceSeconds?: number;
  log(line: string): void;
}

/** A TCP port nobody listens on now (rank 0's TCPStore takes it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address != null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Removes `--nproc N` / `--nproc=N` from a command line. */
export function withoutNproc(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--nproc') i++;
    else if (!args[i].startsWith('--nproc=')) out.push(args[i]);
  }
  return out;
}

/** The backend the workers run on: torch unless another was asked for (then a usage error). */
export function workerBackend(requested: string | undefined): string {
  if (requested == null || requested === '' || requested === 'auto') return 'torch';
  if (requested === 'torch' || requested === 'torch-cuda') return requested;
  throw new UsageError(`--nproc: distributed training runs on libtorch's c10d and needs the torch backend (--backend torch or torch-cuda), not --backend ${requested}`);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal != null ? `was killed by ${signal}` : `exited with code ${code}`;
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string): void {
  createInterface({ input: stream }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
}

/**
 * Starts `nproc` local workers with torchrun's environment (RANK, WORLD_SIZE,
 * LOCAL_RANK, MASTER_ADDR=127.0.0.1, a free MASTER_PORT) and the cores split
 * between them; forwards SIGINT/SIGTERM to all. Resolves with the job's exit
 * code: 0 when all finished, 130 when all stopped on a signal, else 1 — a worker
 * that died (named by rank) ends the others (they get `settleSeconds` to fail on
 * their own, then SIGTERM, then SIGKILL).
 */
export async function launchWorkers(options: LaunchOptions): Promise<number> {
  const { nproc, args, log } = options;
  const backend = workerBackend(process.env.VQCT_BACKEND);
  const port = await freePort();
  const threads = process.env.VQCT_TORCH_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / nproc)));
  log(`launching ${nproc} workers on ${backend} (c10d rendezvous at 127.0.0.1:${port}, ${threads} threads each); rank 0 writes the run folder`);
  const children: ChildProcess[] = [];
  const exited = new Set<number>();
  let failure: string | null = null;
  let interrupted = false;
  const timers: NodeJS.Timeout[] = [];

  const stopAll = (signal: NodeJS.Signals): void => {
    for (const [r, c] of children.entries()) if (!exited.has(r)) c.kill(signal);
  };
  const endOthers = (): void => {
    const settle = (options.settleSeconds ?? 5) * 1000;
    timers.push(setTimeout(() => stopAll('SIGTERM'), settle), setTimeout(() => stopAll('SIGKILL'), settle + (options.graceSeconds ?? 10) * 1000));
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupted = true;
    stopAll(sig);
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);

  const codes = await new Promise<Array<number | null>>((resolve) => {
    const results: Array<number | null> = new Array(nproc).fill(null);
    for (let rank = 0; rank < nproc; rank++) {
      const env = {
        ...process.env, VQCT_BACKEND: backend, VQCT_TORCH_THREADS: threads,
        RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(nproc), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port),
      };
      // Ranks other than 0 are quiet (their errors still reach stderr, prefixed with the rank).
      const workerArgs = rank === 0 ? args : ['--quiet', ...args];
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...workerArgs], {
        env, stdio: rank === 0 ? 'inherit' : ['ignore', 'ignore', 'pipe'],
      });
      if (child.stderr != null) prefixLines(child.stderr, `[rank ${rank}] `);
      children.push(child);
      child.on('exit', (code, signal) => {
        exited.add(rank);
        results[rank] = code ?? 128;
        const ok = code === 0 || (interrupted && code === 130);
        const ended = `worker rank ${rank} of ${nproc} ${describeExit(code, signal)}`;
        if (!ok && failure == null) {
          failure = ended;
          log(`${failure}; stopping the other workers`);
          endOthers();
        } else if (failure != null) log(ended);
        if (exited.size === nproc) resolve(results);
      });
    }
  });
  for (const t of timers) clearTimeout(t);
  for (const [sig, h] of handlers) process.off(sig, h);
  if (failure != null) {
    process.stderr.write(`vqct: distributed training failed: ${failure}\n`);
    return 1;
  }
  return codes.every((c) => c === 0) ? 0 : 130;
}
