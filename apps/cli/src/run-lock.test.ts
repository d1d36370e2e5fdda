import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { RunLock } from './run-lock';

describe('RunLock', () => {
  it('is exclusive while held, released after, and records pid + host', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vqct-lock-')), 'run');
    const a = RunLock.acquire(out);
    const rec = JSON.parse(readFileSync(RunLock.pathFor(out), 'utf8')) as { pid: number; host: string };
    expect(rec).toMatchObject({ pid: process.pid, host: hostname() });
    // Another live process holding it: refused (this process's parent stands in for it).
    writeFileSync(RunLock.pathFor(out), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'then' }));
    expect(() => RunLock.acquire(out)).toThrow(ConfigError);
    expect(() => RunLock.acquire(out)).toThrow(/in use by another vqct train \(pid \d+, since then\)/);
    writeFileSync(RunLock.pathFor(out), JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    a.release();
    expect(existsSync(RunLock.pathFor(out))).toBe(false);
  });

  it('takes over a stale lock (its process is gone), refuses one from another host', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vqct-lock-')), 'run');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(RunLock.pathFor(out), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: 'before' }));
    const lock = RunLock.acquire(out);
    lock.release();
    writeFileSync(RunLock.pathFor(out), JSON.stringify({ pid: 1, host: 'elsewhere', since: 'x' }));
    expect(() => RunLock.acquire(out)).toThrow(/locked by vqct train \(pid 1 on host elsewhere, since x\); if that run is gone, delete/);
    writeFileSync(RunLock.pathFor(out), '{"pid": 12'); // cut by a crash mid-write: stale
    RunLock.acquire(out).release();
  });
});
