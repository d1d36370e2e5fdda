// The ceiling under every wasm number: dense f32 throughput (GFLOP/s) of a
// matrix product and of a 3x3 convolution shaped like bench-32's, on wasm at
// this process's thread count (`pnpm bench` runs it again at one thread), and
// the same two ops in PyTorch at 1 and 2 threads where Debian's python3-torch is
// installed. A bench-32 step is ~65% such products, so the ratio here bounds how
// close the whole step can get to PyTorch (docs/performance.md).
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../dist/index.js';
import { TORCH_PYTHON, backendLabel, hasTorch, measure, quick, report } from '../../../bench/lib.mjs';

const n = quick ? 128 : 1024;
const conv = quick ? { b: 1, hw: 8, c: 16 } : { b: 8, hw: 32, c: 64 };
const matmulFlops = 2 * n ** 3;
const convFlops = 2 * conv.b * conv.hw * conv.hw * conv.c * conv.c * 9;
const timing = quick ? { warmup: 1, runs: 1 } : { warmup: 3, runs: 10 };
const gflops = (flops, ms) => flops / (ms * 1e6);

const b = await useNodeBackend({ backend: 'wasm' });
const rows = [];
const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
const m = await measure(() => tf.tidy(() => tf.matMul(a, a)).dataSync(), timing);
const x = tf.randomNormal([conv.b, conv.hw, conv.hw, conv.c], 0, 1, 'float32', 2);
const w = tf.randomNormal([3, 3, conv.c, conv.c], 0, 0.1, 'float32', 3);
const c = await measure(() => tf.tidy(() => tf.conv2d(x, w, 1, 'same')).dataSync(), timing);
tf.dispose([a, x, w]);
const label = backendLabel(b);
rows.push({ name: `matMul ${n}x${n}x${n}`, backend: label, ...m, unit: 'ms', note: `${gflops(matmulFlops, m.median).toFixed(1)} GFLOP/s` });
rows.push({ name: `conv3x3 b${conv.b} ${conv.hw}x${conv.hw} ${conv.c}->${conv.c}`, backend: label, ...c, unit: 'ms', note: `${gflops(convFlops, c.median).toFixed(1)} GFLOP/s` });

// Only in the default pass (not the one-thread rerun), and only with python3-torch.
if (process.env.VQCT_WASM_THREADS !== '1' && hasTorch()) {
  const code = `
import json, time, torch
n, (cb, hw, c) = ${n}, (${conv.b}, ${conv.hw}, ${conv.c})
warm, runs = ${timing.warmup}, ${timing.runs}
def med(f):
    for _ in range(warm): f()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); t.append((time.perf_counter() - t0) * 1000)
    t.sort(); return {"median": t[len(t) // 2], "min": t[0], "max": t[-1], "runs": runs}
torch.manual_seed(0)
a = torch.randn(n, n); x = torch.randn(cb, c, hw, hw); w = torch.randn(c, c, 3, 3) * 0.1
out = {"torch": torch.__version__}
with torch.no_grad():
    for th in (1, 2):
        torch.set_num_threads(th)
        out[str(th)] = {"matmul": med(lambda: a @ a), "conv": med(lambda: torch.nn.functional.conv2d(x, w, padding=1))}
print(json.dumps(out))`;
  const r = spawnSync(TORCH_PYTHON, ['-c', code], { encoding: 'utf8' });
  if (r.status === 0) {
    const res = JSON.parse(r.stdout.trim().split('\n').pop());
    for (const th of ['1', '2']) {
      rows.push({ name: `matMul ${n}x${n}x${n}`, backend: `torch-cpu ${th}t`, ...res[th].matmul, unit: 'ms', note: `${gflops(matmulFlops, res[th].matmul.median).toFixed(1)} GFLOP/s; torch ${res.torch}` });
      rows.push({ name: `conv3x3 b${conv.b} ${conv.hw}x${conv.hw} ${conv.c}->${conv.c}`, backend: `torch-cpu ${th}t`, ...res[th].conv, unit: 'ms', note: `${gflops(convFlops, res[th].conv.median).toFixed(1)} GFLOP/s` });
    }
  } else {
    rows.push({ name: 'PyTorch peer', backend: 'torch-cpu', note: `failed: ${(r.stderr || '').split('\n').filter(Boolean).pop()}` });
  }
}
report(`dense f32 throughput — ${b.line}`, rows);
