/**
 * The playground's model files -> a ready VQCT tokenizer, by @vqct/models' own loader
 * (the worker (WebGPU) and the Node parity check in the tests build the model with it).
 */
import type { LoadedTokenizer } from '@vqct/models';
import { loadTokenizerFromBytes } from '@vqct/models';
import type { ModelFiles } from './engine';

export type { LoadedTokenizer } from '@vqct/models';
export { transferOptions } from '@vqct/models';

export function loadTokenizer(files: ModelFiles): LoadedTokenizer {
  return loadTokenizerFromBytes({ weights: files.checkpoint, sidecar: files.sidecar, prior: files.prior });
}
