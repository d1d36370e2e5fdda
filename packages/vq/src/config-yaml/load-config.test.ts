import { describe, expect, it } from 'vitest';
import { loadRunConfig } from './load-config';

// Shaped like the authors' configs (taming-transformers' custom_vqgan.yaml plus VQCT's topk).
const TAMING = `
model:
  base_learning_rate: 4.5e-6
  target: taming.models.vqgan.VQModel
  params:
    embed_dim: 256
    n_embed: 3000
    topk: 2
    monitor: val/rec_loss
    ddconfig:
      double_z: False
      z_channels: 256
      resolution: 256
      in_channels: 3
      out_ch: 3
      ch: 128
      ch_mult: [1, 1, 2, 2, 4]
      num_res_blocks: 2
      attn_resolutions: [16]
      dropout: 0.0
    lossconfig:
      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator
      params:
        disc_conditional: False
        disc_in_channels: 3
        disc_start: 30001
        disc_weight: 0.8
        codebook_weight: 1.0
data:
  target: main.DataModuleFromConfig
  params:
    batch_size: 5
    num_workers: 8
    train:
      target: taming.data.custom.CustomTrain
      params:
        training_images_list_file: some/training.txt
        size: 256
lightning:
  trainer:
    max_epochs: 100
`;

describe('loadRunConfig', () => {
  it('maps a taming-style file and reports the keys it ignores', () => {
    const run = loadRunConfig(TAMING, 'custom_vqgan.yaml');
    expect(run.dialect).toBe('taming');
    expect(run.model).toEqual({
      codeDim: 256, kNoun: 3000, topK: 2, zChannels: 256, resolution: 256, inChannels: 3, outChannels: 3,
      ch: 128, chMult: [1, 1, 2, 2, 4], numResBlocks: 2, attnResolutions: [16], dropout: 0,
    });
    expect(run.train.baseLearningRate).toBe(4.5e-6);
    expect(run.train.batchSize).toBe(5);
    expect(run.train.loss).toMatchObject({ discStart: 30001, discWeight: 0.8, codebookWeight: 1, perceptualWeight: 1 });
    expect(run.discriminator).toEqual({ inChannels: 3 });
    expect(run.ignored).toEqual(expect.arrayContaining([
      'model.target: classes are not picked by dotted strings here',
      'model.params.monitor: logging only',
      'model.params.lossconfig.target: classes are not picked by dotted strings here',
      'data.params.num_workers: data loading is in-process',
      'data.params.train: not used by vqct',
      'lightning: PyTorch Lightning settings are not used',
    ]));
    expect(run.ignored.some((l) => l.startsWith('model.params.n_embed: used as kNoun'))).toBe(true);
  });

  it('rejects settings it cannot honour and bad values with the field named', () => {
    expect(() => loadRunConfig(TAMING.replace('disc_conditional: False', 'disc_conditional: True'), 'x.yaml'))
      .toThrow(/model\.params\.lossconfig\.params\.disc_conditional = true is not supported/);
    expect(() => loadRunConfig(TAMING.replace('batch_size: 5', 'batch_size: -5'), 'x.yaml')).toThrow(/x\.yaml: invalid training options:\n {2}batchSize/);
    expect(() => loadRunConfig('model: [1, 2', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
  });

  it('reads our own dialect strictly', () => {
    const run = loadRunConfig('model:\n  preset: tiny\ntrain:\n  steps: 10\n  loss:\n    discStart: 5\n', 'run.yaml');
    expect(run.dialect).toBe('vqct');
    expect(run.model).toEqual({ preset: 'tiny' });
    expect(run.train.steps).toBe(10);
    expect(run.train.loss.discStart).toBe(5);
    expect(run.trainGiven).toBe(true);
    expect(loadRunConfig('model:\n  preset: tiny\n', 'run.yaml').trainGiven).toBe(false);
    expect(() => loadRunConfig('trian:\n  steps: 1\n', 'run.yaml')).toThrow(/unknown top-level keys trian/);
    expect(() => loadRunConfig('train:\n  stepz: 1\n', 'run.yaml')).toThrow(/stepz/);
  });
});
