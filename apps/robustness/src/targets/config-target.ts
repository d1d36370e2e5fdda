import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRunSettings } from '../../../cli/src/train/settings';
import type { Seed } from '../case';
import { enc } from '../case';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { textEncoding } from '../mutate/text';
import { YAML_MUTATORS } from '../mutate/yaml';
import type { Target } from './target';

/**
 * `vqct train --config`: ours (the run folder's config.yaml) and a taming-style file,
 * read and resolved exactly as the CLI does before it touches data (resolveRunSettings:
 * loadRunConfig + the model, train and discriminator option checks).
 */
export const configTarget: Target = {
  name: 'run config .yaml',
  reader: 'vqct train --config: loadRunConfig + resolveRunSettings',
  seeds: (ctx): Seed[] => [
    { name: 'ours (config.yaml)', files: { 'config.yaml': new Uint8Array(readFileSync(join(ctx.seeds.runDir, 'config.yaml'))) }, main: 'config.yaml' },
    { name: 'taming-style', files: { 'custom_vqgan.yaml': ctx.seeds.tamingYaml }, main: 'custom_vqgan.yaml' },
    { name: 'ours, minimal', files: { 'min.yaml': enc.encode('model:\n  preset: tiny\ntrain:\n  steps: 10\n') }, main: 'min.yaml' },
  ],
  mutators: [...BYTE_MUTATORS, ...YAML_MUTATORS, ...YAML_MUTATORS, textEncoding],
  run: async (dir, main) => {
    resolveRunSettings({ config: join(dir, main), data: 'fashion-mnist' } as Parameters<typeof resolveRunSettings>[0]);
  },
};
