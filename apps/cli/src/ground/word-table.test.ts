import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { withWordTable } from './word-table';

describe('withWordTable', () => {
  it('reports every code as the word the table gave it, and frees what it made', async () => {
    const { useNodeBackend } = await import('@vqct/backend-node');
    await useNodeBackend({ backend: 'wasm', threads: 1 });
    const before = tf.memory().numTensors;
    // Tokens [1, 1, 2, 3]: two positions of (adjective, adjective, noun).
    const model = {
      forward: () => ({
        reconstruction: tf.zeros([1, 2, 2, 3]) as tf.Tensor4D,
        quantLoss: tf.scalar(0),
        tokens: tf.tensor4d([0, 2, 1, 1, 0, 3], [1, 1, 2, 3], 'int32'),
      }),
    };
    // Word w gets code adjective[w] / noun[w]: adjective code 0 says word 1, code 1 word 2, code 2 word 0.
    const table = withWordTable(model, { adjective: Int32Array.from([2, 0, 1]), noun: Int32Array.from([3, 2, 0, 1]) });
    const out = tf.tidy(() => table.forward(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, { training: false }).tokens);
    expect(Array.from(await out.data())).toEqual([1, 0, 3, 2, 1, 0]);
    tf.dispose(out);
    table.dispose();
    // The model's own reconstruction and loss were made inside the caller's tidy.
    expect(tf.memory().numTensors).toBe(before);
  });
});
