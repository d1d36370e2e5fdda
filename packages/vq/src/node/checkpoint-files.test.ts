import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@vqct/core';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint-files';

const config = { preset: 'tiny', codeDim: 32, chMult: [1, 2, 2] };
const prior = 'a'.repeat(64);
const meta = (step: number) => ({
  modelConfig: config, priorDigest: prior, step, epoch: 0,
  data: { seed: 1, epoch: 0, cursor: step * 2, skipped: 0 }, rng: [1, 2, 3, 4], metrics: { total: 0.5 },
});

describe('checkpoint files', () => {
  const vars = tf.tidy(() => ({
    'model.w': tf.variable(tf.tensor2d([[1, 2], [3, 4]])),
    'disc.b': tf.variable(tf.tensor1d([0.5])),
    'opt.g.t': tf.variable(tf.scalar(3), false),
    'model.count': tf.variable(tf.tensor1d([7], 'int32'), false),
  }));
  afterAll(() => tf.dispose(Object.values(vars)));

  it('round-trips every variable and the sidecar, atomically, keeping the newest two', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-ck-'));
    for (const s of [1, 2, 3]) saveCheckpoint(dir, vars, meta(s));
    expect(readdirSync(dir).sort()).toEqual(['last.json', 'step-00000002.json', 'step-00000002.safetensors', 'step-00000003.json', 'step-00000003.safetensors']);
    const fresh = tf.tidy(() => ({
      'model.w': tf.variable(tf.zeros([2, 2])), 'disc.b': tf.variable(tf.zeros([1])),
      'opt.g.t': tf.variable(tf.scalar(0), false), 'model.count': tf.variable(tf.tensor1d([0], 'int32'), false),
    }));
    const side = restoreCheckpoint(dir, fresh, { modelConfig: { ...config }, priorDigest: prior });
    expect(side.step).toBe(3);
    expect(side.data.cursor).toBe(6);
    expect(side.groups).toEqual({ model: 2, disc: 1, opt: 1 });
    expect(Array.from(fresh['model.w'].dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(fresh['model.count'].dataSync())).toEqual([7]);
    expect(fresh['model.count'].dtype).toBe('int32');
    tf.dispose(Object.values(fresh));
  });

  it('keeps the milestones of keepEvery beside the newest two, and loads one of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-ck-'));
    for (const s of [1, 2, 3, 4, 5, 6, 7]) saveCheckpoint(dir, vars, meta(s), { keepEvery: 3 });
    const steps = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).map((f) => Number(f.slice(5, 13)));
    expect(steps).toEqual([3, 6, 7]);
    expect(loadCheckpoint(join(dir, 'step-00000003.json'), { modelConfig: config, priorDigest: prior }).sidecar.step).toBe(3);
  });

  it('rejects truncated, corrupt, mismatched and missing checkpoints with clear messages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-ck-'));
    const side = saveCheckpoint(dir, vars, meta(5));
    const weights = join(dir, side.weightsFile);
    const bytes = readFileSync(weights);
    const expectFail = (re: RegExp, expect_ = {}) => {
      try {
        loadCheckpoint(dir, expect_);
        throw new Error('loaded');
      } catch (e) {
        expect(e).toBeInstanceOf(CheckpointError);
        expect((e as Error).message).toMatch(re);
      }
    };
    expect(() => loadCheckpoint(dir, { modelConfig: config, priorDigest: prior })).not.toThrow();
    expectFail(/wrong prior/, { priorDigest: 'b'.repeat(64) });
    expectFail(/different model config \(codeDim: checkpoint 32, run 64\)/, { modelConfig: { ...config, codeDim: 64 } });
    writeFileSync(weights, bytes.subarray(0, bytes.length - 10));
    expectFail(/step-00000005\.safetensors: weights file has \d+ bytes, the sidecar says \d+ \(truncated/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x40;
    writeFileSync(weights, flipped);
    expectFail(/does not match the sidecar's .* \(corrupt\)/);
    writeFileSync(weights, bytes);
    const sidecar = readFileSync(join(dir, 'last.json'), 'utf8');
    writeFileSync(join(dir, 'last.json'), sidecar.slice(0, 40));
    expectFail(/last\.json: sidecar is not valid JSON \(truncated\?\)/);
    expect(() => loadCheckpoint(mkdtempSync(join(tmpdir(), 'vqct-empty-')))).toThrow(/no checkpoint here/);
    // A sidecar may only name a weights file in its own folder.
    writeFileSync(join(dir, 'last.json'), sidecar.replace(/"weightsFile": "[^"]+"/, '"weightsFile": "../../etc/x.safetensors"'));
    expectFail(/weightsFile.*a \.safetensors file name in the same folder/);
    // Nesting deep enough to overflow a recursive check is refused first.
    writeFileSync(join(dir, 'last.json'), sidecar.replace('"modelConfig": {', `"deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "modelConfig": {`));
    expectFail(/last\.json: sidecar: JSON nests deeper than 64 levels/);
  });

  it('restoring into a different set of variables names what is missing or unexpected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-ck-'));
    saveCheckpoint(dir, vars, meta(1));
    const other = tf.tidy(() => ({ 'model.w': tf.variable(tf.zeros([2, 2])), 'model.extra': tf.variable(tf.zeros([1])) }));
    expect(() => restoreCheckpoint(dir, other)).toThrow(/missing: model\.extra; unexpected: disc\.b, model\.count, opt\.g\.t/);
    const wrongShape = tf.tidy(() => ({ ...vars, 'model.w': tf.variable(tf.zeros([4])) }));
    expect(() => restoreCheckpoint(dir, wrongShape)).toThrow(/"model\.w" has shape \[2, 2\] in the checkpoint, \[4\] here/);
    tf.dispose([...Object.values(other), wrongShape['model.w']]);
  });
});
