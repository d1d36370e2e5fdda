import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '@vqct/core';
import { assemblePrior } from '../vocabulary/assemble-prior';
import { CorpusStats, pairKey } from '../tagging/corpus-stats';
import { selectVocabulary } from '../vocabulary/select-vocabulary';
import { decodePrior, encodePrior, priorDigest } from './prior-file';

export function smallPrior() {
  const s = new CorpusStats();
  s.merge({ descriptions: 3, adjectives: [['red', 3], ['big', 2], ['odd', 1]], nouns: [['bus', 4], ['dog', 2]], pairs: [['red', 'bus', 2], ['big', 'dog', 1], ['odd', 'dog', 1], ['red', 'dog', 1]] });
  const vocab = selectVocabulary(s, { minCount: 0 });
  const vecs = [[1, 0], [0, 1], undefined, [1, 1], [2, 0]].map((v) => (v ? Float32Array.from(v) : undefined));
  return assemblePrior(vocab, s.pairs, { dim: 2, vectors: vecs }, { corpusDigest: 'abc', embeddingSource: 'test', minCount: 0 });
}

describe('prior file', () => {
  it('assembles adjectives then nouns, drops words without vectors and their edges', () => {
    const p = smallPrior();
    expect(p.words).toEqual(['red', 'big', 'bus', 'dog']);
    expect([p.kAdj, p.kNoun, p.dim]).toEqual([2, 2, 2]);
    expect(Array.from(p.edgeIndex)).toEqual([0, 2, 1, 3, 0, 3]);
    expect(Array.from(p.edgeWeight)).toEqual([2, 1, 1]);
    expect(p.meta.droppedWords).toEqual(['odd/adj']);
    expect(pairKey('a', 'b')).not.toBe(pairKey('ab', ''));
  });

  it('round-trips exactly and the digest is stable', () => {
    const p = smallPrior();
    const bytes = encodePrior(p);
    const q = decodePrior(bytes, { source: 'p.safetensors' });
    expect(q).toEqual(p);
    expect(priorDigest(q)).toBe(priorDigest(p));
  });

  it('rejects a file whose edges point outside the codebook, naming the file', () => {
    const p = smallPrior();
    const f = decodeSafetensors(encodePrior(p));
    (f.tensors.edge_index.data as Int32Array)[1] = 1; // noun slot pointing at an adjective
    const bad = encodeSafetensors(f.tensors, f.metadata);
    expect(() => decodePrior(bad, { source: 'bad.safetensors' })).toThrow(/bad\.safetensors: edge 0: noun index 1/);
  });

  it('rejects inconsistent sizes, missing tensors and non-priors', () => {
    const f = decodeSafetensors(encodePrior(smallPrior()));
    expect(() => decodePrior(encodeSafetensors(f.tensors, { ...f.metadata, k_adj: '3' }), { source: 'x' })).toThrow(/k_adj 3 \+ k_noun 2 != 4/);
    const { counts: _c, ...noCounts } = f.tensors;
    expect(() => decodePrior(encodeSafetensors(noCounts, f.metadata), { source: 'x' })).toThrow(/"counts" is missing/);
    expect(() => decodePrior(encodeSafetensors(f.tensors, {}), { source: 'x' })).toThrow(/not a vqct prior/);
    expect(() => decodePrior(new Uint8Array([1, 2, 3]), { source: 'x' })).toThrow(/E?x: not a valid safetensors/);
  });

  it('refuses an empty vocabulary with a clear error', () => {
    const s = new CorpusStats();
    s.merge({ descriptions: 1, adjectives: [['red', 1]], nouns: [['bus', 1]], pairs: [] });
    const v = selectVocabulary(s, { minCount: 1 });
    expect(() => assemblePrior(v, s.pairs, { dim: 2, vectors: [] }, { corpusDigest: '', embeddingSource: 't', minCount: 1, corpusName: 'c.txt' }))
      .toThrow(/c\.txt: the vocabulary is empty after filtering: no adjectives and no nouns/);
  });
});
