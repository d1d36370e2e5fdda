// Prepares the GPU check (scripts/gpu-check.sh) here, for a machine that has a
// CUDA libtorch but no Node and no network: bundles gpu/gpu-check-main.ts (with
// tfjs-core, its cpu backend and the vqct sources) into one file, and puts beside it
// this machine's Node binary (xz) and the Node-API headers the addon compiles with.
// Output: <repo>/.device/ (git-ignored; name it in the device tool's `carry`).
//   node packages/backend-torch/scripts/gpu-pack.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(pkg, '..', '..', '.device');
const require = createRequire(join(pkg, 'package.json'));
if (!process.argv.includes('--no-node')) rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const esbuild = createRequire(require.resolve('tsup'))('esbuild');
await esbuild.build({
  entryPoints: [join(pkg, 'gpu', 'gpu-check-main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // One tfjs-core: its ESM build everywhere (the gradients are imported from dist/ files).
  mainFields: ['module', 'main'],
  outfile: join(out, 'gpu-check.mjs'),
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
cpSync(require('node-addon-api').include_dir.replace(/^"|"$/g, ''), join(out, 'node-addon-api'), { recursive: true });
cpSync(require('node-api-headers').include_dir, join(out, 'node-api-headers'), { recursive: true });
if (!process.argv.includes('--no-node')) execFileSync('sh', ['-c', `xz -T0 -6 -c "${process.execPath}" > "${join(out, 'node.xz')}"`]);
console.log(`gpu-pack: ${out} ready (gpu-check.mjs, node.xz, headers); carry ".device" and run packages/backend-torch/scripts/gpu-check.sh`);
