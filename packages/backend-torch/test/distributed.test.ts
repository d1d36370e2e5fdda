import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchEnv, torchAvailability } from '../src/index';

const found = torchAvailability();
const gloo = found.available && found.native.distInfo().gloo;
const WORKER = fileURLToPath(new URL('./distributed/worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface Seen { rank: number; error?: string; code?: string; [k: string]: unknown }

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `worldSize` ranks of worker.mjs (or only `ranks`), resolves with what each printed. */
async function job(env: Record<string, string>, worldSize = 2, ranks = [...Array(worldSize).keys()]): Promise<Seen[]> {
  const port = String(await freePort());
  return Promise.all(ranks.map((rank) => new Promise<Seen>((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env, RANK: String(rank), WORLD_SIZE: String(worldSize), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Seen);
      } catch {
        reject(new Error(`rank ${rank} printed no result: ${stdout}`));
      }
    });
  })));
}

describe('launchEnv (torchrun contract)', () => {
  it('reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; null without WORLD_SIZE', () => {
    expect(launchEnv({})).toBeNull();
    expect(launchEnv({ RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: 'node0', MASTER_PORT: '29500' }))
      .toEqual({ rank: 1, worldSize: 2, localRank: 1, masterAddr: 'node0', masterPort: 29500 });
    expect(launchEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'a', MASTER_PORT: '29500', TORCHELASTIC_USE_AGENT_STORE: 'True', TORCHELASTIC_RESTART_COUNT: '3' }))
      .toMatchObject({ rank: 0, storePrefix: '/worker/attempt_3' }); // torchrun's agent hosts the store
    expect(() => launchEnv({ RANK: '2', WORLD_SIZE: '2', MASTER_ADDR: 'a', MASTER_PORT: '1' })).toThrow(/RANK 2 is not below WORLD_SIZE 2/);
    expect(() => launchEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_PORT: '1' })).toThrow(/MASTER_ADDR is not set/);
    expect(() => launchEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'a', MASTER_PORT: 'x' })).toThrow(/MASTER_PORT must be an integer/);
  });
});

describe.runIf(gloo && existsSync(DIST))('c10d collectives on loopback (2 processes, Gloo)', { timeout: 120_000 }, () => {
  it('averages, sums, takes the max, broadcasts from rank 0, and keeps memory flat over 300 bucketed all-reduces', async () => {
    const seen = await job({ MODE: 'collectives' });
    for (const s of seen) {
      expect(s.error).toBeUndefined();
      expect(s.mean).toEqual([{ shape: [2, 2], values: [1.5, 2, 3, 6] }, { shape: [1], values: [15] }]);
      expect(s.sum).toEqual({ dtype: 'int32', values: [3] });
      expect(s.max).toBe(1);
      expect(s.broadcast).toEqual([7, 7, 7]);
      const m = s.memory as Record<string, number[]> & { rssGrowthMB: number };
      expect(m.numTensors[1]).toBe(m.numTensors[0]);
      expect(m.numBytesInNative[1]).toBe(m.numBytesInNative[0]);
      expect(m.numNativeTensors[1]).toBe(m.numNativeTensors[0]);
      // 300 rounds x ~800 KB of buckets: a leak of the buckets would be ~240 MB.
      expect(m.rssGrowthMB).toBeLessThan(24);
    }
  });

  it('a rank that never arrives: the rendezvous fails after the timeout, with rank and address', async () => {
    const t0 = Date.now();
    const [s] = await job({ MODE: 'collectives', TIMEOUT_MS: '2000' }, 2, [0]);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(s.code).toBe('E_DISTRIBUTED');
    expect(s.error).toMatch(/rank 0 of 2, timeout 2 s\) failed/);
  });

  it('a peer that joined but stays silent: the all-reduce times out on the waiting rank', async () => {
    const t0 = Date.now();
    const [s0] = await job({ MODE: 'silent-peer', TIMEOUT_MS: '2000' });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(s0.code).toBe('E_DISTRIBUTED');
    expect(s0.error).toMatch(/all-reduce \(sum\) on rank 0 of 2 failed \(a peer died, or did not join within 2 s\)/);
    expect(s0.after).toMatch(/^barrier: the process group failed earlier \(all-reduce \(sum\) on rank 0 of 2 failed/);
  });
});
