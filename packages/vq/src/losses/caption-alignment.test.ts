import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { captionAlignmentLoss, halfAlignmentLoss, resolveCaptionAlignmentOptions } from './caption-alignment';

// Noun codes in 2-d: word 0 at the origin, word 1 at (10, 0), word 2 at (0, 10).
const codes = (): tf.Tensor2D => tf.tensor2d([[0, 0], [10, 0], [0, 10]]);
/** b = 1 image of 4 positions, all at `at`. */
const image = (at: [number, number]): tf.Tensor3D => tf.tensor3d([[at, at, at, at]]);
const target = (row: number[]): tf.Tensor2D => tf.tensor2d([row]);

describe('caption alignment loss', () => {
  it('is low when the image sits on its caption word, high on another word, for both pools', () => {
    const before = tf.memory().numTensors;
    for (const pool of ['assignment', 'encoding'] as const) {
      const o = { temperature: 0.1, pool };
      const right = tf.tidy(() => halfAlignmentLoss(image([10, 0]), codes(), target([0, 1, 0]), o).dataSync()[0]);
      const wrong = tf.tidy(() => halfAlignmentLoss(image([10, 0]), codes(), target([0, 0, 1]), o).dataSync()[0]);
      const half = tf.tidy(() => halfAlignmentLoss(image([10, 0]), codes(), target([0, 0.5, 0.5]), o).dataSync()[0]);
      expect(right).toBeLessThan(0.01);
      expect(wrong).toBeGreaterThan(5);
      expect(half).toBeCloseTo((right + wrong) / 2, 4); // multi-label: the mean over the caption's words
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts only images that have words, and assignment pooling rewards the share of positions on the word', () => {
    const o = { temperature: 0.1, pool: 'assignment' as const };
    const one = tf.tidy(() => halfAlignmentLoss(image([10, 0]), codes(), target([0, 0, 1]), o).dataSync()[0]);
    const withEmpty = tf.tidy(() => halfAlignmentLoss(
      tf.tensor3d([[[10, 0], [10, 0], [10, 0], [10, 0]], [[0, 0], [0, 0], [0, 0], [0, 0]]]), codes(), tf.tensor2d([[0, 0, 1], [0, 0, 0]]), o,
    ).dataSync()[0]);
    expect(withEmpty).toBeCloseTo(one, 5);
    // One of four positions on word 2: q(word 2) ~ 1/4, so the loss ~ log 4.
    const quarter = tf.tidy(() => halfAlignmentLoss(tf.tensor3d([[[0, 10], [10, 0], [10, 0], [10, 0]]]), codes(), target([0, 0, 1]), o).dataSync()[0]);
    expect(quarter).toBeCloseTo(Math.log(4), 2);
  });

  it('moves the encoder, the codebook or both, as asked', () => {
    const before = tf.memory().numTensors;
    const latent = tf.tidy(() => tf.variable(tf.randomNormal([2, 2, 2, 4], 0, 1, 'float32', 3)));
    const book = tf.tidy(() => tf.variable(tf.randomNormal([5, 2], 0, 1, 'float32', 4))); // kAdj 2, kNoun 3
    const targets = () => ({ adjective: tf.tensor2d([[1, 0], [0, 1]]), noun: tf.tensor2d([[0, 1, 0], [0.5, 0, 0.5]]) });
    const norms = (gradient: 'both' | 'codebook' | 'encoder') => {
      const g = tf.variableGrads(() => captionAlignmentLoss(latent as unknown as tf.Tensor4D, book as unknown as tf.Tensor2D, 2, targets(), resolveCaptionAlignmentOptions({ weight: 1, gradient })).total, [latent, book]);
      const n = [latent, book].map((v) => tf.tidy(() => tf.sum(tf.abs(g.grads[v.name])).dataSync()[0]));
      g.value.dispose();
      tf.dispose(g.grads);
      return n;
    };
    const [bz, bc] = norms('both');
    expect(bz).toBeGreaterThan(0);
    expect(bc).toBeGreaterThan(0);
    expect(norms('codebook')).toEqual([0, expect.closeTo(bc, 4)]);
    expect(norms('encoder')).toEqual([expect.closeTo(bz, 4), 0]);
    tf.dispose([latent, book]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('attract pulls only the caption words\' codes, where contrast also pushes the others', () => {
    const before = tf.memory().numTensors;
    const book = tf.tidy(() => tf.variable(tf.tensor2d([[1, 1], [9, 1], [1, 9]])));
    // The image sits near word 1 and word 2; its caption names word 0 only.
    const z = tf.tensor3d([[[9, 0], [9, 0], [0, 9], [0, 9]]]);
    const grads = (objective: 'contrast' | 'attract') => {
      const g = tf.variableGrads(() => halfAlignmentLoss(z, book as unknown as tf.Tensor2D, target([1, 0, 0]), { temperature: 0.1, pool: 'assignment', objective }), [book]);
      const rows = g.grads[book.name].arraySync() as number[][];
      g.value.dispose();
      tf.dispose(g.grads);
      return rows.map((r) => Math.hypot(r[0], r[1]));
    };
    const contrast = grads('contrast');
    const attract = grads('attract');
    expect(contrast[1]).toBeGreaterThan(1e-3); // the codes the image uses are pushed off it
    expect(attract[1]).toBe(0);
    expect(attract[2]).toBe(0);
    expect(attract[0]).toBeGreaterThan(1e-3);
    // Attract's value: the caption code's soft-minimum scaled distance to the positions (not normalised over the codes).
    const value = tf.tidy(() => halfAlignmentLoss(image([1, 1]), book as unknown as tf.Tensor2D, target([1, 0, 0]), { temperature: 0.1, pool: 'encoding', objective: 'attract' }).dataSync()[0]);
    expect(value).toBeCloseTo(0, 5);
    book.dispose();
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adds a code-usage part over both halves when usageWeight > 0', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const latent = tf.randomNormal([2, 2, 2, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
      const book = tf.randomNormal([5, 2], 0, 1, 'float32', 4) as tf.Tensor2D;
      const targets = { adjective: tf.tensor2d([[1, 0], [0, 1]]), noun: tf.tensor2d([[0, 1, 0], [0.5, 0, 0.5]]) };
      const off = captionAlignmentLoss(latent, book, 2, targets, resolveCaptionAlignmentOptions({ weight: 1 }));
      const on = captionAlignmentLoss(latent, book, 2, targets, resolveCaptionAlignmentOptions({ weight: 1, usageWeight: 1 }));
      expect(off.parts.usage.dataSync()[0]).toBe(0);
      const usage = on.parts.usage.dataSync()[0];
      expect(usage).toBeGreaterThan(0);
      expect(usage).toBeLessThan(2);
      expect(on.total.dataSync()[0]).toBeCloseTo(off.total.dataSync()[0], 5); // the usage part is weighed by the caller
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates its options, naming the field', () => {
    expect(() => resolveCaptionAlignmentOptions({ weight: -1 })).toThrow(/weight/);
    expect(() => resolveCaptionAlignmentOptions({ pool: 'max' as never })).toThrow(/pool/);
    expect(() => resolveCaptionAlignmentOptions({ objective: 'repel' as never })).toThrow(/objective/);
    expect(() => resolveCaptionAlignmentOptions({ usageWeight: -0.1 })).toThrow(/usageWeight/);
    expect(resolveCaptionAlignmentOptions({}).weight).toBe(0);
  });
});
