#!/usr/bin/env node
/**
 * Writes the playground's bundled generator under public/generate/ from a
 * `vqct transformer train` run: the last checkpoint's `model.*` tensors (no
 * Adam state, no tokenizer copy) as `<name>.safetensors`, a sidecar
 * `<name>.json` (the transformer config, the tokenizer it models with its
 * weights sha256, the held-out bits/token of the run's eval.json, the exact
 * commands) and manifest.json naming the sidecar.
 *
 *   node scripts/export-generator.mjs --run RUN --commands commands.txt --minutes M \
 *     [--name emoji-32-words] [--tokenizer emoji-32] [--label "..."] [--guidance S] [--out public/generate]
 *
 * --guidance: the classifier-free guidance scale the page starts with (default 1;
 * another value needs a run trained with --cond-dropout).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, encodeSafetensors, sha256Hex } from '@vqct/core';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0) return process.argv[i + 1];
  if (fallback === undefined) {
    process.stderr.write(`export-generator: --${name} is required\n`);
    process.exit(1);
  }
  return fallback;
};
const run = arg('run');
const name = arg('name', 'emoji-32-words');
const out = arg('out', join(here, '..', 'public', 'generate'));
const fail = (file, msg) => {
  process.stderr.write(`export-generator: ${file}: ${msg}\n`);
  process.exit(1);
};
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(file, e.message.split('\n')[0]);
  }
};

const dir = join(run, 'checkpoints');
const last = readJson(join(dir, 'last.json'));
const settings = last.trainConfig;
if (settings?.format !== 'vqct-transformer-run') fail(join(dir, 'last.json'), 'not a `vqct transformer train` checkpoint');
const evaluation = readJson(join(run, 'eval.json'));
if (evaluation.step !== last.step) fail(join(run, 'eval.json'), `is of step ${evaluation.step}, the checkpoint of step ${last.step}: run the training to its end (it writes eval.json)`);
const file = join(dir, last.weightsFile);
const bytes = new Uint8Array(readFileSync(file));
if (sha256Hex(bytes) !== last.weightsSha256) fail(file, 'sha256 differs from its sidecar (corrupt?)');
const all = decodeSafetensors(bytes, { source: file }).tensors;
const model = Object.fromEntries(Object.entries(all).filter(([n]) => n.startsWith('model.')).map(([n, t]) => [n.slice(6), t]));
const weights = encodeSafetensors(model, { format: 'vqct-playground-generator' });
const minutes = Number(arg('minutes'));
const h = evaluation.heldOut;
const sidecar = {
  format: 'vqct-playground-generator',
  version: 1,
  name,
  weightsFile: `${name}.safetensors`,
  weightsSha256: sha256Hex(weights),
  model: last.modelConfig,
  condition: settings.condition,
  tokenizer: { name: arg('tokenizer', 'emoji-32'), weightsSha256: settings.tokenizer.weightsSha256 },
  step: last.step,
  heldOut: h,
  training: { minutes, commands: readFileSync(arg('commands'), 'utf8').split('\n').filter((l) => l.trim() !== '') },
  label: arg('label', `a short CPU run (${minutes} min): held out ${h.bitsPerToken.toFixed(2)} bits/token against the unigram's ${h.unigram.bitsPerToken.toFixed(2)}`),
  conditionDropout: settings.train.conditionDropout ?? 0,
  guidance: Number(arg('guidance', '1')),
};
if (!(sidecar.guidance >= 0)) fail('--guidance', `expects a number >= 0, got ${JSON.stringify(arg('guidance'))}`);
if (sidecar.guidance !== 1 && !(sidecar.conditionDropout > 0)) fail(join(dir, 'last.json'), `--guidance ${sidecar.guidance}: the run was trained without --cond-dropout`);
mkdirSync(out, { recursive: true });
// Temp + rename: a reader never sees half a file.
const put = (f, data) => {
  writeFileSync(join(out, `${f}.tmp`), data);
  renameSync(join(out, `${f}.tmp`), join(out, f));
};
put(`${name}.safetensors`, weights);
put(`${name}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
put('manifest.json', `${JSON.stringify({ sidecar: `${name}.json` }, null, 2)}\n`);
process.stdout.write(`wrote ${out}/${name}.safetensors (${(weights.length / 1024).toFixed(0)} KiB, ${Object.keys(model).length} tensors, step ${last.step}) and its sidecar\n`);
