// Builds the native addon (build/Release/vqct_torch.node) against the libtorch that
// find-libtorch.mjs finds; never downloads anything. Compiles native/*.cc with the
// system C++ compiler ($CXX, else c++), in parallel, and links with an rpath to
// libtorch. Skips the work when sources, libtorch and flags are unchanged.
//
// No libtorch, or VQCT_TORCH_SKIP=1: writes build/unavailable.json with the reason
// and exits 0 — the package still installs; `torchAvailability()` reports why.
// A failing compile: exits 1 from `pnpm build`, but only records the reason under
// `--install` (a consumer's `npm install` must not fail because of an optional engine).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkg, 'native');
const buildDir = join(pkg, 'build');
const objDir = join(buildDir, 'obj');
const output = join(buildDir, 'Release', 'vqct_torch.node');
const unavailableFile = join(buildDir, 'unavailable.json');
const stampFile = join(buildDir, 'stamp.json');
const installMode = process.argv.includes('--install');
const require = createRequire(import.meta.url);

function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function unavailable(reason) {
  rmSync(output, { force: true });
  rmSync(stampFile, { force: true });
  writeAtomic(unavailableFile, `${JSON.stringify({ reason }, null, 2)}\n`);
  console.log(`@vqct/backend-torch: native addon not built: ${reason}`);
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => resolve({ code: -1, err: e.message }));
    child.on('close', (code) => resolve({ code, err }));
  });
}

async function parallel(jobs, limit) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * c10d (native/distributed.cc) needs Gloo's headers, which Debian ships apart from
 * libtorch-dev (libgloo-dev); without them the addon still builds and the
 * distributed calls say what to install. NCCL only for a CUDA libtorch, on request.
 */
function distributedFlags(torch) {
  const dirs = [...torch.includeDirs, '/usr/include', '/usr/local/include'];
  const flags = dirs.some((d) => existsSync(join(d, 'gloo', 'context.h'))) ? ['-DVQCT_HAVE_GLOO'] : [];
  if (torch.cuda && process.env.VQCT_TORCH_NCCL === '1') flags.push('-DUSE_C10D_NCCL');
  return flags;
}

function flagsFor(torch) {
  const isystem = torch.includeDirs.filter((d) => d !== '/usr/include').flatMap((d) => ['-isystem', d]);
  const cflags = [
    '-std=c++17', '-O3', '-ffp-contract=off', '-fPIC', '-fvisibility=hidden', '-fexceptions', '-Wno-unused-parameter',
    `-D_GLIBCXX_USE_CXX11_ABI=${torch.cxx11Abi}`, '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS',
    // Where no node_modules is (the GPU check), VQCT_NODE_API_HEADERS / VQCT_NODE_ADDON_API name the headers.
    '-I', process.env.VQCT_NODE_API_HEADERS ?? require('node-api-headers').include_dir,
    '-I', process.env.VQCT_NODE_ADDON_API ?? require('node-addon-api').include_dir.replace(/^"|"$/g, ''),
    ...isystem,
    ...distributedFlags(torch),
  ];
  const cudaLibs = torch.cuda ? ['-ltorch_cuda', '-lc10_cuda'] : [];
  const ldflags = ['-shared', '-L', torch.libDir, `-Wl,-rpath,${torch.libDir}`,
    '-Wl,--no-as-needed', '-ltorch', '-ltorch_cpu', ...cudaLibs, '-lc10', '-Wl,--as-needed'];
  return { cflags, ldflags };
}

async function main() {
  if (process.env.VQCT_TORCH_SKIP === '1') return unavailable('VQCT_TORCH_SKIP=1');
  const torch = findLibtorch();
  if (torch.unavailable) return unavailable(torch.unavailable);
  const cxx = process.env.CXX || 'c++';
  const { cflags, ldflags } = flagsFor(torch);
  const sources = readdirSync(nativeDir).filter((f) => f.endsWith('.cc')).sort();
  const hash = createHash('sha256');
  for (const f of readdirSync(nativeDir).sort()) hash.update(f).update(readFileSync(join(nativeDir, f)));
  hash.update(JSON.stringify({ cxx, cflags, ldflags, torch }));
  const stamp = hash.digest('hex');
  if (existsSync(output) && existsSync(stampFile) && JSON.parse(readFileSync(stampFile, 'utf8')).stamp === stamp) return;

  console.log(`@vqct/backend-torch: building against libtorch ${torch.version} (${torch.source}: ${torch.root}${torch.cuda ? ', CUDA' : ''}) with ${cxx}`);
  mkdirSync(objDir, { recursive: true });
  const t0 = Date.now();
  const compiled = await parallel(sources.map((src) => () =>
    run(cxx, [...cflags, '-c', join(nativeDir, src), '-o', join(objDir, src.replace(/\.cc$/, '.o'))])), availableParallelism());
  const failed = compiled.findIndex((r) => r.code !== 0);
  if (failed >= 0) throw new Error(`compiling ${sources[failed]} failed:\n${compiled[failed].err.slice(-4000)}`);
  mkdirSync(dirname(output), { recursive: true });
  const linked = await run(cxx, [...sources.map((s) => join(objDir, s.replace(/\.cc$/, '.o'))), ...ldflags, '-o', `${output}.tmp`]);
  if (linked.code !== 0) throw new Error(`linking failed:\n${linked.err.slice(-4000)}`);
  renameSync(`${output}.tmp`, output);
  rmSync(unavailableFile, { force: true });
  writeAtomic(stampFile, `${JSON.stringify({ stamp, torch }, null, 2)}\n`);
  console.log(`@vqct/backend-torch: built ${output} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  if (installMode) {
    unavailable(`the native build failed: ${e.message.split('\n')[0]}`);
    console.log(e.message);
    process.exit(0);
  }
  console.error(`@vqct/backend-torch: ${e.message}`);
  process.exit(1);
});
