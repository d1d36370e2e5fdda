import { describe, expect, it } from 'vitest';
import { resolveRunSettings } from './settings';

describe('resolveRunSettings: the transfer net', () => {
  it("keeps METHOD.md's network by default: dropout 0.5, Glorot init, hidden = e", () => {
    const s = resolveRunSettings({ preset: 'emoji-32' });
    expect(s.transfer).toMatchObject({ kind: 'gcn', features: 'words', dropout: 0.5, init: 'glorot', hiddenDim: s.model.codeDim });
  });

  it('takes --transfer-hidden, --transfer-dropout, --transfer-init and --transfer-lr-scale, and --transfer beside them', () => {
    const s = resolveRunSettings({ preset: 'emoji-32', transfer: 'mlp', transferHidden: 256, transferDropout: 0, transferInit: 'torch-linear', seed: 7 });
    expect(s.transfer).toMatchObject({ kind: 'mlp', features: 'words', hiddenDim: 256, dropout: 0, init: 'torch-linear', seed: 7 });
    expect(s.model.codeDim).not.toBe(256);
    expect(s.train.codebookLearningRateScale).toBe(1);
    expect(resolveRunSettings({ preset: 'emoji-32', transferLrScale: 0.1 }).train.codebookLearningRateScale).toBe(0.1);
    expect(() => resolveRunSettings({ transferHidden: 0 })).toThrow(/^--transfer-hidden must be at least 1, got 0/);
  });

  it('refuses transfer options for the learned codebooks, naming the flag', () => {
    expect(resolveRunSettings({ quantizer: 'vq' }).transfer).toBeNull();
    expect(() => resolveRunSettings({ quantizer: 'vq', transferHidden: 64 })).toThrow(/^--transfer-hidden 64 needs --quantizer vqct/);
    expect(() => resolveRunSettings({ quantizer: 'vq', transferLrScale: 0.5 })).toThrow(/^--transfer-lr-scale 0\.5 needs --quantizer vqct/);
    expect(() => resolveRunSettings({ quantizer: 'vq', transferDropout: 0.1 })).toThrow(/^--transfer-dropout 0\.1 needs --quantizer vqct \(the vq quantizer/);
    expect(() => resolveRunSettings({ quantizer: 'ema', transferInit: 'torch-linear' })).toThrow(/^--transfer-init torch-linear needs --quantizer vqct/);
    expect(() => resolveRunSettings({ quantizer: 'vq', transfer: 'random' })).toThrow(/^--transfer random needs --quantizer vqct/);
    expect(() => resolveRunSettings({ quantizer: 'vq', prior: 'p.safetensors' })).toThrow(/^--prior needs --quantizer vqct/);
  });
});
