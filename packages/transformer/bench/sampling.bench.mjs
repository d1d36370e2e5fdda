// @vqct/transformer sampling bench: tokens per second drawing token grids,
// with and without the key/value cache, on wasm (and on torch when
// @vqct/backend-node has that backend; skipped otherwise). The model is the
// measured one of docs/RESULTS.md: 2 layers, 4 heads, embedding 64, over the
// tiny tokenizer's 8x8 grid of 2 adjectives + 1 noun (192 tokens) with the
// default prior's 1257 + 2950 words, 4 samples per batch; and with classifier-free
// guidance (a second, unconditional row per sample), with the cache.
// Imports the built dist: run `pnpm exec turbo run build --filter=@vqct/transformer` first.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { backendLabel, machineLine, measure, quick, report } from '../../../bench/lib.mjs';
import { sampleTokens, TokenTransformer } from '../dist/index.js';

const backends = (process.env.VQCT_BENCH_BACKENDS ?? 'wasm,torch').split(',');
const tokens = quick ? { kAdj: 16, kNoun: 32, adjectives: 2, grid: [2, 2] } : { kAdj: 1257, kNoun: 2950, adjectives: 2, grid: [8, 8] };
const count = quick ? 1 : 4;
const timing = quick ? { warmup: 0, runs: 1 } : { warmup: 1, runs: 3 };
const perSample = tokens.grid[0] * tokens.grid[1] * (tokens.adjectives + 1);

for (const backend of backends) {
  let b;
  try {
    b = await useNodeBackend({ backend });
  } catch (e) {
    process.stdout.write(`\n(skipped backend ${backend}: ${e.message.split('\n')[0]})\n`);
    continue;
  }
  const model = new TokenTransformer({ tokens, condition: { kind: 'class', classes: 10 }, layers: 2, heads: 4, embedding: quick ? 16 : 64 }, { seed: 1 });
  const rows = [];
  for (const cache of [true, false]) {
    const t = await measure(async () => {
      const out = await sampleTokens(model, { count, condition: { kind: 'class', label: 3 }, seed: 1, topK: 100, cache });
      out.dispose();
    }, timing);
    const rate = (count * perSample) / (t.median / 1000);
    rows.push({ name: `sample ${count} x ${perSample} tokens, ${cache ? 'kv cache' : 'no cache'}`, backend: backendLabel(b), ...t, unit: 'ms', tokensPerSecond: rate, note: `${rate.toFixed(0)} tokens/s` });
  }
  rows.push({ ...rows[1], name: 'cache speed-up', median: rows[1].median / rows[0].median, min: NaN, max: NaN, unit: 'x', note: 'no-cache time / cache time' });
  const guided = await measure(async () => {
    const out = await sampleTokens(model, { count, condition: { kind: 'class', label: 3 }, seed: 1, topK: 100, guidance: 3 });
    out.dispose();
  }, timing);
  const guidedRate = (count * perSample) / (guided.median / 1000);
  rows.push({ name: `sample ${count} x ${perSample} tokens, kv cache, guidance 3`, backend: backendLabel(b), ...guided, unit: 'ms', tokensPerSecond: guidedRate, note: `${guidedRate.toFixed(0)} tokens/s; ${(guided.median / rows[0].median).toFixed(2)}x the unguided time` });
  model.dispose();
  report(`@vqct/transformer sampling (${b.name}) — ${machineLine()}`, rows);
}
tf.disposeVariables();
