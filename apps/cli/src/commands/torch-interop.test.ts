import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadForInference } from '../checkpoint';
import { readImageBatch } from '../io/image-batch';
import { runCli, tempDir } from '../testing/run-cli';
import { comparePeer, readTensors, torchMissing, torchScript, vqctTorch, writeTensors, type PeerComparison } from '../testing/torch-peer';
import { FIXTURE_IMAGES, QUICK_TRAIN, fixturePrior } from '../testing/training-fixture';

// vqct <-> PyTorch (tools/torch): same tokens and reconstructions from the same weights, both ways.
const dir = tempDir('vqct-torch-');
const IMAGES = ['fmnist-bag-0.png', 'fmnist-dress-0.png', 'fmnist-sneaker-0.png', 'photo-cat.png', 'photo-coffee.jpg'].map((f) => join(FIXTURE_IMAGES, f));
const missing = torchMissing();
let prior = '';

beforeAll(async () => {
  prior = await fixturePrior();
  const r = await runCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '2', '--out', 'run', '--quiet'], dir);
  if (r.code !== 0) throw new Error(`training the fixture failed: ${r.stderr}`);
}, 400_000);

/** vqct's tokens and reconstruction of IMAGES with a checkpoint, compared with the Python side's on the same pixels. */
async function compareWithTorch(checkpoint: string, torchFile: string, tag: string): Promise<PeerComparison> {
  const { useNodeBackend } = await import('@vqct/backend-node');
  await useNodeBackend();
  const before = tf.memory().numTensors;
  const ck = loadForInference(join(dir, checkpoint));
  const x = await readImageBatch(IMAGES, ck.imageSize, ck.channels, 4);
  const tokens = ck.model.encode(x);
  const recon = ck.model.reconstruct(x);
  await writeTensors(join(dir, `${tag}-in.safetensors`), { images: x, tokens });
  const t = (await tokens.data()) as Int32Array;
  const r = (await recon.data()) as Float32Array;
  const per = tokens.shape[3];
  tf.dispose([x, tokens, recon]);
  ck.dispose();
  expect(tf.memory().numTensors).toBe(before);
  vqctTorch(['run', join(dir, torchFile), join(dir, `${tag}-in.safetensors`), join(dir, `${tag}-out.safetensors`)]);
  const cmp = comparePeer(t, r, readTensors(join(dir, `${tag}-out.safetensors`)), per);
  // The figures docs/torch-interop.md quotes.
  writeFileSync(join(dir, `${tag}-figures.json`), JSON.stringify(cmp));
  process.stderr.write(`torch interop (${tag}): ${JSON.stringify(cmp)}\n`);
  return cmp;
}

function expectSame(cmp: PeerComparison): void {
  expect(cmp.positions).toBe(IMAGES.length * 64);
  expect(cmp.disagreeNotTied).toBe(0);
  expect(cmp.agree).toBeGreaterThanOrEqual(cmp.positions - cmp.nearTies);
  expect(cmp.maxDecodedDiff).toBeLessThan(1e-4);
  if (cmp.agree === cmp.positions) expect(cmp.maxReconstructionDiff).toBeLessThan(1e-4);
}

const files = (d: string): string[] => ['step-00000002.safetensors', 'step-00000002.json', 'last.json', 'prior.safetensors'].map((f) => join(dir, d, f));

describe.skipIf(missing != null)(`vqct <-> PyTorch${missing != null ? ` (skipped: ${missing})` : ''}`, { timeout: 600_000 }, () => {
  it('a vqct checkpoint exported for PyTorch gives the same tokens and reconstructions there', async () => {
    const e = await runCli(['export', '--format', 'torch', '-c', 'run', '-o', 'run.torch.safetensors', '--optimizer', '--json'], dir);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ output: 'run.torch.safetensors', format: 'torch', step: 2, prior: true, groups: { model: expect.any(Number), transfer: 4, disc: 19 } });
    expectSame(await compareWithTorch('run', 'run.torch.safetensors', 'export'));
  });

  it('vqct -> PyTorch modules (strict state_dict) -> vqct is byte-identical', async () => {
    vqctTorch(['resave', join(dir, 'run.torch.safetensors'), join(dir, 'run.resaved.safetensors')]);
    const i = await runCli(['import', '--format', 'torch', 'run.resaved.safetensors', '-o', 'back', '--json'], dir);
    expect(i.code, i.stderr).toBe(0);
    const doc = JSON.parse(i.stdout);
    expect(doc).toMatchObject({ step: 2, identical: true });
    expect(doc.ignored.every((l: string) => l.includes('num_batches_tracked'))).toBe(true);
    const [a, b] = [files('run/checkpoints'), files('back')];
    a.forEach((f, k) => expect(readFileSync(b[k]).equals(readFileSync(f)), f).toBe(true));
  });

  it('a model initialised in PyTorch and imported gives the same tokens in vqct', async () => {
    const ddconfig = { double_z: false, z_channels: 32, resolution: 32, in_channels: 3, out_ch: 3, ch: 32, ch_mult: [1, 2, 2], num_res_blocks: 1, attn_resolutions: [16], dropout: 0 };
    const transfer = { kind: 'gcn', features: 'words', layers: 2, hiddenDim: 32, codeDim: 32, activation: 'relu', dropout: 0.5 };
    vqctTorch(['init', '--ddconfig', JSON.stringify(ddconfig), '--quantizer', JSON.stringify({ kind: 'vqct', embed_dim: 32, top_k: 2, beta: 0.25, legacy: true }),
      '--transfer', JSON.stringify(transfer), '--prior', prior, '--discriminator', '3,64,3', '--seed', '7', '--perturb', '0.1', '-o', join(dir, 'py.safetensors')]);
    const i = await runCli(['import', 'py.safetensors', '-o', 'py', '--json'], dir);
    expect(i.code, i.stderr).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ step: 0, identical: false, groups: { model: expect.any(Number), transfer: 4, disc: 19 } });
    expectSame(await compareWithTorch('py', 'py.safetensors', 'import'));
    // The attention blocks inside the levels made it across too.
    const w = readTensors(join(dir, 'py', 'step-00000000.safetensors'));
    expect(w['model.encoder.down.1.attn.0.proj_out.kernel'].shape).toEqual([1, 1, 64, 64]);
  });

  it('a Lightning-style .ckpt converted with ckpt_to_safetensors.py imports with the same tokens', async () => {
    // What a Lightning run leaves: the VQModel inside `model.`, torch_geometric < 2's GCNConv.weight [in, out], LPIPS weights.
    torchScript(['-c', `import sys, torch
from vqct_torch import load
m, _ = load(sys.argv[1])
sd = dict(m.state_dict())
for k in [k for k in sd if '.gcn.conv' in k and k.endswith('lin.weight')]:
    sd[k.replace('lin.weight', 'weight')] = sd.pop(k).t().contiguous()
sd['loss.perceptual_loss.lin0.model.1.weight'] = torch.ones(1, 64, 1, 1)
torch.save({'state_dict': {'model.' + k: v for k, v in sd.items()}, 'epoch': 3, 'global_step': 10, 'hyper_parameters': {'lr': 4.5e-6}}, sys.argv[2])`,
    join(dir, 'py.safetensors'), join(dir, 'last.ckpt')]);
    writeFileSync(join(dir, 'vqct.yaml'), `model:
  base_learning_rate: 4.5e-06
  target: taming.models.vqgan.VQModel
  params:
    embed_dim: 32
    topk: 2
    ddconfig: { double_z: false, z_channels: 32, resolution: 32, in_channels: 3, out_ch: 3, ch: 32, ch_mult: [1, 2, 2], num_res_blocks: 1, attn_resolutions: [16], dropout: 0.0 }
`);
    const args = ['ckpt_to_safetensors.py', join(dir, 'last.ckpt'), '--config', join(dir, 'vqct.yaml'), '--prior', prior, '--strip-prefix', 'model.', '-o', join(dir, 'converted.safetensors')];
    // torch 1.13's weights_only unpickler refuses the float hyper-parameter (newer torch takes it): the script says what to do.
    try {
      torchScript(args);
    } catch (e) {
      expect(String(e)).toMatch(/weights_only=True\) refused it .*rerun with --trust-pickle/);
      torchScript([...args, '--trust-pickle']);
    }
    const i = await runCli(['import', 'converted.safetensors', '-o', 'converted', '--json'], dir);
    expect(i.code, i.stderr).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ step: 0, groups: { transfer: 4, disc: 19 } });
    expectSame(await compareWithTorch('converted', 'py.safetensors', 'ckpt'));
  });
});

describe('vqct export / import: bad input', { timeout: 300_000 }, () => {
  it('exits 1 naming the file or flag', async () => {
    writeFileSync(join(dir, 'lightning.ckpt'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x05, 0, 0, 0]));
    writeFileSync(join(dir, 'empty.safetensors'), Buffer.alloc(0));
    const cases: Array<[string[], RegExp]> = [
      [['export', '--format', 'onnx', '-c', 'run'], /--format: "onnx" is not supported; expected one of torch/],
      [['export', '-c', 'nowhere'], /nowhere: --checkpoint: no such file or folder/],
      [['import', 'lightning.ckpt', '-o', 'x'], /lightning\.ckpt: .*convert it with tools\/torch\/ckpt_to_safetensors\.py/],
      [['import', 'empty.safetensors', '-o', 'x'], /empty\.safetensors: /],
      [['import', 'missing.safetensors', '-o', 'x'], /missing\.safetensors: no such file/],
      [['import', 'run/checkpoints/step-00000002.safetensors', '-o', 'x'], /not a vqct torch file \(metadata "format" is "vqct-checkpoint"/],
      [['import', 'run/checkpoints/prior.safetensors', '-o', 'run/checkpoints'], /run\/checkpoints: -o: this folder already holds a checkpoint/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, dir);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
  });
});
