import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  platform: 'node',
  entry: { index: 'src/index.ts' },
}));
