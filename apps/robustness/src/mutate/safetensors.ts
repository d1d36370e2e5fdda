import type { Rng } from '@vqct/core';
import type { Mutator, Region, Seed } from '../case';
import { dec, enc, pick, targetOf, withFile } from '../case';

interface Parsed {
  header: Record<string, unknown>;
  data: Uint8Array;
}

/** Splits safetensors bytes (a seed the project wrote, so well-formed). */
export function parseSafetensors(bytes: Uint8Array): Parsed {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { header: JSON.parse(dec.decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>, data: bytes.subarray(8 + n) };
}

/** Header text + data back to bytes; the length prefix tells the truth unless `lie` is given. */
export function assemble(headerText: string, data: Uint8Array, lie?: bigint): Uint8Array {
  const h = enc.encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lie ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** The regions of a safetensors file: the length prefix, the header, each tensor's bytes. */
export function safetensorsRegions(bytes: Uint8Array): Region[] {
  const { header } = parseSafetensors(bytes);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const regions: Region[] = [{ name: 'length prefix', start: 0, end: 8 }, { name: 'header', start: 8, end: 8 + n }];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = (info as { data_offsets: [number, number] }).data_offsets;
    regions.push({ name: `tensor ${name}`, start: 8 + n + b, end: 8 + n + e });
  }
  return regions;
}

type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

function tensorNames(h: Record<string, unknown>): string[] {
  return Object.keys(h).filter((k) => k !== '__metadata__');
}

function structural(seed: Seed, rng: Rng, what: string, edit: (h: Record<string, unknown>, name: string) => string | null): ReturnType<Mutator> {
  const bytes = seed.files[targetOf(seed)];
  const { header, data } = parseSafetensors(bytes);
  const names = tensorNames(header);
  if (names.length === 0) return null;
  const name = pick(rng, names);
  const note = edit(header, name);
  if (note == null) return null;
  return withFile(seed, `${what}: ${note}`, assemble(JSON.stringify(header), data));
}

const HUGE = [2 ** 53, 2 ** 53 + 2, 1e300, -1, 1.5, 2 ** 31, 2 ** 32 + 4, 0];

/** data_offsets that lie: shifted, swapped, past the end, huge, negative, fractional, wrong arity. */
export const lyingOffsets: Mutator = (seed, rng) => structural(seed, rng, 'offsets', (h, name) => {
  const e = h[name] as Entry;
  const [b, end] = e.data_offsets;
  const k = rng.int(7);
  if (k === 0) e.data_offsets = [b + 4, end + 4];
  else if (k === 1) e.data_offsets = [end, b];
  else if (k === 2) e.data_offsets = [b, end + 1 + rng.int(1 << 20)];
  else if (k === 3) e.data_offsets = [b, pick(rng, HUGE)];
  else if (k === 4) (e as unknown as { data_offsets: unknown }).data_offsets = [b];
  else if (k === 5) (e as unknown as { data_offsets: unknown }).data_offsets = [String(b), String(end)];
  else e.data_offsets = [0, end - b];
  return `${name} -> ${JSON.stringify(e.data_offsets)}`;
});

const DTYPES = ['F16', 'BF16', 'F64', 'I64', 'I32', 'U8', 'BOOL', 'f32', '', 'F32\u0000'];

/** A dtype the data does not hold (or no dtype the format knows). */
export const wrongDtype: Mutator = (seed, rng) => structural(seed, rng, 'dtype', (h, name) => {
  const e = h[name] as Entry;
  const d = rng.int(10) === 0 ? 7 : pick(rng, DTYPES);
  (e as unknown as { dtype: unknown }).dtype = d;
  return `${name} -> ${JSON.stringify(d)}`;
});

/** A shape that does not match the bytes, or is not a shape at all. */
export const wrongShape: Mutator = (seed, rng) => structural(seed, rng, 'shape', (h, name) => {
  const e = h[name] as Entry;
  const s = e.shape;
  const k = rng.int(8);
  let v: unknown;
  if (k === 0) v = [...s, 1];
  else if (k === 1) v = s.slice(1);
  else if (k === 2) v = s.map((d) => d * 2);
  else if (k === 3) v = [0, ...s];
  else if (k === 4) v = s.map(() => pick(rng, HUGE));
  else if (k === 5) v = [-1 * (s[0] ?? 1), ...s.slice(1)];
  else if (k === 6) v = s.length > 1 ? [s[1], s[0], ...s.slice(2)] : [s[0] ?? 0];
  else v = 'big';
  (e as unknown as { shape: unknown }).shape = v;
  return `${name} -> ${JSON.stringify(v)}`;
});

/** A tensor entry deleted (its bytes stay: a hole) or its bytes dropped as well. */
export const missingTensor: Mutator = (seed, rng) => {
  const { header, data } = parseSafetensors(seed.files[targetOf(seed)]);
  const names = tensorNames(header);
  if (names.length === 0) return null;
  const name = pick(rng, names);
  const [b, e] = (header[name] as Entry).data_offsets;
  delete header[name];
  if (rng.next() < 0.5) return withFile(seed, `missing tensor ${name} (bytes left as a hole)`, assemble(JSON.stringify(header), data));
  for (const other of tensorNames(header)) {
    const o = header[other] as Entry;
    if (o.data_offsets[0] >= e) o.data_offsets = [o.data_offsets[0] - (e - b), o.data_offsets[1] - (e - b)];
  }
  const rest = new Uint8Array(data.length - (e - b));
  rest.set(data.subarray(0, b));
  rest.set(data.subarray(e), b);
  return withFile(seed, `missing tensor ${name} (bytes removed)`, assemble(JSON.stringify(header), rest));
};

/** A key written twice in the header text (JSON.parse keeps the last). */
export const duplicateKey: Mutator = (seed, rng) => {
  const { header, data } = parseSafetensors(seed.files[targetOf(seed)]);
  const names = Object.keys(header);
  const name = pick(rng, names);
  const text = JSON.stringify(header);
  const copy = name === '__metadata__'
    ? { format: 'something-else' }
    : { ...(header[name] as Entry), shape: [1], dtype: 'U8', data_offsets: [0, 1] };
  const injected = `{${JSON.stringify(name)}:${JSON.stringify(copy)},${text.slice(1)}`;
  const later = rng.next() < 0.5;
  const out = later ? `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(copy)}}` : injected;
  return withFile(seed, `duplicate key ${name} (${later ? 'last wins: the bogus copy' : 'first is bogus'})`, assemble(out, data));
};

/** The length prefix lies (bigger, smaller, terabytes, 2^63). */
export const lyingLength: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  const v = pick(rng, [n + 1n, n - 1n, n + 8n, 0n, 2n ** 40n, 2n ** 63n, BigInt(bytes.length), BigInt(bytes.length - 8)]);
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(0, v, true);
  return withFile(seed, `length prefix ${n} -> ${v}`, out);
};

function metadataOf(h: Record<string, unknown>): Record<string, unknown> | null {
  const m = h.__metadata__;
  return m != null && typeof m === 'object' ? (m as Record<string, unknown>) : null;
}

const META_VALUES: unknown[] = [
  '', 'null', '[]', '{}', '-1', '1e308', '9007199254740993', 'NaN', 'Infinity', '0x10', ' 7', '[1,2', '"x"',
  '[["a"]]', 12, null, ['x'], { a: 1 },
];

/** A metadata value removed, of the wrong type, truncated JSON, a huge or negative number. */
export const badMetadata: Mutator = (seed, rng) => {
  const { header, data } = parseSafetensors(seed.files[targetOf(seed)]);
  const m = metadataOf(header);
  if (m == null) return null;
  const key = pick(rng, Object.keys(m));
  const k = rng.int(4);
  let note: string;
  if (k === 0) {
    delete m[key];
    note = `missing __metadata__.${key}`;
  } else if (k === 1 && typeof m[key] === 'string' && (m[key] as string).length > 2) {
    const s = m[key] as string;
    m[key] = s.slice(0, rng.int(s.length));
    note = `__metadata__.${key} cut to ${(m[key] as string).length} chars`;
  } else {
    const v = pick(rng, META_VALUES);
    m[key] = v;
    note = `__metadata__.${key} = ${JSON.stringify(v)}`;
  }
  return withFile(seed, note, assemble(JSON.stringify(header), data));
};

/** Deeply nested JSON in the header: as a metadata value, as an entry, or wrapping the header. */
export const deepNesting: Mutator = (seed, rng) => {
  const { header, data } = parseSafetensors(seed.files[targetOf(seed)]);
  const depth = pick(rng, [100, 5000, 100_000]);
  const nest = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const text = JSON.stringify(header);
  const k = rng.int(3);
  const out = k === 0
    ? `{"deep":${nest},${text.slice(1)}`
    : k === 1 ? `{"__metadata__":{"deep":${JSON.stringify(nest)}},${text.slice(1)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return withFile(seed, `nesting depth ${depth} (${['entry', 'metadata string', 'whole header'][k]})`, assemble(out, data));
};

/** NaN, Inf, -Inf, a huge or a denormal value written over F32 data. */
export const nonFinite: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)].slice();
  const { header } = parseSafetensors(bytes);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const f32 = tensorNames(header).filter((k) => (header[k] as Entry).dtype === 'F32' && (header[k] as Entry).data_offsets[1] > (header[k] as Entry).data_offsets[0]);
  if (f32.length === 0) return null;
  const name = pick(rng, f32);
  const [b, e] = (header[name] as Entry).data_offsets;
  const i = rng.int((e - b) / 4);
  const v = pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e38, 1e-45, -0]);
  new DataView(bytes.buffer).setFloat32(8 + n + b + 4 * i, v, true);
  return withFile(seed, `${name}[${i}] = ${v}`, bytes);
};

/** Header bytes that are not UTF-8 (Latin-1 é, a lone surrogate as CESU bytes, a BOM). */
export const badEncoding: Mutator = (seed, rng) => {
  const { header, data } = parseSafetensors(seed.files[targetOf(seed)]);
  const h = enc.encode(JSON.stringify(header));
  const k = rng.int(3);
  const add = k === 0 ? [0xe9] : k === 1 ? [0xed, 0xa0, 0x80] : [0xef, 0xbb, 0xbf];
  const at = k === 2 ? 0 : 1 + rng.int(h.length - 2);
  const out = new Uint8Array(h.length + add.length);
  out.set(h.subarray(0, at));
  out.set(add, at);
  out.set(h.subarray(at), at + add.length);
  const file = new Uint8Array(8 + out.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(out.length), true);
  file.set(out, 8);
  file.set(data, 8 + out.length);
  return withFile(seed, `header encoding: ${['Latin-1 byte', 'surrogate', 'BOM'][k]} at ${at}`, file);
};

/** Every safetensors-level mutation. */
export const SAFETENSORS_MUTATORS: Mutator[] = [
  lyingOffsets, lyingOffsets, wrongDtype, wrongShape, wrongShape, missingTensor, duplicateKey,
  lyingLength, badMetadata, badMetadata, badMetadata, deepNesting, nonFinite, nonFinite, badEncoding,
];
