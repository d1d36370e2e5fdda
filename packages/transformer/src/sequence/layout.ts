import { InputError, ShapeError } from '@vqct/core';
import type { ConditionSpec, TokenGridSpec } from '../config/options';
import { imageTokenCount, prefixLength } from '../config/options';

/**
 * How a token grid becomes one sequence (README, "The sequence"):
 *
 *   [prefix (P ids)] [noun, adj_1, ..., adj_k] per position, in raster order
 *
 * Ids share one vocabulary with the prior: adjective a is `a`, noun n is
 * `kAdj + n` (the index of its word in `prior.words`); after the words come
 * BOS, PAD and one id per class. Which kind of token comes next is fixed by
 * its place in the sequence, and the model has one output head per kind, so a
 * sample is a valid grid by construction.
 */
export interface SequenceLayout {
  readonly tokens: TokenGridSpec;
  readonly condition: ConditionSpec;
  /** kAdj + kNoun: the ids that are words. */
  readonly words: number;
  readonly bos: number;
  readonly pad: number;
  /** Id of class 0 (classes follow). */
  readonly firstClass: number;
  /** Size of the input embedding table. */
  readonly vocabularySize: number;
  /** P. */
  readonly prefixLength: number;
  /** L = h * w * (k + 1). */
  readonly imageLength: number;
}

/** The layout of a config's sequences. @example sequenceLayout(config).vocabularySize */
export function sequenceLayout(spec: { tokens: TokenGridSpec; condition: ConditionSpec }): SequenceLayout {
  const words = spec.tokens.kAdj + spec.tokens.kNoun;
  const classes = spec.condition.kind === 'class' ? spec.condition.classes : 0;
  return {
    tokens: spec.tokens,
    condition: spec.condition,
    words,
    bos: words,
    pad: words + 1,
    firstClass: words + 2,
    vocabularySize: words + 2 + classes,
    prefixLength: prefixLength(spec.condition),
    imageLength: imageTokenCount(spec.tokens),
  };
}

/** True when image token j (0-based, after the prefix) is a noun: the first of each position's k + 1. */
export function isNounSlot(layout: SequenceLayout, j: number): boolean {
  return j % (layout.tokens.adjectives + 1) === 0;
}

/** What one sequence is conditioned on: nothing, a class index, or word ids of the prior (`wordIds`). */
export type Condition = { kind: 'none' } | { kind: 'class'; label: number } | { kind: 'words'; ids: number[] };

/** The P prefix ids for a condition; throws InputError when it does not fit the layout. */
export function conditionPrefix(layout: SequenceLayout, condition: Condition): Int32Array {
  const spec = layout.condition;
  if (condition.kind !== spec.kind) throw new InputError(`this transformer is conditioned on ${spec.kind === 'none' ? 'nothing' : spec.kind === 'class' ? 'a class' : 'words'}, got a ${condition.kind} condition`);
  if (condition.kind === 'none') return Int32Array.of(layout.bos);
  if (condition.kind === 'class') {
    const classes = spec.kind === 'class' ? spec.classes : 0;
    if (!(Number.isInteger(condition.label) && condition.label >= 0 && condition.label < classes)) {
      throw new InputError(`class ${condition.label} is out of range; expected 0..${classes - 1}`);
    }
    return Int32Array.of(layout.firstClass + condition.label);
  }
  const length = spec.kind === 'words' ? spec.length : 0;
  const ids = condition.ids;
  if (ids.length > length) throw new InputError(`the prompt has ${ids.length} words; this transformer takes at most ${length}`);
  const bad = ids.filter((id) => !(Number.isInteger(id) && id >= 0 && id < layout.words));
  if (bad.length > 0) throw new InputError(`word ids ${bad.join(', ')} are not words of the prior (0..${layout.words - 1})`);
  // Left-padded, so the last prefix token (BOS) always sits right before the image.
  const out = new Int32Array(length + 1).fill(layout.pad);
  out.set(ids, length - ids.length);
  out[length] = layout.bos;
  return out;
}

/**
 * The prefix that says "no condition", the same length as every prefix of the
 * layout: `[BOS]` for none and class layouts, `[PAD.., BOS]` (a blank prompt)
 * for words. Condition dropout trains on it and classifier-free guidance
 * samples against it.
 *
 * @example unconditionalPrefix(layout); // Int32Array [layout.bos] for a class layout
 */
export function unconditionalPrefix(layout: SequenceLayout): Int32Array {
  const out = new Int32Array(layout.prefixLength).fill(layout.pad);
  out[layout.prefixLength - 1] = layout.bos;
  return out;
}

/**
 * Token grids -> image parts of sequences (global ids).
 * @param grids int32 values of [n, h, w, k+1] (k adjective ids, then the noun id)
 * @returns [n, L] flattened
 */
export function gridsToSequences(layout: SequenceLayout, grids: ArrayLike<number>): Int32Array {
  const k1 = layout.tokens.adjectives + 1;
  const { kAdj, kNoun } = layout.tokens;
  const L = layout.imageLength;
  if (grids.length % L !== 0) throw new ShapeError(`token grids hold ${grids.length} values, not a multiple of h*w*(k+1) = ${L}`);
  const out = new Int32Array(grids.length);
  for (let p = 0; p < grids.length; p += k1) {
    const noun = grids[p + k1 - 1];
    if (!(noun >= 0 && noun < kNoun)) throw new InputError(`noun token ${noun} is out of range; expected 0..${kNoun - 1}`);
    out[p] = kAdj + noun;
    for (let a = 0; a < k1 - 1; a++) {
      const adj = grids[p + a];
      if (!(adj >= 0 && adj < kAdj)) throw new InputError(`adjective token ${adj} is out of range; expected 0..${kAdj - 1}`);
      out[p + 1 + a] = adj;
    }
  }
  return out;
}

/** The inverse of gridsToSequences: [n, L] global ids -> [n, h, w, k+1] tokenizer ids. */
export function sequencesToGrids(layout: SequenceLayout, sequences: ArrayLike<number>): Int32Array {
  const k1 = layout.tokens.adjectives + 1;
  const out = new Int32Array(sequences.length);
  for (let p = 0; p < sequences.length; p += k1) {
    out[p + k1 - 1] = sequences[p] - layout.tokens.kAdj;
    for (let a = 0; a < k1 - 1; a++) out[p + a] = sequences[p + 1 + a];
  }
  return out;
}
