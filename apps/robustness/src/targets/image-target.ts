import { join } from 'node:path';
import { readImage } from '../../../cli/src/io/images';
import type { Seed } from '../case';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { IMAGE_MUTATORS, pngRegions } from '../mutate/png';
import type { Target } from './target';

/** `vqct encode/tokens/reconstruct`'s images: PNG, JPEG, WebP (the CLI's test images). */
export const imageTarget: Target = {
  name: 'image (PNG/JPEG/WebP)',
  reader: 'vqct encode: readImage (sharp)',
  seeds: (ctx) => Object.entries(ctx.seeds.images).map(([f, bytes]): Seed => ({
    name: f, files: { [f]: bytes }, main: f, regions: f.endsWith('.png') ? pngRegions(bytes) : undefined,
  })),
  mutators: [...BYTE_MUTATORS, ...IMAGE_MUTATORS, ...IMAGE_MUTATORS],
  run: async (dir, main) => {
    await readImage(join(dir, main), 32, 3);
  },
  cli: (_dir, main, ctx) => ({ args: ['encode', main, '--checkpoint', ctx.seeds.runDir, '-o', 'out.json'], output: 'out.json' }),
};
