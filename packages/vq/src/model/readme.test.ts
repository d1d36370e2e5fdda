import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../../readme-example.mjs';
import { resolveVqModelConfig } from '../config/resolve-config';
import { VariableCodebookSource } from '../quantizer/variable-codebook-source';
import { createVqModel } from './vq-model';

describe('README', () => {
  it('runs the Example section as written, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    await runReadmeExample(new URL('../../README.md', import.meta.url), { tf, createVqModel, resolveVqModelConfig, VariableCodebookSource });
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
