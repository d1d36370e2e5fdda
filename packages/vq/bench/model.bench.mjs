// @vqct/vq model bench (BENCH.md, bench-32): forward (encode + quantize +
// decode, inference) at batch 8, and the dual quantizer alone on 8192
// vectors (64 + 64 dims) against 512 + 1024 codes, on cpu and wasm.
// Imports the built dist: run `pnpm exec turbo run build --filter=@vqct/vq` first.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { machineLine, measureWithCpu, peakRssMiB, quick, report, backendLabel, runPeer, peerRatio } from '../../../bench/lib.mjs';
import { torchAvailability } from '@vqct/backend-torch';
import { createVqModel, resolveVqModelConfig, VariableCodebookSource, VqctQuantizer } from '../dist/index.js';

// PyTorch 1.13 CPU peer on the same machine kind (BENCH.md): midpoints of the quoted ranges.
const backends = process.env.VQCT_BENCH_BACKENDS?.split(',') ?? ['cpu', 'wasm', ...(torchAvailability().available ? ['torch'] : [])];
// The PyTorch peer, measured now (never a constant from another machine or day).
const peer = quick ? null : runPeer();
const config = resolveVqModelConfig(quick ? { preset: 'tiny' } : 'bench-32');
const batch = quick ? 1 : 8;
const side = quick ? 16 : 32;
const positions = quick ? 256 : 8192;
const timing = quick ? { warmup: 1, runs: 1 } : { warmup: 2, runs: 5 };

function codebook(seed) {
  const values = tf.tidy(() => tf.randomNormal([config.kAdj + config.kNoun, config.codeDim], 0, 1, 'float32', seed));
  const source = new VariableCodebookSource(config.kAdj, config.kNoun, values);
  values.dispose();
  return source;
}

for (const backend of backends) {
  // One table per backend, printed as soon as it is measured.
  const rows = [];
  const b = await useNodeBackend({ backend });
  const source = codebook(1);
  const model = createVqModel(config, { codebook: source, seed: 1 });
  const x = tf.tidy(() => tf.randomUniform([batch, side, side, 3], -1, 1, 'float32', 2));
  const fwd = await measureWithCpu(async () => {
    const y = model.reconstruct(x);
    await y.data();
    y.dispose();
  }, timing);
  rows.push({ name: `forward ${quick ? 'tiny' : 'bench-32'} b${batch} ${side}x${side}`, backend: backendLabel(b), ...fwd, unit: 'ms', note: `cpu-time ${fwd.cpu.toFixed(0)} ms; ${quick ? 'quick: tiny shapes, no peer ratio' : peerRatio(fwd, peer?.forward_ms)}` });

  const quantizer = new VqctQuantizer(config, source);
  const z = tf.tidy(() => tf.randomNormal([positions / 64, 8, 8, 2 * config.codeDim], 0, 1, 'float32', 3));
  const qt = await measureWithCpu(async () => {
    const r = quantizer.quantize(z, { training: false });
    await r.tokens.data();
    tf.dispose(r);
  }, timing);
  rows.push({ name: `quantizer ${positions} x (${config.codeDim}+${config.codeDim}) vs ${config.kAdj}+${config.kNoun}`, backend: backendLabel(b), ...qt, unit: 'ms', note: `cpu-time ${qt.cpu.toFixed(0)} ms; ${Math.round((positions / qt.median) * 1000)} vec/s; ${quick ? 'quick: tiny shapes, no peer ratio' : peerRatio(qt, peer?.quantizer_ms)}` });
  tf.dispose([x, z]);
  model.dispose();
  source.dispose();
  report(`@vqct/vq model (${b.name}) — ${machineLine(`peak RSS ${peakRssMiB().toFixed(0)} MiB`)}`, rows);
}
