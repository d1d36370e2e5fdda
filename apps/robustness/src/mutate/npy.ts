import type { Mutator, Region } from '../case';
import { dec, enc, pick, targetOf, withFile } from '../case';

/** The regions of a .npy file: magic, version, header length, header, data. */
export function npyRegions(bytes: Uint8Array): Region[] {
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  return [
    { name: 'magic', start: 0, end: 6 }, { name: 'version', start: 6, end: 8 }, { name: 'header length', start: 8, end: 10 },
    { name: 'header', start: 10, end: 10 + hlen }, { name: 'data', start: 10 + hlen, end: bytes.length },
  ];
}

function rebuild(header: string, data: Uint8Array, major = 1): Uint8Array {
  const h = enc.encode(header);
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}

function split(bytes: Uint8Array): { header: string; data: Uint8Array } {
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  return { header: dec.decode(bytes.subarray(10, 10 + hlen)), data: bytes.subarray(10 + hlen) };
}

const SHAPES = ['(1000000000, 8, 8, 3)', '(-1, 8, 8, 3)', '()', '(1,)', '(1, 8, 8)', '(1, 8, 8, 3, 1)', '(1.5, 8, 8, 3)', '(1e9, 1e9)', '(0, 8, 8, 3)', '(2, 8, 8, 3)', '(1, 8, 8, x)', '(9007199254740993, 1, 1, 1)'];
const DESCRS = ['<i2', '>i4', '<f4', '<u4', '<i8', '|u1', 'O', '<U8', "<i4', 'x': '"];

/** The shape or dtype in the header changed (the data stays), or the header length lies. */
export const npyHeader: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const { header, data } = split(bytes);
  const k = rng.int(6);
  if (k === 0 || k === 1) {
    const s = pick(rng, SHAPES);
    return withFile(seed, `shape -> ${s}`, rebuild(header.replace(/\(([^)]*)\)/, s), data));
  }
  if (k === 2) {
    const d = pick(rng, DESCRS);
    return withFile(seed, `descr -> ${d}`, rebuild(header.replace(/'<i4'/, `'${d}'`), data));
  }
  if (k === 3) return withFile(seed, 'fortran_order True', rebuild(header.replace('False', 'True'), data));
  if (k === 4) {
    const out = bytes.slice();
    const v = pick(rng, [0, 1, 0xffff, bytes.length, 5]);
    new DataView(out.buffer).setUint16(8, v, true);
    return withFile(seed, `header length -> ${v}`, out);
  }
  const major = pick(rng, [2, 3, 0, 9]);
  if (major === 2 || major === 3) {
    const big = rng.next() < 0.5;
    const out = rebuild(header, data, 2);
    out[6] = major;
    if (big) new DataView(out.buffer).setUint32(8, 0xffffffff, true);
    return withFile(seed, `version ${major}.0${big ? ', header length 4 GB' : ''}`, out);
  }
  const out = bytes.slice();
  out[6] = major;
  return withFile(seed, `version byte -> ${major}`, out);
};

/** Every .npy-level mutation. */
export const NPY_MUTATORS: Mutator[] = [npyHeader, npyHeader, npyHeader];
