import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  entry: { collapse: 'src/collapse.ts' },
  platform: 'node',
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
}));
