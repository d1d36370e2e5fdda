import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './digest';
import { Rng } from './rng';

describe('sha256', () => {
  it('matches node:crypto on lengths around block boundaries', () => {
    const rng = new Rng(7);
    for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const data = Uint8Array.from({ length: len }, () => rng.int(256));
      expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('is the same fed in chunks', () => {
    const text = 'a photo of a small yellow bird '.repeat(50);
    const h = new Sha256();
    for (let i = 0; i < text.length; i += 37) h.update(text.slice(i, i + 37));
    expect(h.hex()).toBe(sha256Hex(text));
  });
});

describe('Rng', () => {
  it('is deterministic per seed and resumable from its state', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    const saved = a.state();
    const seq = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    const c = Rng.fromState(saved);
    expect([c.nextUint32(), c.nextUint32(), c.nextUint32()]).toEqual(seq);
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('draws uniforms in [0,1) with the right mean and normals with unit variance', () => {
    const r = new Rng(9);
    let s = 0, s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      const g = r.normal();
      s2 += g * g;
    }
    expect(s / n).toBeCloseTo(0.5, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });

  it('rejects a bad state', () => {
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/4 uint32/);
  });
});
