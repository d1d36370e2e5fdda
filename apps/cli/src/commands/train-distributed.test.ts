import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { torchAvailability } from '@vqct/backend-torch';
import { decodeSafetensors } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';
import { startCli, waitFor } from '../testing/training-fixture';

const torch = torchAvailability();
const gloo = torch.available && torch.native.distInfo().gloo;
const dir = tempDir('vqct-ddp-');
// The EMA quantizer: its code statistics must be summed over the workers to match the big
// batch; the PatchGAN from step 3 (after the resume): its BatchNorm statistics must be the batch's.
const TINY = ['--preset', 'tiny', '--quantizer', 'ema', '--data', 'fashion-mnist', '--limit', '48', '--seed', '5', '--disc-start', '2'];
const TORCH = ['--backend', 'torch', '--threads', '1'];

type Metric = Record<string, number>;
const metrics = (run: string): Metric[] => readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Metric);
const weights = (run: string, step: number) => decodeSafetensors(readFileSync(join(dir, run, 'checkpoints', `step-${String(step).padStart(8, '0')}.safetensors`))).tensors;

/** The pids of a process's children, with the RANK each was started with. */
function childRanks(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  const pids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  for (const p of pids) {
    const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
    const rank = env.find((e) => e.startsWith('RANK='));
    if (rank != null) out.set(Number(rank.slice(5)), p);
  }
  return out;
}

describe('vqct train, data-parallel: usage errors', () => {
  it('--nproc needs the torch backend, and says so', async () => {
    const r = await runCli(['--backend', 'wasm', 'train', ...TINY, '--steps', '1', '--nproc', '2', '--out', 'wasm'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--nproc: distributed training runs on libtorch's c10d and needs the torch backend \(--backend torch/);
  });
});

describe.runIf(gloo)('vqct train, data-parallel on loopback (c10d, Gloo)', { timeout: 300_000 }, () => {
  it('2 workers x batch 4 match 1 worker x batch 8 (losses and weights), and --resume continues the distributed run', async () => {
    const [one, two] = await Promise.all([
      runCli([...TORCH, 'train', ...TINY, '--batch-size', '8', '--steps', '3', '--out', 'one'], dir),
      runCli([...TORCH, 'train', ...TINY, '--batch-size', '4', '--steps', '2', '--nproc', '2', '--out', 'two'], dir),
    ]);
    expect(one.stderr).not.toMatch(/internal error/);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stderr).toMatch(/distributed: rank 0 of 2 .*batch 4 per worker, 8 in all/);
    const resumed = await runCli([...TORCH, 'train', '--out', 'two', '--resume', '--steps', '3', '--nproc', '2'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resume: continuing from step 2/);

    // Tolerance: the workers' gradients are means over 4 images, averaged by a sum over 2
    // ranks; one worker takes one mean over 8. Same terms, another float32 summation order:
    // ~1e-7 relative (measured) for L1 and the codebook loss; the GAN terms are noisier: the
    // GAN loss ~1e-5 (SyncBatchNorm sums), the total up to 1.7e-5 and the adaptive weight (a
    // ratio of two gradient norms at the decoder's last layer, which a nearest-code tie broken
    // the other way moves, see below) 1.7e-5 on one AMD EPYC, 1.4e-4 on another: so 1e-5, 1e-4
    // and 1e-3 leave room without hiding a real mismatch (a wrong shard, an unsummed EMA statistic,
    // per-rank BatchNorm statistics or an unreduced gradient move losses by 1e-3 or more, and
    // the weights below by far more).
    const a = metrics('one');
    const b = metrics('two');
    expect(b.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(Number.isFinite(a[2].gan) && Number.isFinite(a[2].disc)).toBe(true); // the GAN ran at step 3
    const tolerance: Record<string, number> = { l1: 1e-5, codebook: 1e-5, total: 1e-4, disc: 1e-4, gan: 1e-4, adaptiveWeight: 1e-3 };
    for (const [i, m] of a.entries()) {
      for (const [k, tol] of Object.entries(tolerance)) if (m[k] != null) expect(Math.abs(b[i][k] - m[k]) / Math.abs(m[k]), `${k} at step ${m.step}`).toBeLessThan(tol);
    }
    const wa = weights('one', 3);
    const wb = weights('two', 3);
    expect(Object.keys(wb).sort()).toEqual(Object.keys(wa).sort());
    // Weights, Adam moments and buffers: within 1e-5, or within 1% of the tensor's largest
    // magnitude. Two kinds of float noise need the second: a nearest-code tie that float noise
    // breaks the other way at one position changes that position's straight-through gradient,
    // and so the encoder's Adam moments by ~1e-3 of their scale (measured on an AMD EPYC: 1.3%
    // of all elements beyond 1e-5); and Adam's first steps are about lr x sign(g), so an
    // element whose gradient is noise (conv biases before a GroupNorm of one channel per group)
    // may step the other way: allowed, 2 lr per step, in under 0.1% of the elements. A real
    // mismatch moves most elements: one worker of batch 4 instead of two put 42% beyond both.
    // The bound on the worst element is for weights and buffers: an Adam moment follows its
    // gradient (m = 0.1 g at first), and a tie's changed gradient once moved one element of the
    // discriminator's first moments 1.1% of its tensor's largest magnitude (the fraction covers them).
    let worstOff = 0;
    let off = 0;
    let elements = 0;
    for (const [name, t] of Object.entries(wa)) {
      const x = t.data as Float32Array;
      const y = wb[name].data as Float32Array;
      const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      elements += x.length;
      for (let j = 0; j < x.length; j++) {
        const d = Math.abs(x[j] - y[j]);
        if (d <= 1e-5 || d <= 1e-2 * scale) continue;
        off += 1;
        if (!name.startsWith('opt.')) worstOff = Math.max(worstOff, d);
      }
    }
    expect(worstOff).toBeLessThan(3 * 2 * 2e-4);
    expect(off / elements).toBeLessThan(1e-3);
  });

  // One job checks both sides: the surviving worker fails on its own (its collective
  // sees the closed connection; rank 0's output is the launcher's), and the launcher names the dead rank.
  it('kill -9 of one worker: the other fails with a clear error and --nproc ends the job naming the rank, exit 1, no hang', async () => {
    const job = startCli([...TORCH, 'train', ...TINY, '--batch-size', '2', '--steps', '100000', '--nproc', '2', '--out', 'killed-nproc'], dir);
    await waitFor(() => /step 1\//.test(job.stderr()), 120_000, 'the first step');
    const ranks = childRanks(job.child.pid!);
    expect([...ranks.keys()].sort()).toEqual([0, 1]);
    process.kill(ranks.get(1)!, 'SIGKILL');
    const t0 = Date.now();
    const done = await job.done;
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/vqct: distributed training failed: worker rank 1 of 2 was killed by SIGKILL/);
    expect(done.stderr).toMatch(/vqct: .*on rank 0 of 2 failed \(a peer died, or did not join within \d+ s\): .+\[E_DISTRIBUTED\]/);
    // Rank 0 ended on its own error, before the launcher's SIGTERM (which once cut its report short).
    expect(done.stderr).toMatch(/worker rank 0 of 2 exited with code 1\n/);
  });
});
