import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTorchBackend, torchAvailability } from '../src/index';

const found = torchAvailability();

describe.runIf(found.available)('the torch backend', () => {
  beforeAll(async () => {
    registerTorchBackend({ threads: 1 });
    expect(await tf.setBackend('torch')).toBe(true);
  });

  it('gives OpenBLAS the intra-op thread count, so no idle BLAS worker spins on another core', () => {
    if (!found.available) return;
    const info = found.native.info();
    expect(info.threads).toBe(1);
    // Debian's libtorch runs on OpenBLAS (pthread build); another BLAS reports null.
    if (info.blasThreads != null) expect(info.blasThreads).toBe(1);
    else expect(info.config).not.toMatch(/BLAS_INFO=open/);
  });

  it('round-trips float32, int32 and bool values through native memory', async () => {
    const f = tf.tensor([1.5, -2, 3.25], [3]);
    const i = tf.tensor([7, -8, 2 ** 30], [3], 'int32');
    const b = tf.tensor([true, false, true], [3], 'bool');
    expect(Array.from(await f.data())).toEqual([1.5, -2, 3.25]);
    expect(Array.from(i.dataSync())).toEqual([7, -8, 2 ** 30]);
    expect(b.dataSync()).toBeInstanceOf(Uint8Array);
    expect(Array.from(b.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([f, i, b]);
  });

  it('reports native bytes and frees them on dispose', () => {
    const before = tf.memory() as tf.MemoryInfo & { numBytesInNative: number; numNativeTensors: number };
    const t = tf.zeros([256, 256]);
    const during = tf.memory() as typeof before;
    expect(during.numBytesInNative - before.numBytesInNative).toBe(256 * 256 * 4);
    t.dispose();
    const after = tf.memory() as typeof before;
    expect(after.numBytesInNative).toBe(before.numBytesInNative);
    expect(after.numNativeTensors).toBe(before.numNativeTensors);
  });

  it('keeps tensor count and native memory flat over many kernels with gradients', () => {
    const x = tf.variable(tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 1));
    const w = tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.1, 'float32', 2));
    const opt = tf.train.adam(1e-2);
    const lossOf = () => tf.mean(tf.square(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')))) as tf.Scalar;
    opt.minimize(lossOf);
    const m0 = tf.memory() as tf.MemoryInfo & { numBytesInNative: number; numNativeTensors: number };
    for (let i = 0; i < 50; i++) opt.minimize(lossOf);
    const m1 = tf.memory() as typeof m0;
    expect(m1.numTensors).toBe(m0.numTensors);
    expect(m1.numNativeTensors).toBe(m0.numNativeTensors);
    expect(m1.numBytesInNative).toBe(m0.numBytesInNative);
    opt.dispose();
    tf.dispose([x, w]);
  });

  it('throws naming the kernel that torch does not register (never a silent fallback)', () => {
    const x = tf.tensor([1, 2, 3, 4]);
    expect(() => tf.spectral.rfft(x)).toThrow(/Kernel '(RFFT|FFT|Complex)' not registered for backend 'torch'/);
    x.dispose();
  });

  it('turns an ATen error into one naming the kernel and the operator', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const idx = tf.tensor1d([0, 5], 'int32');
    expect(() => tf.gather(x, idx)).toThrow(/the torch backend, kernel GatherV2: aten::index_select: .*out of range|index out of range/);
    tf.dispose([x, idx]);
  });

  it('computes like tfjs for int32 arithmetic (no float promotion)', () => {
    const a = tf.tensor1d([7, -7, 9], 'int32');
    const q = tf.floorDiv(a, tf.scalar(2, 'int32'));
    expect(q.dtype).toBe('int32');
    expect(Array.from(q.dataSync())).toEqual([3, -4, 4]);
    const s = tf.sum(a);
    expect(s.dtype).toBe('int32');
    expect(s.dataSync()[0]).toBe(9);
    tf.dispose([a, q, s]);
  });

  it('reduces Max and Min over the given axes only (Max names them reductionIndices)', () => {
    const x = tf.tensor3d([[[1, 5], [3, 4]]]);
    const max = tf.max(x, 1);
    const maxKeep = tf.max(x, -1, true);
    const min = tf.min(x, 1);
    expect(max.shape).toEqual([1, 2]);
    expect(Array.from(max.dataSync())).toEqual([3, 5]);
    expect(maxKeep.shape).toEqual([1, 2, 1]);
    expect(Array.from(maxKeep.dataSync())).toEqual([5, 4]);
    expect(Array.from(min.dataSync())).toEqual([1, 4]);
    // logSoftmax subtracts the max of each row: rows far apart stay finite.
    const ls = tf.logSoftmax(tf.tensor2d([[0, -1], [-500, -501]]));
    expect(Array.from(ls.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, max, maxKeep, min, ls]);
  });
});

describe.runIf(!found.available)('without libtorch', () => {
  it('says why the torch backend is unavailable', () => {
    expect(found.available).toBe(false);
    if (!found.available) expect(found.reason.length).toBeGreaterThan(10);
    expect(() => registerTorchBackend()).toThrow(/the torch backend is unavailable: /);
  });
});
