#!/usr/bin/env node
/**
 * Turns a finished `vqct train` run into a shipped model under weights/<name>/:
 * the last checkpoint's model.* and transfer.* tensors only (no discriminator,
 * no optimizer state), its sidecar (weightsFile renamed, absolute paths of the
 * training machine dropped), the run's prior, and card.json with the held-out
 * metrics of `vqct eval --json` and the sha256 of every file.
 *
 *   node scripts/export-model.mjs --run RUN --eval eval.json --name emoji-32 --model-version 1.0.0 \
 *     --minutes 70 --commands commands.txt --description "..." [--out DIR]
 *
 * --out: another folder than weights/<name>/ (a candidate under models-candidates/, not shipped).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSafetensors, sha256Hex } from '@vqct/core';
import { decodeCheckpoint, parseCheckpointSidecar } from '@vqct/vq';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
};
const run = arg('run');
const name = arg('name', 'emoji-32');
const out = arg('out', join(here, '..', 'weights', name));
const evalResult = JSON.parse(readFileSync(arg('eval'), 'utf8'));
const commands = readFileSync(arg('commands'), 'utf8').trim().split('\n').filter((l) => l.trim() !== '');

const ckDir = join(run, 'checkpoints');
const sidecar = parseCheckpointSidecar(readFileSync(join(ckDir, 'last.json'), 'utf8'), join(ckDir, 'last.json'));
const tensors = decodeCheckpoint(new Uint8Array(readFileSync(join(ckDir, sidecar.weightsFile))), sidecar);
const kept = Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith('model.') || n.startsWith('transfer.')));
const groups = {};
for (const n of Object.keys(kept)) groups[n.split('.')[0]] = (groups[n.split('.')[0]] ?? 0) + 1;
const weights = encodeSafetensors(kept, { format: 'vqct-checkpoint', step: String(sidecar.step) });
const settings = sidecar.trainConfig ?? {};
const trainConfig = { ...settings, prior: settings.prior != null ? { ...settings.prior, file: 'prior.safetensors', source: `@vqct/models/weights/${name}/prior.safetensors` } : null };
const files = { weights: `${name}.safetensors`, sidecar: `${name}.json`, prior: 'prior.safetensors', card: 'card.json' };
const shipped = {
  ...sidecar, weightsFile: files.weights, weightsSha256: sha256Hex(weights), weightsBytes: weights.length, groups, trainConfig,
};
const sidecarText = `${JSON.stringify(shipped, null, 2)}\n`;
const prior = readFileSync(join(ckDir, settings.prior?.file ?? 'prior.safetensors'));
const card = {
  name,
  version: arg('model-version', '1.0.0'),
  preset: name,
  description: arg('description', ''),
  resolution: settings.model?.resolution,
  data: {
    source: settings.data?.source,
    heldOut: '10% of the base emoji (FNV-1a of the code points), held out in both styles and every skin tone',
    attribution: [
      'Noto Emoji (emoji-datasource-google): Copyright Google Inc., Apache License 2.0',
      'Twemoji (emoji-datasource-twitter): Copyright Twitter, Inc and other contributors, CC-BY 4.0 (https://creativecommons.org/licenses/by/4.0/)',
      'emoji-datasource packaging and emoji.json: Cal Henderson, MIT',
    ],
  },
  training: {
    steps: sidecar.step,
    minutes: Number(arg('minutes', '0')),
    commands,
    objective: `L1 + ${settings.perceptual ? `perceptual (MobileNetV2) x ${settings.train?.loss?.perceptualWeight} + ` : ''}PatchGAN hinge from step ${settings.train?.loss?.discStart} (adaptive weight x ${settings.train?.loss?.discWeight}) + quantizer loss`,
  },
  heldOut: { images: evalResult.images, psnr: evalResult.psnr, ssim: evalResult.ssim, usage: { adjective: evalResult.usage.adjective.usage, noun: evalResult.usage.noun.usage } },
  sha256: { [files.weights]: sha256Hex(weights), [files.sidecar]: sha256Hex(sidecarText), [files.prior]: sha256Hex(new Uint8Array(prior)) },
};
mkdirSync(out, { recursive: true });
const write = (file, data) => {
  writeFileSync(join(out, `${file}.tmp`), data);
  renameSync(join(out, `${file}.tmp`), join(out, file));
};
write(files.weights, weights);
write(files.sidecar, sidecarText);
write(files.prior, prior);
write(files.card, `${JSON.stringify(card, null, 2)}\n`);
process.stderr.write(`wrote ${out}: ${files.weights} (${(weights.length / 1e6).toFixed(2)} MB, step ${sidecar.step}), ${files.sidecar}, ${files.prior}, ${files.card}\n`);
