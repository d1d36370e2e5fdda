import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors, sha256Hex } from '@vqct/core';
import { priorDigest } from '@vqct/prior';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import { createVqModel } from '../model/vq-model';
import { VariableCodebookSource } from '../quantizer/variable-codebook-source';
import { seededPrior } from '../train/testing/seeded-prior';
import { decodeCheckpoint, encodeCheckpoint } from './codec';
import { checkpointFromTorch, decodeTorchCheckpoint, encodeTorchCheckpoint } from './torch-file';

const prior = seededPrior(64, 128, 16, 3);
const codes = tf.randomNormal([192, 32], 0, 1, 'float32', 1) as tf.Tensor2D;
const source = new VariableCodebookSource(64, 128, codes);
codes.dispose();
const model = createVqModel(resolveVqModelConfig('tiny'), { codebook: source, seed: 2 });
const disc = new PatchDiscriminator({ inChannels: 3, seed: 2 });
afterAll(() => {
  model.dispose();
  disc.dispose();
  source.dispose();
});

/** A checkpoint with every group: random values everywhere (GroupNorm scales too), so a swapped or transposed tensor shows. */
function checkpoint() {
  const vars = tf.tidy(() => {
    const out: Record<string, tf.Variable> = {};
    let seed = 10;
    const add = (prefix: string, vs: Record<string, tf.Variable>) => {
      for (const [n, v] of Object.entries(vs)) {
        out[`${prefix}.${n}`] = tf.variable(tf.randomNormal(v.shape, 0, 1, 'float32', seed++));
      }
    };
    add('model', model.namedWeights());
    add('disc', disc.namedWeights());
    out['transfer.gcn.0.weight'] = tf.variable(tf.randomNormal([16, 32], 0, 1, 'float32', seed++));
    out['transfer.gcn.0.bias'] = tf.variable(tf.randomNormal([32], 0, 1, 'float32', seed++));
    out['transfer.gcn.1.weight'] = tf.variable(tf.randomNormal([32, 32], 0, 1, 'float32', seed++));
    out['transfer.gcn.1.bias'] = tf.variable(tf.randomNormal([32], 0, 1, 'float32', seed++));
    for (const [n, v] of Object.entries({ ...out })) {
      if (n.startsWith('disc.')) continue;
      out[`opt.g.m.${n}`] = tf.variable(tf.randomNormal(v.shape, 0, 1, 'float32', seed++));
      out[`opt.g.v.${n}`] = tf.variable(tf.randomUniform(v.shape, 0, 1, 'float32', seed++));
    }
    out['opt.g.t'] = tf.variable(tf.scalar(7));
    return out;
  });
  const meta = {
    weightsFile: 'step-00000007.safetensors', modelConfig: model.config, trainConfig: { transfer: { kind: 'gcn' } }, priorDigest: priorDigest(prior),
    step: 7, epoch: 0, data: { seed: 1, epoch: 0, cursor: 14, skipped: 0 }, rng: [1, 2, 3, 4], metrics: { total: 0.5 },
  };
  const encoded = encodeCheckpoint(vars, meta);
  tf.dispose(Object.values(vars));
  return encoded;
}

describe('torch files', () => {
  const ck = checkpoint();
  const tensors = decodeCheckpoint(ck.weights, ck.sidecar);
  const input = { tensors, sidecar: ck.sidecar, modelConfig: model.config, transfer: { kind: 'gcn', layers: 2 }, prior };

  it('round-trip a checkpoint bit for bit: weights, sidecar and prior', () => {
    const bytes = encodeTorchCheckpoint(input, { optimizer: true });
    const file = decodeSafetensors(bytes);
    expect(file.metadata.format).toBe('vqct-torch');
    expect(JSON.parse(file.metadata.ddconfig)).toEqual({ double_z: false, z_channels: 32, resolution: 32, in_channels: 3, out_ch: 3, ch: 32, ch_mult: [1, 2, 2], num_res_blocks: 1, attn_resolutions: [], dropout: 0 });
    expect(JSON.parse(file.metadata.quantizer)).toEqual({ kind: 'vqct', embed_dim: 32, top_k: 2, beta: 0.25, legacy: true, k_adj: 64, k_noun: 128 });
    expect(file.tensors['encoder.conv_in.weight'].shape).toEqual([32, 3, 3, 3]);
    expect(file.tensors['quantize.gcn.conv1.lin.weight'].shape).toEqual([32, 16]);
    expect(file.tensors['prior.edge_index']).toMatchObject({ dtype: 'I64', shape: [2, prior.edgeWeight.length] });
    expect(Number(file.tensors['prior.edge_index'].data[1])).toBe(prior.edgeIndex[2]);

    const back = decodeTorchCheckpoint(bytes, { source: 'm.safetensors' });
    expect(back.ignored).toEqual([]);
    expect(back.modelConfig).toEqual(model.config);
    expect(back.transfer).toEqual({ kind: 'gcn', layers: 2 });
    expect(priorDigest(back.prior!)).toBe(priorDigest(prior));
    const again = checkpointFromTorch(back, ck.sidecar, 'm.safetensors');
    expect(again.identical).toBe(true);
    expect(sha256Hex(again.weights)).toBe(ck.sidecar.weightsSha256);
    expect(again.sidecarText).toBe(ck.sidecarText);
    // Without the optimizer the model is the same but the file is not: it says so.
    const lean = checkpointFromTorch(decodeTorchCheckpoint(encodeTorchCheckpoint(input)), ck.sidecar);
    expect(lean.identical).toBe(false);
    expect(lean.sidecar.groups).toEqual({ model: 152, disc: 19, transfer: 4 });
  });

  it('leaves out the optimizer by default and the discriminator on request', () => {
    const names = Object.keys(decodeSafetensors(encodeTorchCheckpoint(input, { discriminator: false })).tensors);
    expect(names.some((n) => n.startsWith('optimizer.'))).toBe(false);
    expect(names.some((n) => n.startsWith('loss.'))).toBe(false);
    expect(names).toContain('decoder.conv_out.weight');
  });

  it('ignores what vqct has no use for and rejects what it does not know, naming the file', () => {
    const file = decodeSafetensors(encodeTorchCheckpoint(input));
    const t = file.tensors;
    const extra = {
      ...t,
      'loss.discriminator.main.3.num_batches_tracked': { dtype: 'I64' as const, shape: [], data: new BigInt64Array([5n]) },
      'loss.perceptual_loss.net.slice1.0.weight': { dtype: 'F32' as const, shape: [1], data: new Float32Array([1]) },
      'quantize.code_book_mapping.0.weight': { dtype: 'F32' as const, shape: [1, 1], data: new Float32Array([1]) },
    };
    const ok = decodeTorchCheckpoint(encodeSafetensors(extra, file.metadata), { source: 'a.safetensors' });
    expect(ok.ignored.map((l) => l.split(':')[0]).sort()).toEqual(['loss.discriminator.main.3.num_batches_tracked', 'loss.perceptual_loss.net.slice1.0.weight', 'quantize.code_book_mapping.0.weight']);
    const bad = (tensors: typeof t, md: Record<string, string>) => () => decodeTorchCheckpoint(encodeSafetensors(tensors, md), { source: 'b.safetensors' });
    expect(bad({ ...t, 'quantize.something.weight': t['post_quant_conv.bias'] }, file.metadata)).toThrow(/b\.safetensors: tensors with no vqct counterpart .*: quantize\.something\.weight/);
    expect(bad({ ...t, 'quant_conv.weight': { dtype: 'F64', shape: [1], data: new Float64Array(1) } }, file.metadata)).toThrow(/"quant_conv\.weight" is F64; vqct reads float32/);
    expect(bad(t, { ...file.metadata, format: 'x' })).toThrow(/not a vqct torch file/);
    const { ddconfig: _d, ...noDd } = file.metadata;
    expect(bad(t, noDd)).toThrow(/metadata "ddconfig" and "quantizer" \(JSON objects\) are required/);
    const dd = { ...JSON.parse(file.metadata.ddconfig), ch: 64 };
    expect(bad(t, { ...file.metadata, ddconfig: JSON.stringify(dd) })).toThrow(/metadata "ddconfig" .* disagrees with "vqct_model_config"/);
    const { vqct_model_config: _m, vqct_sidecar: _v, ...bare } = file.metadata;
    const derived = decodeTorchCheckpoint(encodeSafetensors(t, bare));
    expect(derived.modelConfig).toEqual(model.config);
    expect(derived.carriedSidecar).toBeNull();
    expect(() => decodeTorchCheckpoint(new Uint8Array([0x80, 2, 3, 4, 5, 6, 7, 8, 9]), { source: 'x.ckpt' })).toThrow(/x\.ckpt: .*convert it with tools\/torch\/ckpt_to_safetensors\.py/);
  });
});
