import { torchAvailability } from '@vqct/backend-torch';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';
import { FIXTURE_IMAGES, QUICK_TRAIN, fixturePrior, startCli, waitFor } from '../testing/training-fixture';

const dir = tempDir('vqct-train-');
let prior = '';

beforeAll(async () => {
  prior = await fixturePrior();
}, 300_000);

const metricsSteps = (run: string): number[] =>
  readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);

describe('vqct train', { timeout: 900_000 }, () => {
  it('trains on real fashion-mnist images into a complete run folder, with a stable --json shape', async () => {
    const r = await runCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '4', '--checkpoint-every', '2', '--sample-every', '2', '--out', 'run-a', '--json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(Object.keys(res).sort()).toEqual(['backend', 'checkpoint', 'codebook', 'files', 'imagesPerSecond', 'loss', 'runDir', 'seconds', 'skippedImages', 'startStep', 'step', 'stepsPerSecond', 'stopped', 'targetSteps', 'usage', 'workers', 'rank'].sort());
    // The default backend: torch wherever its addon is built (CI installs libtorch-dev), else wasm.
    expect(res).toMatchObject({ stopped: 'completed', startStep: 0, step: 4, targetSteps: 4, backend: torchAvailability().available ? 'torch' : 'wasm' });
    expect(res.loss.first.l1).toBeGreaterThan(0);
    expect(Number.isFinite(res.loss.last.total)).toBe(true);
    expect(res.usage.noun.used).toBeGreaterThan(0);
    expect(res.usage.noun.used).toBeLessThanOrEqual(res.codebook.kNoun);
    const run = join(dir, 'run-a');
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['last.json', 'prior.safetensors', 'step-00000002.json', 'step-00000002.safetensors', 'step-00000004.json', 'step-00000004.safetensors']);
    expect(readdirSync(join(run, 'samples')).sort()).toEqual(['final.png', 'step-00000002.png', 'step-00000004.png']);
    expect(readdirSync(join(run, 'plots')).sort()).toEqual(['loss.png', 'loss.svg', 'usage.png', 'usage.svg']);
    expect(metricsSteps('run-a')).toEqual([1, 2, 3, 4]);
    expect(readFileSync(join(run, 'plots', 'loss.svg'), 'utf8')).toContain('<polyline');
    const png = readFileSync(join(run, 'samples', 'final.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const side = JSON.parse(readFileSync(join(run, 'checkpoints', 'last.json'), 'utf8'));
    expect(side.step).toBe(4);
    expect(side.trainConfig.transfer.kind).toBe('gcn');
    expect(side.trainConfig.prior.file).toBe('prior.safetensors');
    expect(side.groups.transfer).toBe(4);
    // The resolved config is reusable as --config.
    expect(readFileSync(join(run, 'config.yaml'), 'utf8')).toMatch(/model:\n\s+resolution: 32/);
    // A run folder is never overwritten.
    const again = await runCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '1', '--out', 'run-a'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/run-a already holds files; pass --resume/);
  });

  // ~9 minutes on 2 cores (five spawned trainings): too slow for every CI run.
  // Runs with VQCT_SLOW_TESTS=1; @vqct/vq's kill -9 resume test runs always.
  it.skipIf(process.env.VQCT_SLOW_TESTS !== '1')('Ctrl-C saves a checkpoint and exits 130; --resume continues; after kill -9 the last checkpoint resumes', async () => {
    const run = join(dir, 'run-int');
    const a = startCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '1000', '--checkpoint-every', '1000', '--sample-every', '0', '--out', 'run-int'], dir);
    await waitFor(() => /step \d+\/1000/.test(a.stderr()), 300_000, 'the first step');
    a.child.kill('SIGINT');
    const ra = await a.done;
    expect(ra.stderr).toMatch(/SIGINT: stopping after this step and saving a checkpoint/);
    expect(ra.code).toBe(130);
    expect(ra.stdout).toMatch(/interrupted: step 0 -> \d+ of 1000/);
    const stopped = JSON.parse(readFileSync(join(run, 'checkpoints', 'last.json'), 'utf8')).step as number;
    expect(stopped).toBeGreaterThan(0);
    const b = await runCli(['train', '--out', 'run-int', '--resume', '--steps', String(stopped + 2), '--json'], dir);
    expect(b.code).toBe(0);
    const rb = JSON.parse(b.stdout);
    expect(rb).toMatchObject({ startStep: stopped, step: stopped + 2, stopped: 'completed' });
    expect(metricsSteps('run-int')).toEqual(Array.from({ length: stopped + 2 }, (_, i) => i + 1));
    // kill -9 between checkpoints: the last complete checkpoint stays usable.
    const c = startCli(['train', '--out', 'run-int', '--resume', '--steps', '1000', '--checkpoint-every', '1'], dir);
    const lastStep = (): number => JSON.parse(readFileSync(join(run, 'checkpoints', 'last.json'), 'utf8')).step as number;
    await waitFor(() => lastStep() >= stopped + 3, 600_000, 'a checkpoint after resuming');
    c.child.kill('SIGKILL');
    await c.done;
    const k = lastStep();
    const d = await runCli(['train', '--out', 'run-int', '--resume', '--steps', String(k + 1), '--json'], dir);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ startStep: k, step: k + 1 });
    expect(new Set(metricsSteps('run-int')).size).toBe(metricsSteps('run-int').length);
  });

  it('trains a learned-codebook baseline on a folder of real images, skipping a corrupt one', async () => {
    const data = join(dir, 'photos');
    mkdirSync(data);
    for (const f of readdirSync(FIXTURE_IMAGES)) copyFileSync(join(FIXTURE_IMAGES, f), join(data, f));
    writeFileSync(join(data, 'broken.png'), 'this is not a png');
    const r = await runCli(['train', '--preset', 'tiny', '--data', 'photos', '--quantizer', 'vq', '--batch-size', '2', '--steps', '3', '--out', 'run-vq', '--json'], dir);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.codebook).toEqual({ kAdj: 64, kNoun: 128 });
    expect(res.skippedImages).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(dir, 'run-vq', 'checkpoints', 'last.json'), 'utf8')).priorDigest).toBeNull();
  });

  it('follows --lr-schedule cosine with --warmup-steps, logs the lr per step, and keeps the curve across a resume with more steps', async () => {
    const flags = [...QUICK_TRAIN, '--quantizer', 'vq', '--lr', '1e-3', '--lr-schedule', 'cosine', '--warmup-steps', '2', '--lr-final', '0', '--sample-every', '0'];
    const a = await runCli(['train', ...flags, '--steps', '5', '--checkpoint-every', '1', '--keep-every', '2', '--out', 'run-lr'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/lr 1\.00e-3 \(warm-up 2 steps, cosine to x0 at step 5\)/);
    const kept = (): string[] => readdirSync(join(dir, 'run-lr', 'checkpoints')).filter((f) => f.endsWith('.safetensors')).sort();
    // --keep-every 2: steps 2 and 4 survive pruning beside the newest two (4, 5).
    expect(kept()).toEqual(['step-00000002.safetensors', 'step-00000004.safetensors', 'step-00000005.safetensors']);
    const b = await runCli(['train', '--resume', '--steps', '7', '--out', 'run-lr'], dir);
    expect(b.code, b.stderr).toBe(0);
    // The resume keeps the run's --keep-every: 6 is a milestone, 5 falls out of the newest two.
    expect(kept()).toEqual(['step-00000002.safetensors', 'step-00000004.safetensors', 'step-00000006.safetensors', 'step-00000007.safetensors']);
    const lr = readFileSync(join(dir, 'run-lr', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { lr: number }).lr);
    // Updates 0-1 warm up; 2-4 follow the cosine from 1 (update 2) to 0 at 5; the resume stays at 0.
    const expected = [0.5, 1, 1, 0.75, 0.25, 0, 0].map((f) => f * 1e-3);
    expect(lr.length).toBe(7);
    lr.forEach((x, i) => expect(x, `step ${i + 1}`).toBeCloseTo(expected[i], 12));
    expect(JSON.parse(readFileSync(join(dir, 'run-lr', 'run.json'), 'utf8')).train.lrSchedule).toEqual({ kind: 'cosine', warmupSteps: 2, decaySteps: 5, finalFactor: 0 });
  });

  it('rejects bad inputs with one clear line and exit 1, leaving no run folder behind', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'model:\n  preset: tiny\n   codeDim: [\n');
    writeFileSync(join(dir, 'wrong-key.yaml'), 'model:\n  preset: tiny\n  codeDims: 32\n');
    writeFileSync(join(dir, 'taming.yaml'), 'model:\n  base_learning_rate: 4.5e-6\n  params:\n    embed_dim: 32\n    n_embed: 128\n    ddconfig:\n      double_z: true\n');
    writeFileSync(join(dir, 'corrupt.safetensors'), 'garbage');
    const cases: Array<[string[], RegExp]> = [
      [['--preset', 'huge'], /argument 'huge' is invalid\. Allowed choices are tiny, emoji-32, bench-32, paper-256/],
      [['--config', 'bad.yaml'], /bad\.yaml: not valid YAML/],
      [['--config', 'missing.yaml'], /missing\.yaml: --config: no such file/],
      [['--config', 'wrong-key.yaml'], /wrong-key\.yaml.*codeDims/],
      [['--config', 'taming.yaml'], /double_z = true is not supported/],
      [['--data', 'no-such-folder'], /no-such-folder: --data: no such folder/],
      [['--prior', 'corrupt.safetensors'], /corrupt\.safetensors/],
      [['--prior', 'nope.safetensors'], /nope\.safetensors: no such file/],
      [['--quantizer', 'vq', '--transfer', 'mlp'], /--transfer mlp needs --quantizer vqct/],
      [['--transfer-dropout', '1'], /--transfer-dropout expects a rate in \[0, 1\), got "1"/],
      [['--transfer-lr-scale', '-1'], /--transfer-lr-scale expects a number >= 0, got "-1"/],
      [['--transfer-init', 'he'], /argument 'he' is invalid\. Allowed choices are glorot, torch-linear/],
      [['--steps', 'ten'], /--steps expects a non-negative integer, got "ten"/],
      [['--lr-final', '2'], /--lr-final expects a factor in \[0, 1\], got "2"/],
      [['--lr-schedule', 'step'], /argument 'step' is invalid\. Allowed choices are constant, cosine/],
      [['--resume'], /has no checkpoints\/last\.json/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['train', '--batch-size', '2', '--steps', '1', '--limit', '10', '--out', 'bad-run', ...args], dir);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(join(dir, 'bad-run')), args.join(' ')).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
