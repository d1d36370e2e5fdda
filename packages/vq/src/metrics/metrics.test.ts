import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { CodebookUsage } from './codebook-usage';
import { frechetDistance } from './frechet';
import { psnr } from './psnr';
import { ssim } from './ssim';
import { symmetricEigen } from './symmetric-eigen';

describe('metrics', () => {
  it('PSNR and SSIM: known values, identity and ordering', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tidy(() => tf.add(x, 0.1) as tf.Tensor4D); // mse 0.01 -> 10 log10(4 / 0.01) = 26.02 dB
    const noisy = tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, 0.3, 'float32', 2)) as tf.Tensor4D);
    const p = psnr(x, y);
    expect(Array.from(p.dataSync())[0]).toBeCloseTo(10 * Math.log10(400), 2);
    const sSame = ssim(x, x);
    const sNoisy = ssim(x, noisy);
    expect(sSame.dataSync()[0]).toBeCloseTo(1, 5);
    expect(sNoisy.dataSync()[0]).toBeLessThan(0.9);
    tf.dispose([x, y, noisy, p, sSame, sNoisy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('codebook usage and perplexity per half', () => {
    const u = new CodebookUsage(4, 3);
    // k = 2 adjective slots + 1 noun per position
    u.add(new Int32Array([0, 1, 2, 0, 1, 2, 3, 3, 2, 0, 0, 2]), 3);
    const r = u.result();
    expect(r.adjective.used).toBe(3);
    expect(r.adjective.usage).toBe(0.75);
    expect(r.noun.used).toBe(1);
    expect(r.noun.perplexity).toBeCloseTo(1, 10);
    // adjective counts: 0 x3... [0,1,0,1,3,3,0,0] -> 0:4, 1:2, 3:2
    const pr = [4 / 8, 2 / 8, 2 / 8];
    expect(r.adjective.perplexity).toBeCloseTo(Math.exp(-pr.reduce((a, q) => a + q * Math.log(q), 0)), 10);
    expect(() => u.add(new Int32Array([0, 0, 3]), 3)).toThrow(/noun token 3 is outside \[0, 3\)/);
  });

  it('Jacobi eigenvalues of a known symmetric matrix', () => {
    const { values } = symmetricEigen(new Float64Array([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    expect(Array.from(values).sort((a, b) => a - b).map((v) => +v.toFixed(10))).toEqual([1, 3, 5]);
  });

  it('Fréchet distance: 0 for equal sets, the mean shift for shifted ones, both solver paths agree', () => {
    const rng = new Rng(4);
    const set = (n: number, d: number, shift = 0) => Array.from({ length: n }, () => Float32Array.from({ length: d }, () => rng.normal() + shift));
    const a = set(30, 5);
    expect(frechetDistance(a, a, 5)).toBeCloseTo(0, 6);
    const shifted = a.map((r) => r.map((v) => v + 0.5));
    expect(frechetDistance(a, shifted, 5)).toBeCloseTo(5 * 0.25, 4);
    // Few samples with wide features (Gram path) vs many samples (covariance path), same data layout.
    const wide1 = set(6, 10), wide2 = set(7, 10, 0.2);
    const viaGram = frechetDistance(wide1, wide2, 10);
    // Pad: the covariance path is taken when n > d; reuse the same vectors with d=10 by duplicating rows.
    const dup = (s: Float32Array[]) => [...s, ...s];
    const viaCov = frechetDistance(dup(dup(wide1)), dup(dup(wide2)), 10);
    expect(viaGram).toBeGreaterThan(0);
    // Duplicating rows keeps the mean and rescales the unbiased covariance by (n-1)/(4n-1) * 4; compare with that factor.
    const f1 = (4 * 5) / (4 * 6 - 1), f2 = (4 * 6) / (4 * 7 - 1);
    const mean = (s: Float32Array[]) => Array.from({ length: 10 }, (_, j) => s.reduce((t, r) => t + r[j], 0) / s.length);
    const m1 = mean(wide1), m2 = mean(wide2);
    const meanTerm = m1.reduce((t, v, j) => t + (v - m2[j]) ** 2, 0);
    const tr = (s: Float32Array[], m: number[]) => s.reduce((t, r) => t + r.reduce((u, v, j) => u + (v - m[j]) ** 2, 0), 0);
    const tr1 = tr(wide1, m1) / 5, tr2 = tr(wide2, m2) / 6;
    const crossGram = (meanTerm + tr1 + tr2 - viaGram) / 2;
    const crossCov = (meanTerm + f1 * tr1 + f2 * tr2 - viaCov) / 2;
    expect(crossCov).toBeCloseTo(crossGram * Math.sqrt(f1 * f2), 4);
  });
});
