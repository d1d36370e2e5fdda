import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { readDemoFiles } from '../../test/node-tokens';
import { loadTokenizer, transferOptions } from './load-tokenizer';

// The bundled demo model, the real files the page loads.
const demo = readDemoFiles(join(__dirname, '..', '..', 'public', 'demo'));

describe('loadTokenizer (bundled demo model, Node cpu/wasm)', () => {
  beforeAll(async () => {
    await useNodeBackend();
  });

  it('builds the model and its word codebook from the three files, and frees them', () => {
    const before = tf.memory().numTensors;
    const tok = loadTokenizer(demo);
    expect(tok.model.config.resolution).toBe(32);
    expect(tok.prior.words.length).toBe(tok.prior.kAdj + tok.prior.kNoun);
    expect(tok.net.inferenceCodebook().shape).toEqual([tok.prior.kAdj + tok.prior.kNoun, tok.model.config.codeDim]);
    const tokens = tf.tidy(() => tok.model.encode(tf.zeros([1, 32, 32, 3])));
    expect(tokens.shape).toEqual([1, 8, 8, tok.model.config.topK + 1]);
    tokens.dispose();
    tok.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a truncated checkpoint, the wrong prior and a baseline without words', () => {
    const cut = { ...demo, checkpoint: { ...demo.checkpoint, bytes: demo.checkpoint.bytes.subarray(0, 1000) } };
    expect(() => loadTokenizer(cut)).toThrow(expect.objectContaining({ code: 'E_CHECKPOINT', message: expect.stringMatching(/bytes.*truncated/) }));
    const sidecar = JSON.parse(demo.sidecar.text);
    const otherPrior = { ...demo, sidecar: { ...demo.sidecar, text: JSON.stringify({ ...sidecar, priorDigest: 'f'.repeat(64) }) } };
    expect(() => loadTokenizer(otherPrior)).toThrow(expect.objectContaining({ code: 'E_CHECKPOINT', message: expect.stringMatching(/wrong prior/) }));
    const baseline = { ...demo, sidecar: { ...demo.sidecar, text: JSON.stringify({ ...sidecar, priorDigest: null, modelConfig: { ...sidecar.modelConfig, quantizer: 'vq' } }) } };
    expect(() => loadTokenizer(baseline)).toThrow(/uses the vq quantizer: its codes have no words/);
    expect(() => loadTokenizer({ ...demo, sidecar: { ...demo.sidecar, text: '{"formatVersion": 1' } })).toThrow(expect.objectContaining({ code: 'E_CHECKPOINT' }));
  });

  it('reads the transfer net shape off the weights when the sidecar does not record it', () => {
    const w = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    const sidecar = JSON.parse(demo.sidecar.text);
    const opts = transferOptions({ ...sidecar, trainConfig: undefined }, { 'gcn.0.weight': w([100, 48]), 'gcn.0.bias': w([48]), 'gcn.1.weight': w([48, 32]), 'gcn.1.bias': w([32]) }, 'x');
    expect(opts).toMatchObject({ kind: 'gcn', layers: 2, hiddenDim: 48, codeDim: 32, dropout: 0 });
    expect(() => transferOptions(sidecar, {}, 'x')).toThrow(/not a VQCT model/);
  });
});
