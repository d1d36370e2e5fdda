import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  entry: { fuzz: 'src/fuzz.ts', faults: 'src/faults.ts' },
  platform: 'node',
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
}));
