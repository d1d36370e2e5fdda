import { ConfigError } from '@vqct/core';
import type { VqModelConfig } from '../config/types';
import type { TwoHalfLayout } from './two-half';

/** The quantizer settings of a model config, with the half sizes given. */
export function layoutFromConfig(
  config: VqModelConfig,
  sizes: { kAdj: number; kNoun: number },
  codebookTerm: boolean,
): TwoHalfLayout {
  if (sizes.kNoun < 1) throw new ConfigError(`kNoun: ${sizes.kNoun}; expected at least 1 noun code`);
  if (sizes.kAdj < 0) throw new ConfigError(`kAdj: ${sizes.kAdj}; expected 0 or more adjective codes`);
  if (sizes.kAdj > 0 && config.topK > sizes.kAdj) {
    throw new ConfigError(`topK: ${config.topK} exceeds the ${sizes.kAdj} adjective codes; expected topK <= kAdj`);
  }
  return {
    kAdj: sizes.kAdj,
    kNoun: sizes.kNoun,
    codeDim: config.codeDim,
    topK: config.topK,
    beta: config.beta,
    betaPlacement: config.betaPlacement,
    distanceBlockElements: config.distanceBlockElements,
    codebookTerm,
  };
}
