import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  platform: 'node',
  // tfjs-core's gradient registrations are extensionless ESM files that plain
  // Node cannot load, so they are bundled here; their engine and registries
  // live in the global namespace and are shared with the one tfjs-core.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
}));
