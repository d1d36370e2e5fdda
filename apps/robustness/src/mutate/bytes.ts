import type { Rng } from '@vqct/core';
import type { Mutator, Region, Seed } from '../case';
import { pick, targetOf, withFile } from '../case';

function regionsOf(seed: Seed): Region[] {
  const n = seed.files[targetOf(seed)].length;
  return seed.regions != null && seed.regions.length > 0 ? seed.regions : [{ name: 'file', start: 0, end: n }];
}

/** An offset in or at the edges of a random region (start, start+1, middle, end-1, end, random). */
function offsetIn(rng: Rng, r: Region): { at: number; where: string } {
  const len = r.end - r.start;
  const choices: Array<[number, string]> = [
    [r.start, 'start'], [r.start + 1, 'start+1'], [r.start + (len >> 1), 'middle'],
    [r.end - 1, 'end-1'], [r.end, 'end'], [r.start + rng.int(Math.max(len, 1)), 'random'],
  ];
  const [at, where] = pick(rng, choices);
  return { at: Math.max(0, at), where: `${r.name} ${where}` };
}

/** Truncation at a region's edge or inside it. */
export const truncate: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const { at, where } = offsetIn(rng, pick(rng, regionsOf(seed)));
  if (at >= bytes.length) return null;
  return withFile(seed, `truncate at ${at} (${where})`, bytes.slice(0, at));
};

/** 1-4 bytes XOR-ed with a random non-zero mask, in one region. */
export const flip: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)].slice();
  if (bytes.length === 0) return null;
  const r = pick(rng, regionsOf(seed));
  const n = 1 + rng.int(4);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = Math.min(bytes.length - 1, r.start + rng.int(Math.max(1, r.end - r.start)));
    bytes[o] ^= 1 + rng.int(255);
    at.push(o);
  }
  return withFile(seed, `flip bytes ${at.join(',')} (${r.name})`, bytes);
};

const SPECIAL = [0x00, 0xff, 0x22, 0x7b, 0x7d, 0x5b, 0x2c, 0x0a, 0x80, 0x7f];

/** One byte set to a value parsers care about (NUL, 0xff, quote, brace, comma, newline, a UTF-8 continuation). */
export const special: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)].slice();
  if (bytes.length === 0) return null;
  const { at, where } = offsetIn(rng, pick(rng, regionsOf(seed)));
  const o = Math.min(at, bytes.length - 1);
  const v = pick(rng, SPECIAL);
  bytes[o] = v;
  return withFile(seed, `byte ${o} = 0x${v.toString(16)} (${where})`, bytes);
};

/** Random bytes, a NUL run or a copy of the file appended. */
export const trailing: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const kind = rng.int(3);
  const extra = kind === 0
    ? Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256))
    : kind === 1 ? new Uint8Array(1 + rng.int(16)) : bytes.slice(0, Math.min(bytes.length, 4096));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return withFile(seed, `trailing ${['random', 'NUL', 'copy'][kind]} x${extra.length}`, out);
};

/** Bytes inserted in or deleted from the middle of a region (shifts everything after). */
export const splice: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const { at, where } = offsetIn(rng, pick(rng, regionsOf(seed)));
  const o = Math.min(at, bytes.length);
  if (rng.next() < 0.5) {
    const ins = Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256));
    const out = new Uint8Array(bytes.length + ins.length);
    out.set(bytes.subarray(0, o));
    out.set(ins, o);
    out.set(bytes.subarray(o), o + ins.length);
    return withFile(seed, `insert ${ins.length} bytes at ${o} (${where})`, out);
  }
  const n = 1 + rng.int(8);
  const out = new Uint8Array(Math.max(0, bytes.length - n));
  out.set(bytes.subarray(0, o));
  out.set(bytes.subarray(Math.min(bytes.length, o + n)), o);
  return withFile(seed, `delete ${n} bytes at ${o} (${where})`, out.subarray(0, Math.min(out.length, o + Math.max(0, bytes.length - o - n))));
};

/** An empty file. */
export const empty: Mutator = (seed) => withFile(seed, 'empty file', new Uint8Array(0));

/** The generic byte mutators every reader gets. */
export const BYTE_MUTATORS: Mutator[] = [truncate, truncate, flip, flip, special, trailing, splice, empty];
