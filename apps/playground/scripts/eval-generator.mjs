#!/usr/bin/env node
/**
 * Measures the bundled generator on the held-out emoji (never trained on, in
 * any style), with the shipped emoji-32 tokenizer:
 * - held-out NLL in bits per image token with each image's own caption words
 *   as the prefix, with a blank prefix (the same model, no words), and the
 *   unigram baseline of the training split;
 * - prompt faithfulness: for held-out captions with a noun of the prior, the
 *   share of sampled grids whose own nouns contain the prompt's noun, against
 *   the same seeds with a blank prompt; with --guidance, the prompted samples
 *   at each classifier-free guidance scale (same seeds).
 *
 *   node scripts/eval-generator.mjs [--dir public/generate] [--prompts 100] [--seed 1] [--guidance 1,2,3] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNodeBackend } from '@vqct/backend-node';
import { heldOutBits, sampleTokens, TokenSequenceDataset, unigramBits } from '@vqct/transformer';
import { captionIdsFor, encodeSplit, loadGenerator } from './generator-io.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dir = arg('dir', join(here, '..', 'public', 'generate'));
const prompts = Number(arg('prompts', 100));
const seed = Number(arg('seed', 1));
const scales = String(arg('guidance', '1')).split(',').map(Number);
if (scales.some((g) => !(g >= 0))) {
  process.stderr.write(`eval-generator: --guidance expects numbers >= 0 separated by commas, got ${JSON.stringify(arg('guidance'))}\n`);
  process.exit(1);
}
const log = (s) => process.stderr.write(`${s}\n`);

log((await useNodeBackend()).line);
const { sidecar, model, tok } = loadGenerator(dir);
const vocab = tok.prior;
const max = model.config.condition.kind === 'words' ? model.config.condition.length : 0;
const captionIds = captionIdsFor(vocab, max);
const encode = (split) => encodeSplit(tok, split);

const held = await encode('heldout');
const train = await encode('train');
log(`encoded ${train.size} train and ${held.size} held-out emoji`);
const ids = held.captions.map(captionIds);
const withWords = TokenSequenceDataset.fromGrids(model.layout, held.grids, (i) => ({ kind: 'words', ids: ids[i] }), 'heldout:captions');
const blank = TokenSequenceDataset.fromGrids(model.layout, held.grids, () => ({ kind: 'words', ids: [] }), 'heldout:blank');
const trainSeq = TokenSequenceDataset.fromGrids(model.layout, train.grids, () => ({ kind: 'words', ids: [] }), 'train');
const bitsCaption = await heldOutBits(model, withWords);
const bitsBlank = await heldOutBits(model, blank);
const uni = unigramBits(model.layout, trainSeq.sequences, withWords.sequences);
log(`held-out bits/token: caption ${bitsCaption.bitsPerToken.toFixed(3)}, blank ${bitsBlank.bitsPerToken.toFixed(3)}, unigram ${uni.bitsPerToken.toFixed(3)}`);

// Prompt faithfulness: distinct held-out captions whose last known word is a noun.
const seen = new Set();
const picks = [];
held.captions.forEach((c, i) => {
  const last = ids[i].at(-1);
  if (last == null || last < vocab.kAdj || seen.has(c)) return;
  seen.add(c);
  picks.push({ caption: c, ids: ids[i], noun: last - vocab.kAdj });
});
const chosen = picks.filter((_, j) => j % Math.max(1, Math.floor(picks.length / prompts)) === 0).slice(0, prompts);
async function nounsOf(conditions, guidance = 1) {
  const t = await sampleTokens(model, { count: conditions.length, condition: conditions, seed, guidance });
  const g = await t.data();
  t.dispose();
  const k1 = model.layout.tokens.adjectives + 1;
  const L = model.layout.tokens.grid[0] * model.layout.tokens.grid[1];
  return conditions.map((_, i) => new Set(Array.from({ length: L }, (_, p) => g[(i * L + p) * k1 + k1 - 1])));
}
const t0 = Date.now();
const byScale = [];
for (const guidance of scales) byScale.push({ guidance, nouns: await nounsOf(chosen.map((c) => ({ kind: 'words', ids: c.ids })), guidance) });
const prompted = (byScale.find((b) => b.guidance === 1) ?? byScale[0]).nouns;
const unprompted = await nounsOf(chosen.map(() => ({ kind: 'words', ids: [] })));
const share = (sets) => sets.filter((s, i) => s.has(chosen[i].noun)).length / chosen.length;
// How often the noun is in the encoder's own grid of that held-out image (the ceiling for this tokenizer).
const k1 = model.layout.tokens.adjectives + 1;
const L = model.layout.tokens.grid[0] * model.layout.tokens.grid[1];
const own = chosen.map((c) => {
  const i = held.captions.indexOf(c.caption);
  return new Set(Array.from({ length: L }, (_, p) => held.grids[(i * L + p) * k1 + k1 - 1])).has(c.noun);
}).filter(Boolean).length / chosen.length;
const report = {
  generator: sidecar.name, step: sidecar.step, tokenizer: sidecar.tokenizer,
  heldOut: { images: held.size, captionWordsPerImage: ids.reduce((a, x) => a + x.length, 0) / ids.length, bitsPerToken: { caption: bitsCaption, blank: bitsBlank, unigram: uni } },
  faithfulness: {
    prompts: chosen.length, seed, withPrompt: share(prompted), blankPrompt: share(unprompted), encodedImage: own, sampleSeconds: (Date.now() - t0) / 1000,
    byGuidance: byScale.map((b) => ({ guidance: b.guidance, withPrompt: share(b.nouns) })),
  },
};
for (const b of report.faithfulness.byGuidance) log(`guidance ${b.guidance}: noun sampled ${(100 * b.withPrompt).toFixed(1)}% with the prompt`);
log(`prompt faithfulness (${chosen.length} held-out captions, seed ${seed}): noun sampled ${(100 * report.faithfulness.withPrompt).toFixed(1)}% with the prompt, ${(100 * report.faithfulness.blankPrompt).toFixed(1)}% with a blank one; in the encoder's grid of the image itself ${(100 * own).toFixed(1)}%`);
const json = arg('json');
if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report.faithfulness)}\n`);
model.dispose();
tok.dispose();
