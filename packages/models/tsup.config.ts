import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
}));
