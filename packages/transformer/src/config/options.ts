import { ConfigError, resolveOrThrow } from '@vqct/core';
import { z } from 'zod';

/** What the transformer is conditioned on, as a prefix before the image tokens (see README, "The sequence"). */
export type ConditionSpec =
  | { kind: 'none' }
  /** One class token per sequence (Fashion-MNIST: 10 classes). */
  | { kind: 'class'; classes: number }
  /** Up to `length` word ids of the prior's own vocabulary (a caption), left-padded. */
  | { kind: 'words'; length: number };

/** The tokenizer's token grid: k adjective ids (0..kAdj-1) + 1 noun id (0..kNoun-1) per position of an h x w grid. */
export interface TokenGridSpec {
  kAdj: number;
  kNoun: number;
  /** k: adjectives per position (the tokenizer's topK). */
  adjectives: number;
  /** [h, w] of the token grid. */
  grid: [number, number];
}

/** Transformer options (partial, user-facing); taming's knobs under their GPT names. */
export interface TransformerOptions {
  tokens: TokenGridSpec;
  condition?: ConditionSpec;
  /** Transformer blocks (taming n_layer). */
  layers?: number;
  /** Attention heads (n_head); must divide `embedding`. */
  heads?: number;
  /** Embedding size (n_embd). */
  embedding?: number;
  /** Input positions the model can attend over (block_size); default: exactly what the sequence needs. */
  blockSize?: number;
  /** Dropout after the embeddings (embd_pdrop). */
  embeddingDropout?: number;
  /** Dropout on each residual branch (resid_pdrop). */
  residualDropout?: number;
  /** Dropout on the attention weights (attn_pdrop). */
  attentionDropout?: number;
}

export interface TransformerConfig extends Required<Omit<TransformerOptions, 'condition'>> {
  condition: ConditionSpec;
}

export const defaultTransformerOptions = {
  condition: { kind: 'none' } as ConditionSpec,
  layers: 4,
  heads: 4,
  embedding: 128,
  embeddingDropout: 0,
  residualDropout: 0,
  attentionDropout: 0,
} as const;

const posInt = z.number().int().positive();
const rate = z.number().min(0).lt(1);

const schema = z.strictObject({
  tokens: z.strictObject({
    kAdj: z.number().int().min(0),
    kNoun: posInt,
    adjectives: z.number().int().min(0),
    grid: z.tuple([posInt, posInt]),
  }),
  condition: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('class'), classes: posInt }),
    z.strictObject({ kind: z.literal('words'), length: posInt }),
  ]),
  layers: posInt,
  heads: posInt,
  embedding: posInt,
  blockSize: posInt.optional(),
  embeddingDropout: rate,
  residualDropout: rate,
  attentionDropout: rate,
});

/** Prefix tokens before the first image token: 1 (BOS or the class), or length + 1 for words. */
export function prefixLength(condition: ConditionSpec): number {
  return condition.kind === 'words' ? condition.length + 1 : 1;
}

/** Image tokens per sequence: h * w * (k + 1). */
export function imageTokenCount(tokens: TokenGridSpec): number {
  return tokens.grid[0] * tokens.grid[1] * (tokens.adjectives + 1);
}

/** Input positions a full sequence needs: prefix + image tokens - 1 (the last token is only a target). */
export function requiredBlockSize(tokens: TokenGridSpec, condition: ConditionSpec): number {
  return prefixLength(condition) + imageTokenCount(tokens) - 1;
}

/**
 * Fills defaults and validates; one ConfigError lists every bad field.
 *
 * @example
 * const config = resolveTransformerConfig({ tokens: { kAdj: 64, kNoun: 128, adjectives: 2, grid: [8, 8] }, condition: { kind: 'class', classes: 10 }, layers: 2 });
 * config.blockSize; // 192 = 1 + 8*8*3 - 1
 */
export function resolveTransformerConfig(options: TransformerOptions, file?: string): TransformerConfig {
  const merged = { ...defaultTransformerOptions, ...options };
  const parsed = resolveOrThrow(schema, merged, 'transformer config', file) as Omit<TransformerConfig, 'blockSize'> & { blockSize?: number };
  const needed = requiredBlockSize(parsed.tokens, parsed.condition);
  const errors: string[] = [];
  if (parsed.embedding % parsed.heads !== 0) errors.push(`heads: ${parsed.heads} does not divide embedding ${parsed.embedding}; expected a divisor`);
  if (parsed.blockSize != null && parsed.blockSize < needed) {
    errors.push(`blockSize: ${parsed.blockSize} is shorter than the sequence (${needed} = prefix ${prefixLength(parsed.condition)} + ${imageTokenCount(parsed.tokens)} image tokens - 1)`);
  }
  if (errors.length > 0) throw new ConfigError(`invalid transformer config:\n  ${errors.join('\n  ')}`, { file });
  return { ...parsed, blockSize: parsed.blockSize ?? needed };
}
