import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@vqct/core';

/**
 * Streams code counts over a whole evaluation set, per half: usage (share of
 * codes used at least once) and perplexity exp(H(p)) of the code histogram.
 * Tokens are int32 [b, h', w', k + 1]: k adjective indices in [0, kAdj), then
 * one noun index in [0, kNoun) (a plain VQ with kAdj = 0 has just the noun).
 *
 * @example
 * const u = new CodebookUsage(64, 128);
 * u.add(await tokens.data() as Int32Array, tokens.shape.at(-1)!);
 * u.result(); // { adjective: { usage, perplexity, used }, noun: {...} }
 */
export class CodebookUsage {
  private readonly adj: Float64Array;
  private readonly noun: Float64Array;

  constructor(readonly kAdj: number, readonly kNoun: number) {
    this.adj = new Float64Array(kAdj);
    this.noun = new Float64Array(kNoun);
  }

  /** Adds token data, `perPosition` = k + 1 values per position. */
  add(tokens: Int32Array | Float32Array | Uint8Array, perPosition: number): void {
    const k = perPosition - 1;
    for (let i = 0; i < tokens.length; i += perPosition) {
      for (let j = 0; j < k; j++) this.bump(this.adj, tokens[i + j], 'adjective');
      this.bump(this.noun, tokens[i + k], 'noun');
    }
  }

  private bump(counts: Float64Array, index: number, half: string): void {
    if (!(index >= 0 && index < counts.length)) {
      throw new ShapeError(`${half} token ${index} is outside [0, ${counts.length})`);
    }
    counts[index] += 1;
  }

  result(): { adjective: HalfUsage; noun: HalfUsage } {
    return { adjective: summarize(this.adj), noun: summarize(this.noun) };
  }
}

export interface HalfUsage {
  /** Codes used at least once. */
  used: number;
  /** used / K (0 when K = 0). */
  usage: number;
  /** exp of the entropy of the code histogram (1..K). */
  perplexity: number;
}

function summarize(counts: Float64Array): HalfUsage {
  let used = 0;
  let total = 0;
  for (const c of counts) {
    if (c > 0) used++;
    total += c;
  }
  let h = 0;
  if (total > 0) for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return { used, usage: counts.length > 0 ? used / counts.length : 0, perplexity: total > 0 ? Math.exp(h) : 0 };
}

/** Usage per half of one token tensor (a training-progress figure). Reads the tensor synchronously. */
export function tokenUsage(tokens: tf.Tensor, kAdj: number, kNoun: number): { adjective: number; noun: number } {
  return usageOfTokens(tokens.dataSync(), tokens.shape[tokens.shape.length - 1], kAdj, kNoun);
}

/** `tokenUsage` over token values already read back (`perPosition` = k + 1). */
export function usageOfTokens(values: ArrayLike<number>, perPosition: number, kAdj: number, kNoun: number): { adjective: number; noun: number } {
  const u = new CodebookUsage(kAdj, kNoun);
  u.add(values instanceof Int32Array ? values : Int32Array.from(values), perPosition);
  const r = u.result();
  return { adjective: r.adjective.usage, noun: r.noun.usage };
}
