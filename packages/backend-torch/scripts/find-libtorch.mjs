// Finds a libtorch to build against, never downloading one. In order:
//   1. $LIBTORCH: a libtorch folder (include/, lib/) or a Python torch package folder;
//   2. Debian's libtorch-dev (/usr/include/torch + the multiarch libtorch.so);
//   3. the torch of `python3` ($VQCT_TORCH_PYTHON, python3, /usr/bin/python3).
// Returns { source, root, includeDirs, libDir, cxx11Abi, cuda, version } or
// { unavailable: '<why>' }. Also runnable: `node find-libtorch.mjs` prints it as JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MULTIARCH = ['x86_64-linux-gnu', 'aarch64-linux-gnu'];

function folderLayout(root) {
  const include = join(root, 'include');
  const lib = join(root, 'lib');
  if (!existsSync(join(include, 'torch')) || !existsSync(join(include, 'ATen'))) return null;
  if (!['libtorch.so', 'libtorch.dylib'].some((f) => existsSync(join(lib, f)))) return null;
  return { include, lib };
}

/** _GLIBCXX_USE_CXX11_ABI of a build, read off libc10's symbols (the new ABI mangles `__cxx11`). */
function abiOfLib(libDir) {
  const c10 = ['libc10.so', 'libc10.dylib'].map((f) => join(libDir, f)).find(existsSync);
  if (c10 == null) return 1;
  return readFileSync(c10).includes('__cxx11') ? 1 : 0;
}

function versionOf(includeDir) {
  const file = join(includeDir, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  if (!existsSync(file)) return 'unknown';
  const m = /TORCH_VERSION\s*\\?\s*"([^"]+)"/.exec(readFileSync(file, 'utf8').replace(/\\\n/g, ' '));
  return m?.[1] ?? 'unknown';
}

function describe(source, root, include, lib, cxx11Abi) {
  return {
    source,
    root,
    includeDirs: [include, join(include, 'torch', 'csrc', 'api', 'include')],
    libDir: lib,
    cxx11Abi,
    cuda: existsSync(join(lib, 'libtorch_cuda.so')),
    version: versionOf(include),
  };
}

function fromEnv(env) {
  const root = env.LIBTORCH;
  if (root == null || root === '') return null;
  const layout = folderLayout(root);
  if (layout == null) return { unavailable: `$LIBTORCH=${root} is not a libtorch folder (no include/torch, include/ATen and lib/libtorch.so)` };
  return describe('LIBTORCH', root, layout.include, layout.lib, abiOfLib(layout.lib));
}

function fromDebian() {
  if (!existsSync('/usr/include/torch') || !existsSync('/usr/include/ATen')) return null;
  const lib = MULTIARCH.map((a) => join('/usr/lib', a)).find((d) => existsSync(join(d, 'libtorch.so')));
  if (lib == null) return null;
  return describe('debian', '/usr', '/usr/include', lib, abiOfLib(lib));
}

function fromPython(env) {
  const pythons = [env.VQCT_TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p) => p != null && p !== '');
  const script = 'import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))';
  for (const python of pythons) {
    let out;
    try {
      out = execFileSync(python, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    } catch {
      continue;
    }
    const [dir, abi] = out.trim().split('\n');
    const layout = folderLayout(dir);
    if (layout != null) return describe(`python (${python})`, dir, layout.include, layout.lib, Number(abi));
  }
  return null;
}

/** @param {NodeJS.ProcessEnv} env */
export function findLibtorch(env = process.env) {
  const found = fromEnv(env) ?? fromDebian() ?? fromPython(env);
  if (found != null) return found;
  return { unavailable: 'no libtorch found: set $LIBTORCH to a libtorch (or Python torch package) folder, or install Debian\'s libtorch-dev, or a Python torch' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(findLibtorch(), null, 2)}\n`);
}
