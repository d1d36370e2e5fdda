import { isVqctError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { VQ_MODEL_PRESETS } from './presets';
import { defaultVqModelConfig, downsampleFactor, resolveVqModelConfig } from './resolve-config';

describe('resolveVqModelConfig', () => {
  it('defaults to the authors\' 256 config and resolves presets by name or with overrides', () => {
    expect(resolveVqModelConfig()).toEqual(defaultVqModelConfig);
    expect(defaultVqModelConfig).toMatchObject({ ch: 128, chMult: [1, 1, 2, 2, 4], numResBlocks: 2, attnResolutions: [16], zChannels: 256, codeDim: 256, topK: 2, beta: 0.25, betaPlacement: 'authors' });
    expect(resolveVqModelConfig('bench-32')).toEqual(VQ_MODEL_PRESETS['bench-32']);
    const c = resolveVqModelConfig({ preset: 'tiny', quantizer: 'ema', betaPlacement: 'vqvae' });
    expect(c).toMatchObject({ ch: 32, quantizer: 'ema', betaPlacement: 'vqvae' });
    expect(downsampleFactor(c)).toBe(4);
  });

  it('lists every problem with field, value and expectation', () => {
    let err: unknown;
    try {
      resolveVqModelConfig({ ch: 48, topK: 0, quantizer: 'gumbel' as never, bogus: 1 } as never);
    } catch (e) {
      err = e;
    }
    expect(isVqctError(err) && err.code).toBe('E_CONFIG');
    const msg = (err as Error).message;
    expect(msg).toMatch(/topK: .*got 0/);
    expect(msg).toMatch(/quantizer: .*got "gumbel"/);
    expect(msg).toMatch(/bogus/);
    expect(() => resolveVqModelConfig({ ch: 48 })).toThrow(/channel count 48 is not divisible by GroupNorm's 32 groups/);
    expect(() => resolveVqModelConfig({ preset: 'tiny', resolution: 30 })).toThrow(/resolution: 30 is not divisible by the downsampling factor 4/);
    expect(() => resolveVqModelConfig('huge' as never)).toThrow(/unknown preset "huge"/);
    expect(() => resolveVqModelConfig({ preset: 'tiny', quantizer: 'vq', kAdj: 1 })).toThrow(/topK: 2 exceeds kAdj 1/);
    expect(() => resolveVqModelConfig({ preset: 'tiny', kAdj: 0 })).toThrow(/kAdj: 0 is only allowed/);
  });
});
