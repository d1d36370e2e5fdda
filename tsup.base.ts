import type { Options } from 'tsup';

/**
 * The build every @vqct package shares: ESM + .d.ts, one file per entry, tfjs
 * kept external. Packages pass their entries and any extra options.
 */
export function vqctTsup(options: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    ...options,
  };
}
