import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  platform: 'node',
  // kernels/ is browser-safe (tfjs-core only) and shared with @vqct/backend-web.
  entry: { index: 'src/index.ts', 'kernels/index': 'src/kernels/index.ts' },
  // tfjs-core's gradient registrations are extensionless ESM files that plain
  // Node cannot load, so they are bundled here; their engine and registries
  // live in the global namespace and are shared with the one tfjs-core.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
}));
