/**
 * The playground's Engine over the real vqct packages, on whatever tfjs backend is
 * active (the worker starts WebGPU first).
 */
import * as tf from '@tensorflow/tfjs-core';
import { downsampleFactor } from '@vqct/vq';
import type { Engine, EngineLoader, ModelImage, ModelInfo } from './engine';
import type { LoadedTokenizer } from './load-tokenizer';
import { loadTokenizer } from './load-tokenizer';
import type { Codebook } from './nearest';
import { nearestWords, patchQueries } from './nearest';
import { patchWords } from '../ui/tokens';

export const loadVqctEngine: EngineLoader = (files) => vqctEngine(loadTokenizer(files), files.checkpoint.name.replace(/\.safetensors$/i, ''));

/**
 * The Engine over a loaded tokenizer (dropped files, or a shipped model of
 * @vqct/models with its card); owns `tok` (disposes it). Runs one blank image
 * through it first, so that the GPU programs are compiled.
 */
export async function vqctEngine(tok: LoadedTokenizer, name: string, card?: ModelInfo['card']): Promise<Engine> {
  const { model, prior, sidecar } = tok;
  const config = model.config;
  const f = downsampleFactor(config);
  const side = config.resolution;
  const codebook: Codebook = {
    data: (await tok.net.inferenceCodebook().data()) as Float32Array,
    kAdj: prior.kAdj,
    kNoun: prior.kNoun,
    codeDim: config.codeDim,
  };
  const info: ModelInfo = {
    name,
    height: side,
    width: side,
    channels: config.inChannels,
    gridH: side / f,
    gridW: side / f,
    k: config.topK,
    kAdj: prior.kAdj,
    kNoun: prior.kNoun,
    words: prior.words,
    step: sidecar.step,
    weightsSha256: sidecar.weightsSha256,
    card,
  };
  let last: Int32Array | null = null;

  const engine: Engine = {
    info,
    async encode(image: ModelImage) {
      const t = tf.tidy(() => model.encode(tf.tensor4d(image.data, [1, image.height, image.width, image.channels], 'float32')));
      try {
        last = (await t.data()) as Int32Array;
        return last.slice();
      } finally {
        t.dispose();
      }
    },
    async decode(tokens: Int32Array) {
      const t = tf.tidy(() => {
        const y = model.decodeTokens(tf.tensor4d(tokens, [1, info.gridH, info.gridW, info.k + 1], 'int32'));
        return tf.clipByValue(y, -1, 1);
      });
      try {
        const data = (await t.data()) as Float32Array;
        return { data, height: t.shape[1], width: t.shape[2], channels: t.shape[3] };
      } finally {
        t.dispose();
      }
    },
    async nearest(patch: number, count: number) {
      if (last == null) throw new Error('encode an image first');
      const words = patchWords({ tokens: last, gridH: info.gridH, gridW: info.gridW, k: info.k }, patch);
      const q = patchQueries(codebook, words.adjectives, words.noun);
      return nearestWords(codebook, prior.words, q.adjective, q.noun, count);
    },
    dispose: () => tok.dispose(),
  };
  const t0 = performance.now();
  await engine.decode(await engine.encode({ data: new Float32Array(side * side * info.channels), height: side, width: side, channels: info.channels }));
  info.warmupMs = performance.now() - t0;
  last = null;
  return engine;
}
