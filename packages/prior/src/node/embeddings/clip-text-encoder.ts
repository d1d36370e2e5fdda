import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, IoError } from '@vqct/core';
import type { EmbeddingProgress, EmbeddingResult, EmbeddingSource, WordQuery } from '../../embeddings/embedding-source';

/** The authors' prompts (METHOD.md §1.5): adjectives as objects' attributes, nouns as the object. */
export function clipPrompt(q: WordQuery): string {
  return q.pos === 'adj' ? `a photo of ${q.word} object` : `a photo of ${q.word}`;
}

/** The minimal surface of @huggingface/transformers this source uses. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean };
  AutoTokenizer: { from_pretrained(dir: string, o?: object): Promise<(texts: string[], o: object) => unknown> };
  CLIPTextModelWithProjection: {
    from_pretrained(dir: string, o?: object): Promise<(inputs: unknown) => Promise<{ text_embeds: { dims: number[]; data: Float32Array } }>>;
  };
}

export interface ClipTextEncoderOptions {
  /** Words per forward pass. */
  batchSize?: number;
  /** For tests: how the optional peer is loaded. */
  importTransformers?: () => Promise<unknown>;
}

/**
 * The authors' contextual encoder: CLIP's text tower (ViT-B/32: 512-d
 * `text_embeds`) through `@huggingface/transformers`, an optional peer,
 * loading a local model directory only (no hub access). Untested here (no
 * model in CI): the prompts, checks and errors around it are tested.
 *
 * @example
 * const source = clipTextEncoder('/models/clip-vit-base-patch32');
 */
export function clipTextEncoder(modelDir: string, options: ClipTextEncoderOptions = {}): EmbeddingSource {
  const batchSize = options.batchSize ?? 64;
  return {
    name: `clip:${modelDir}`,
    async lookup(queries: WordQuery[], onProgress?: EmbeddingProgress): Promise<EmbeddingResult> {
      if (!existsSync(join(modelDir, 'config.json'))) {
        throw new IoError('not a local CLIP model folder (no config.json); download e.g. Xenova/clip-vit-base-patch32 there first', { file: modelDir });
      }
      let tf: TransformersModule;
      try {
        const specifier = '@huggingface/transformers';
        tf = (await (options.importTransformers ?? (() => import(/* @vite-ignore */ specifier)))()) as TransformersModule;
      } catch (e) {
        throw new BackendError('--embeddings clip:DIR needs the optional package @huggingface/transformers (npm i @huggingface/transformers)', { cause: e });
      }
      tf.env.allowRemoteModels = false;
      tf.env.allowLocalModels = true;
      const tokenizer = await tf.AutoTokenizer.from_pretrained(modelDir, { local_files_only: true });
      const model = await tf.CLIPTextModelWithProjection.from_pretrained(modelDir, { local_files_only: true });
      const vectors: Float32Array[] = [];
      let dim = 0;
      for (let i = 0; i < queries.length; i += batchSize) {
        const batch = queries.slice(i, i + batchSize);
        const inputs = tokenizer(batch.map(clipPrompt), { padding: true, truncation: true });
        const { text_embeds } = await model(inputs);
        dim = text_embeds.dims[1];
        for (let b = 0; b < batch.length; b++) vectors.push(Float32Array.from(text_embeds.data.subarray(b * dim, (b + 1) * dim)));
        onProgress?.({ phase: 'clip text encoder', done: Math.min(i + batchSize, queries.length), total: queries.length });
      }
      return { dim, vectors };
    },
  };
}
