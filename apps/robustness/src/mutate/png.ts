import type { Mutator, Region } from '../case';
import { pick, targetOf, withFile } from '../case';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The PNG chunk CRC (over type + data). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks of a PNG as regions (signature, IHDR, IDAT..., IEND). */
export function pngRegions(bytes: Uint8Array): Region[] {
  const regions: Region[] = [{ name: 'signature', start: 0, end: 8 }];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  while (o + 12 <= bytes.length) {
    const len = v.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    regions.push({ name: `chunk ${type}`, start: o, end: Math.min(bytes.length, o + 12 + len) });
    o += 12 + len;
  }
  return regions;
}

/** IHDR's width/height set to a lie (up to 100k x 100k) with a correct CRC, so only the pixel-count limit stops it. */
export const pngDimensions: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)].slice();
  if (bytes[1] !== 0x50 || bytes[2] !== 0x4e) return null;
  const v = new DataView(bytes.buffer);
  const [w, h] = pick(rng, [[100_000, 100_000], [1, 1], [0, 28], [65_535, 65_535], [2 ** 31 - 1, 1], [28, 100_000]]);
  v.setUint32(16, w);
  v.setUint32(20, h);
  v.setUint32(29, crc32(bytes.subarray(12, 29)));
  return withFile(seed, `IHDR ${w}x${h} (CRC fixed)`, bytes);
};

/** Every image-specific mutation. */
export const IMAGE_MUTATORS: Mutator[] = [pngDimensions];
