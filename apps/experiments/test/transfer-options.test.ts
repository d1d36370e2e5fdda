import * as tf from '@tensorflow/tfjs-core';
import { createTransferNet, type TransferNetPrior } from '@vqct/transfer-net';
import { useNodeBackend } from '@vqct/backend-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCollapseArgs } from '../src/options';
import { transferOptionsOf } from '../src/transfer-options';

// 3 adjectives + 4 nouns with 5-d vectors and one edge each way: enough for either kind of net.
const prior: TransferNetPrior = {
  kAdj: 3, kNoun: 4, dim: 5,
  vectors: Float32Array.from({ length: 35 }, (_, i) => Math.sin(i + 1)),
  edgeIndex: Int32Array.from([0, 3, 1, 4, 2, 5, 0, 6]), edgeWeight: Float32Array.from([1, 2, 1, 1]),
};

describe('the mlp variant options (docs/RESULTS.md, "The MLP discrepancy")', () => {
  beforeAll(async () => {
    await useNodeBackend({ backend: 'cpu' });
  });

  it('parses --mlp-init and --mlp-dropout, defaults to the GCN\'s init and dropout, rejects bad values', () => {
    const d = parseCollapseArgs([]);
    expect([d.mlpInit, d.mlpDropout]).toEqual(['glorot', 0.5]);
    const o = parseCollapseArgs(['--mlp-init', 'torch-linear', '--mlp-dropout=0']);
    expect([o.mlpInit, o.mlpDropout]).toEqual(['torch-linear', 0]);
    expect(() => parseCollapseArgs(['--mlp-init', 'kaiming'])).toThrow(/--mlp-init.*kaiming/);
    expect(() => parseCollapseArgs(['--mlp-dropout', '1'])).toThrow(/--mlp-dropout/);
  });

  it('applies them to the mlp variant only: the GCN variants keep METHOD.md\'s net', () => {
    const before = tf.memory().numTensors;
    const o = { seed: 3, mlpInit: 'torch-linear' as const, mlpDropout: 0.1 };
    const mlp = createTransferNet(prior, transferOptionsOf('mlp', o, 8));
    const gcn = createTransferNet(prior, transferOptionsOf('vqct', o, 8));
    const rnd = createTransferNet(prior, transferOptionsOf('random', o, 8));
    expect([mlp.config.kind, mlp.config.init, mlp.config.dropout, mlp.config.features]).toEqual(['mlp', 'torch-linear', 0.1, 'words']);
    expect([gcn.config.kind, gcn.config.init, gcn.config.dropout, gcn.config.features]).toEqual(['gcn', 'glorot', 0.5, 'words']);
    expect([rnd.config.kind, rnd.config.init, rnd.config.features]).toEqual(['gcn', 'glorot', 'random']);
    // torch-linear's bias is drawn, Glorot's is zero.
    expect((mlp.namedWeights()['mlp.0.bias'].dataSync() as Float32Array).some((v) => v !== 0)).toBe(true);
    expect((gcn.namedWeights()['gcn.0.bias'].dataSync() as Float32Array).every((v) => v === 0)).toBe(true);
    [mlp, gcn, rnd].forEach((n) => n.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
