import * as tf from '@tensorflow/tfjs-core';
import { BatchLoader, Trainer } from '@vqct/vq';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../readme-example.mjs';
import { heldOutBits } from './eval/held-out-nll';
import { TokenTransformer } from './model/token-transformer';
import { sampleTokens } from './sample/sample-tokens';
import { TokenSequenceDataset } from './train/token-sequence-dataset';
import { createTransformerStep } from './train/transformer-step';

describe('README', () => {
  it('runs the Example section as written, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const bindings = { tf, TokenTransformer, TokenSequenceDataset, createTransformerStep, sampleTokens, heldOutBits, BatchLoader, Trainer };
    const out = await runReadmeExample(new URL('../README.md', import.meta.url), bindings, 'return { bitsPerToken, shape: sampled.shape, guided: guided.shape };') as { bitsPerToken: number; shape: number[]; guided: number[] };
    expect(out.shape).toEqual([3, 2, 2, 3]);
    expect(out.guided).toEqual([3, 2, 2, 3]);
    expect(out.bitsPerToken).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
