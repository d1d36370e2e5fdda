import { afterAll, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import { createVqModel } from '../model/vq-model';
import { fromTorchLayout, toTorchLayout } from './torch-layout';
import { fromTorchName, toTorchName } from './torch-names';

const config = resolveVqModelConfig({ preset: 'tiny', quantizer: 'vq', attnResolutions: [16] });
const model = createVqModel(config, { seed: 1 });
const disc = new PatchDiscriminator({ inChannels: 3, seed: 1 });
afterAll(() => {
  model.dispose();
  disc.dispose();
});

function checkpointNames(): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [n, v] of Object.entries(model.namedWeights())) out[`model.${n}`] = v.shape;
  for (const [n, v] of Object.entries(disc.namedWeights())) out[`disc.${n}`] = v.shape;
  for (const l of [0, 1]) {
    out[`transfer.gcn.${l}.weight`] = [l === 0 ? 100 : 32, 32];
    out[`transfer.gcn.${l}.bias`] = [32];
    out[`transfer.mlp.${l}.weight`] = [l === 0 ? 100 : 32, 32];
    out[`transfer.mlp.${l}.bias`] = [32];
  }
  for (const [n, s] of Object.entries({ ...out })) {
    out[`opt.g.m.${n}`] = s;
    out[`opt.g.v.${n}`] = s;
  }
  out['opt.g.t'] = [];
  out['opt.d.t'] = [];
  return out;
}

describe('torch names', () => {
  it("gives every checkpoint tensor taming's / torch_geometric's name and maps it back", () => {
    const names = checkpointNames();
    const torch = new Map<string, string>();
    for (const name of Object.keys(names)) {
      const m = toTorchName(name);
      expect(torch.has(m.name), `${name} and ${torch.get(m.name)} collide on ${m.name}`).toBe(false);
      torch.set(m.name, name);
      expect(fromTorchName(m.name)).toEqual({ name, layout: m.layout });
    }
    const t = Object.fromEntries([...torch].map(([tn, vn]) => [tn, toTorchName(vn).layout]));
    expect(t).toMatchObject({
      'encoder.conv_in.weight': 'conv',
      'encoder.conv_in.bias': 'copy',
      'encoder.down.0.block.0.norm1.weight': 'copy',
      'encoder.down.0.block.0.norm1.bias': 'copy',
      'encoder.down.0.downsample.conv.weight': 'conv',
      'encoder.down.1.block.0.nin_shortcut.weight': 'conv',
      'encoder.down.1.attn.0.q.weight': 'conv',
      'encoder.mid.attn_1.proj_out.bias': 'copy',
      'encoder.norm_out.weight': 'copy',
      'quant_conv.weight': 'conv',
      'post_quant_conv.bias': 'copy',
      'quantize.embedding.weight': 'copy',
      'decoder.up.2.upsample.conv.weight': 'conv',
      'decoder.up.1.attn.1.k.weight': 'conv',
      'decoder.conv_out.weight': 'conv',
      'quantize.gcn.conv1.lin.weight': 'linear',
      'quantize.gcn.conv2.bias': 'copy',
      'quantize.code_book_mapping.2.weight': 'linear',
      'loss.discriminator.main.0.weight': 'conv',
      'loss.discriminator.main.0.bias': 'copy',
      'loss.discriminator.main.2.weight': 'conv',
      'loss.discriminator.main.3.weight': 'copy',
      'loss.discriminator.main.9.running_var': 'copy',
      'loss.discriminator.main.11.weight': 'conv',
      'loss.discriminator.main.11.bias': 'copy',
      'optimizer.g.exp_avg.encoder.conv_in.weight': 'conv',
      'optimizer.g.exp_avg_sq.quantize.gcn.conv1.lin.weight': 'linear',
      'optimizer.g.step': 'copy',
    });
    // taming's BatchNorm layers take no conv bias: main.2/5/8 have a weight only.
    expect(torch.has('loss.discriminator.main.2.bias')).toBe(false);
  });

  it('knows nothing else', () => {
    expect(() => toTorchName('model.encoder.conv_in.weird')).toThrow(/"model\.encoder\.conv_in\.weird" has no PyTorch name/);
    expect(() => toTorchName('other.x')).toThrow(/no PyTorch name/);
    for (const n of ['encoder.conv_in.scale', 'loss.discriminator.main.1.weight', 'quantize.gcn.conv0.bias', 'quantize.code_book_mapping.1.weight', 'model.x', 'optimizer.g.exp_avg.nope']) {
      expect(fromTorchName(n), n).toBeNull();
    }
  });
});

describe('torch layouts', () => {
  it('puts an HWIO kernel into OIHW and back, bit for bit', () => {
    const [kh, kw, ci, co] = [3, 2, 4, 5];
    const data = Float32Array.from({ length: kh * kw * ci * co }, (_, i) => i + 0.5);
    const t = toTorchLayout(data, [kh, kw, ci, co], 'conv', 'k');
    expect(t.shape).toEqual([co, ci, kh, kw]);
    for (const [h, w, i, o] of [[0, 0, 0, 0], [2, 1, 3, 4], [1, 0, 2, 3], [0, 1, 1, 2]]) {
      expect(t.data[((o * ci + i) * kh + h) * kw + w]).toBe(data[((h * kw + w) * ci + i) * co + o]);
    }
    const back = fromTorchLayout(t.data, t.shape, 'conv', 'k');
    expect(back.shape).toEqual([kh, kw, ci, co]);
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
  });

  it('transposes Linear weights and copies the rest', () => {
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]); // [in 2, out 3]
    expect(Array.from(toTorchLayout(w, [2, 3], 'linear', 'w').data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(toTorchLayout(w, [6], 'copy', 'b').data).toBe(w);
    expect(() => toTorchLayout(w, [6], 'conv', 'x.kernel')).toThrow(/"x\.kernel" has shape \[6\]; a conv tensor must have rank 4/);
  });
});
