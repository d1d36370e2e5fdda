// The PyTorch CPU peer from BENCH.md, run in the same session as our numbers
// so that ratios compare like with like. Skipped (with a note) when Debian's
// python3-torch is not installed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TORCH_PYTHON as py, hasTorch, quick, report } from './lib.mjs';

if (!hasTorch()) {
  report('peer: PyTorch CPU (bench-32)', [
    { name: 'train step', backend: 'torch-cpu', note: 'skipped: apt-get install python3-torch libopenblas0-pthread' },
  ]);
} else {
  const script = fileURLToPath(new URL('./peer/torch_bench32.py', import.meta.url));
  const r = spawnSync(py, [script, ...(quick ? ['--quick'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(1);
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  const note = `torch ${res.torch}, ${res.threads} threads, batch ${res.batch}`;
  report('peer: PyTorch CPU (bench-32)', [
    { name: 'train step', backend: 'torch-cpu', ...res.train_step_ms, unit: 'ms', note },
    { name: 'forward', backend: 'torch-cpu', ...res.forward_ms, unit: 'ms', note },
    { name: `quantizer ${res.quantizer_vectors} vectors`, backend: 'torch-cpu', ...res.quantizer_ms, unit: 'ms', note },
  ]);
}
