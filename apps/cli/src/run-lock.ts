import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, IoError } from '@vqct/core';

/** What a lock file records: who holds the run folder. */
interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, since: String(o.since) } : null;
  } catch {
    return null; // unreadable (cut by a crash while being written): treat as stale
  }
}

/**
 * An exclusive lock on a run folder (`--out`), so two `vqct train` never write one
 * run at once. The lock is `.<name>.lock` beside the folder (the folder itself may
 * not exist yet: a fresh run is staged elsewhere), created with O_EXCL and holding
 * pid + host. A lock whose process is gone (kill -9, a crash) on this host is stale
 * and taken over; one held from another host is refused, naming it.
 *
 * @example
 * const lock = RunLock.acquire('runs/fm'); try { ... } finally { lock.release(); }
 */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(readonly path: string) {
    process.once('exit', this.onExit);
  }

  /** The lock file of a run folder. */
  static pathFor(out: string): string {
    const abs = resolve(out);
    return join(dirname(abs), `.${basename(abs)}.lock`);
  }

  static acquire(out: string): RunLock {
    const path = RunLock.pathFor(out);
    const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new IoError(`cannot create the run folder's parent (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: out, cause: e });
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new IoError(`cannot create the lock ${path} (${(e as NodeJS.ErrnoException).code})`, { file: out, cause: e });
        const owner = readOwner(path);
        if (owner != null && owner.host !== me.host) {
          throw new ConfigError(`--out ${out} is locked by vqct train (pid ${owner.pid} on host ${owner.host}, since ${owner.since}); if that run is gone, delete ${path}`, { file: out });
        }
        if (owner != null && owner.pid !== me.pid && alive(owner.pid)) {
          throw new ConfigError(`--out ${out} is in use by another vqct train (pid ${owner.pid}, since ${owner.since}); wait for it to finish or choose another --out`, { file: out });
        }
        rmSync(path, { force: true }); // stale: its process is gone
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      return new RunLock(path);
    }
    throw new ConfigError(`--out ${out}: could not take the lock ${path} (another run keeps taking it)`, { file: out });
  }

  /** Removes the lock (idempotent; also done at process exit). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const owner = readOwner(this.path);
    if (owner == null || owner.pid === process.pid) rmSync(this.path, { force: true });
  }
}
