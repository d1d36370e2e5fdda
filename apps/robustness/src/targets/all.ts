import { checkpointTarget } from './checkpoint-target';
import { configTarget } from './config-target';
import { corpusTarget } from './corpus-target';
import { imageTarget } from './image-target';
import { priorTarget, safetensorsTarget, torchFileTarget, transferNetTarget } from './safetensors-targets';
import type { Target } from './target';
import { tokensJsonTarget, tokensNpyTarget } from './tokens-target';

/** Every reader the fuzzer covers, in table order. */
export const TARGETS: Target[] = [
  safetensorsTarget, priorTarget, transferNetTarget, checkpointTarget, configTarget,
  tokensJsonTarget, tokensNpyTarget, imageTarget, corpusTarget, torchFileTarget,
];
