import { join } from 'node:path';
import { readTokensFile } from '../../../cli/src/io/tokens-file';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { JSON_MUTATORS } from '../mutate/json';
import { NPY_MUTATORS, npyRegions } from '../mutate/npy';
import type { Target } from './target';

/** `vqct decode`'s input: tokens.json and tokens.npy as `vqct encode` writes them. */
export const tokensJsonTarget: Target = {
  name: 'tokens .json',
  reader: 'vqct decode: readTokensFile (JSON)',
  seeds: (ctx) => [{ name: 'tokens.json', files: { 'tokens.json': ctx.seeds.tokensJson }, main: 'tokens.json' }],
  mutators: [...BYTE_MUTATORS, ...JSON_MUTATORS, ...JSON_MUTATORS],
  run: async (dir, main) => {
    readTokensFile(join(dir, main));
  },
  cli: (_dir, main, ctx) => ({ args: ['decode', main, '--checkpoint', ctx.seeds.runDir, '-o', 'out.png'], output: 'out.png' }),
};

export const tokensNpyTarget: Target = {
  name: 'tokens .npy',
  reader: 'vqct decode: readTokensFile (.npy)',
  seeds: (ctx) => [{ name: 'tokens.npy', files: { 'tokens.npy': ctx.seeds.tokensNpy }, main: 'tokens.npy', regions: npyRegions(ctx.seeds.tokensNpy) }],
  mutators: [...BYTE_MUTATORS, ...NPY_MUTATORS, ...NPY_MUTATORS],
  run: async (dir, main) => {
    readTokensFile(join(dir, main));
  },
  cli: (_dir, main, ctx) => ({ args: ['decode', main, '--checkpoint', ctx.seeds.runDir, '-o', 'out.png'], output: 'out.png' }),
};
