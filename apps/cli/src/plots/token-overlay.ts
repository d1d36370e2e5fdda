import sharp from 'sharp';
import { pngBytes, type RawImage } from '../io/images';
import { FONT, esc } from './svg';

/**
 * The word-labelled token map: the image enlarged so each token cell is
 * `cell` pixels, a grid over it, and in each cell the noun (bold) above its
 * adjectives, on a translucent band so the words stay readable.
 *
 * @param words [h'][w'] strings "adj, adj / noun"
 * @example
 * const png = await tokenOverlayPng(image, words, 96);
 */
export async function tokenOverlayPng(image: RawImage, words: string[][], cell = 96): Promise<Buffer> {
  const gh = words.length;
  const gw = words[0].length;
  const width = gw * cell;
  const height = gh * cell;
  const scale = Math.max(1, Math.round(width / image.width));
  const base = await sharp(await pngBytes(image, scale)).resize(width, height, { kernel: 'nearest', fit: 'fill' }).removeAlpha().toColourspace('srgb').png().toBuffer();
  const fs = Math.max(8, Math.round(cell / 8));
  const parts: string[] = [];
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const [adjs, noun] = words[y][x].includes(' / ') ? words[y][x].split(' / ') : ['', words[y][x]];
      const x0 = x * cell;
      const y0 = y * cell;
      parts.push(`<rect x="${x0}" y="${y0 + cell - 2.6 * fs - 4}" width="${cell}" height="${2.6 * fs + 4}" fill="black" fill-opacity="0.55"/>`);
      parts.push(`<text x="${x0 + 3}" y="${y0 + cell - 1.4 * fs - 2}" font-size="${fs}" font-weight="bold" fill="#ffd84d">${esc(noun)}</text>`);
      if (adjs !== '') parts.push(`<text x="${x0 + 3}" y="${y0 + cell - 0.4 * fs}" font-size="${Math.round(fs * 0.85)}" fill="white">${esc(adjs)}</text>`);
    }
  }
  for (let i = 0; i <= gw; i++) parts.push(`<line x1="${i * cell}" x2="${i * cell}" y1="0" y2="${height}" stroke="white" stroke-opacity="0.7"/>`);
  for (let i = 0; i <= gh; i++) parts.push(`<line x1="0" x2="${width}" y1="${i * cell}" y2="${i * cell}" stroke="white" stroke-opacity="0.7"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT}">${parts.join('')}</svg>`;
  return sharp(base).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer();
}
