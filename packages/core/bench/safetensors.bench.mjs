// safetensors encode/decode throughput (checkpoints of the paper-256 size are ~1 GB of floats).
import { decodeSafetensors, encodeSafetensors } from '../dist/index.js';
import { measure, quick, report } from '../../../bench/lib.mjs';

const mib = quick ? 4 : 64;
const n = (mib * 1024 * 1024) / 4;
const tensors = {};
for (let i = 0; i < 8; i++) tensors[`w${i}`] = { dtype: 'F32', shape: [n / 8], data: new Float32Array(n / 8).fill(i) };
let bytes;
const enc = await measure(() => { bytes = encodeSafetensors(tensors); }, { warmup: 1, runs: quick ? 1 : 5 });
const dec = await measure(() => decodeSafetensors(bytes), { warmup: 1, runs: quick ? 1 : 5 });
report('core: safetensors', [
  { name: `encode ${mib} MiB`, backend: '-', ...enc, unit: 'ms', note: `${(mib / (enc.median / 1000)).toFixed(0)} MiB/s` },
  { name: `decode ${mib} MiB`, backend: '-', ...dec, unit: 'ms', note: `${(mib / (dec.median / 1000)).toFixed(0)} MiB/s` },
]);
