import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  // The tagging worker is its own entry: Node starts it from dist/node/tag-worker.js.
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'node/tag-worker': 'src/node/tagging/tag-worker.ts' },
}));
