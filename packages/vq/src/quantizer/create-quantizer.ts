import { ConfigError } from '@vqct/core';
import type { VqModelConfig } from '../config/types';
import type { ParamStore } from '../model/param-store';
import type { CodebookSource } from './codebook-source';
import { EmaVectorQuantizer } from './ema-vector-quantizer';
import { VectorQuantizer } from './vector-quantizer';
import { VqctQuantizer } from './vqct-quantizer';
import type { Quantizer } from './types';

/**
 * The quantizer a config names. 'vqct' needs a CodebookSource; 'vq' and
 * 'ema' create their codebook in `store` and must not be given one.
 *
 * @example
 * const q = createQuantizer(resolveVqModelConfig('tiny'), store, transferNet);
 */
export function createQuantizer(config: VqModelConfig, store: ParamStore, codebook?: CodebookSource): Quantizer {
  switch (config.quantizer) {
    case 'vqct':
      if (codebook == null) {
        throw new ConfigError("quantizer: 'vqct' needs a codebook source (createVqModel(config, { codebook })); use quantizer 'vq' or 'ema' for a learned codebook");
      }
      return new VqctQuantizer(config, codebook);
    case 'vq':
    case 'ema':
      if (codebook != null) {
        throw new ConfigError(`quantizer: '${config.quantizer}' learns its own codebook but a codebook source was given; expected quantizer 'vqct'`);
      }
      return config.quantizer === 'vq' ? new VectorQuantizer(config, store) : new EmaVectorQuantizer(config, store);
  }
}
