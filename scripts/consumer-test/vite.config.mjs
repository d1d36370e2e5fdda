// Records every module that ends up in the browser bundle (modules.json), so the
// consumer test can assert that nothing Node-only was bundled or externalized.
import { writeFileSync } from 'node:fs';

export default {
  logLevel: 'warn',
  build: { target: 'es2022' },
  plugins: [{
    name: 'vqct-record-modules',
    generateBundle(_options, bundle) {
      const ids = new Set();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk') for (const id of chunk.moduleIds ?? Object.keys(chunk.modules)) ids.add(id);
        if (chunk.type === 'chunk') for (const id of [...chunk.imports, ...chunk.dynamicImports]) ids.add(`import:${id}`);
      }
      // Node built-ins that Vite replaced by an empty stub, with who imported them.
      const externalized = {};
      for (const id of this.getModuleIds()) {
        if (id.startsWith('__vite-browser-external')) externalized[id] = this.getModuleInfo(id)?.importers ?? [];
      }
      writeFileSync('modules.json', JSON.stringify({ modules: [...ids].sort(), externalized }, null, 1));
    },
  }],
};
