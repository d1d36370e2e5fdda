import { defineConfig } from 'tsup';
import { vqctTsup } from '../../tsup.base';

export default defineConfig(vqctTsup({
  // tfjs-core's gradient registrations are extensionless ESM files; bundled
  // here as in @vqct/backend-node (their registries are tfjs-core's globals).
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
}));
