import type { Mutator, Seed } from '../case';
import { dec, enc, pick, targetOf, withFile } from '../case';

type Path = Array<string | number>;

/** Every path into a JSON value (objects and arrays), breadth-limited so big files stay cheap. */
function paths(v: unknown, at: Path = [], out: Path[] = [], limit = 4000): Path[] {
  if (out.length >= limit) return out;
  if (at.length > 0) out.push(at);
  if (Array.isArray(v)) {
    const n = v.length;
    const idx = n <= 8 ? [...Array(n).keys()] : [0, 1, n >> 1, n - 1];
    for (const i of idx) paths(v[i], [...at, i], out, limit);
  } else if (v != null && typeof v === 'object') {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out, limit);
  }
  return out;
}

function parent(root: unknown, p: Path): Record<string | number, unknown> {
  let o = root as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  return o;
}

const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 1e21, '', 'x', '0', [], {}, [[[]]], { a: null },
  'NaN', 2 ** 31, -(2 ** 31) - 1, '\u0000', 'é'.repeat(3), Array.from({ length: 64 }, () => 7),
];

function jsonSeed(seed: Seed): unknown {
  return JSON.parse(dec.decode(seed.files[targetOf(seed)]));
}

/** A value anywhere replaced by one of the wrong type, range or size. */
export const replaceValue: Mutator = (seed, rng) => {
  const doc = jsonSeed(seed);
  const ps = paths(doc);
  if (ps.length === 0) return null;
  const p = pick(rng, ps);
  const v = pick(rng, VALUES);
  parent(doc, p)[p[p.length - 1]] = v;
  return withFile(seed, `${p.join('.')} = ${JSON.stringify(v).slice(0, 40)}`, enc.encode(JSON.stringify(doc, null, 1)));
};

/** A key or array element removed. */
export const removeKey: Mutator = (seed, rng) => {
  const doc = jsonSeed(seed);
  const ps = paths(doc);
  if (ps.length === 0) return null;
  const p = pick(rng, ps);
  const o = parent(doc, p);
  if (Array.isArray(o)) o.splice(p[p.length - 1] as number, 1);
  else delete o[p[p.length - 1]];
  return withFile(seed, `removed ${p.join('.')}`, enc.encode(JSON.stringify(doc)));
};

/** A key repeated in the text with another value (last one wins in JSON.parse). */
export const duplicateJsonKey: Mutator = (seed, rng) => {
  const text = dec.decode(seed.files[targetOf(seed)]);
  const doc = JSON.parse(text) as unknown;
  if (doc == null || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const key = pick(rng, Object.keys(doc));
  const v = pick(rng, VALUES);
  const compact = JSON.stringify(doc);
  return withFile(seed, `duplicate top-level key ${key} = ${JSON.stringify(v).slice(0, 30)}`, enc.encode(`${compact.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(v)}}`));
};

/** Deep nesting put at a random path (or as the whole document). */
export const deepJson: Mutator = (seed, rng) => {
  const depth = pick(rng, [1000, 20_000, 200_000]);
  const arr = rng.next() < 0.5;
  const nest = arr ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
  const text = dec.decode(seed.files[targetOf(seed)]);
  const doc = JSON.parse(text) as unknown;
  if (rng.next() < 0.3 || doc == null || typeof doc !== 'object') return withFile(seed, `document = nesting depth ${depth}`, enc.encode(nest));
  const ps = paths(doc);
  const p = pick(rng, ps);
  const marker = '"@@DEEP@@"';
  parent(doc, p)[p[p.length - 1]] = '@@DEEP@@';
  return withFile(seed, `${p.join('.')} = nesting depth ${depth}`, enc.encode(JSON.stringify(doc).replace(marker, nest)));
};

/** The same JSON in another encoding: UTF-16LE (with or without a BOM), Latin-1 bytes, a UTF-8 BOM. */
export const wrongEncoding: Mutator = (seed, rng) => {
  const text = dec.decode(seed.files[targetOf(seed)]);
  const k = rng.int(4);
  if (k === 0 || k === 1) {
    const u16 = new Uint8Array(2 * text.length + (k === 0 ? 2 : 0));
    let o = 0;
    if (k === 0) { u16[0] = 0xff; u16[1] = 0xfe; o = 2; }
    for (let i = 0; i < text.length; i++) { u16[o++] = text.charCodeAt(i) & 0xff; u16[o++] = text.charCodeAt(i) >> 8; }
    return withFile(seed, `UTF-16LE${k === 0 ? ' with BOM' : ''}`, u16);
  }
  if (k === 2) {
    const at = Math.max(1, rng.int(text.length));
    const i = text.indexOf('"', at);
    const pos = i < 0 ? text.length - 1 : i + 1;
    const bytes = enc.encode(text.slice(0, pos));
    const rest = enc.encode(text.slice(pos));
    const out = new Uint8Array(bytes.length + 1 + rest.length);
    out.set(bytes);
    out[bytes.length] = 0xe9; // Latin-1 é, invalid UTF-8 alone
    out.set(rest, bytes.length + 1);
    return withFile(seed, `Latin-1 byte 0xe9 inside a string at ${pos}`, out);
  }
  const b = enc.encode(text);
  const out = new Uint8Array(b.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(b, 3);
  return withFile(seed, 'UTF-8 BOM', out);
};

/** Numbers JSON allows but readers may not expect: 1e400 (Infinity), -0, 1e-400, 20-digit integers. */
export const hugeNumber: Mutator = (seed, rng) => {
  const text = dec.decode(seed.files[targetOf(seed)]);
  const nums = [...text.matchAll(/(?<=[:,[\s])-?\d+(\.\d+)?([eE][+-]?\d+)?(?=[,\]}\s])/g)];
  if (nums.length === 0) return null;
  const m = pick(rng, nums);
  const v = pick(rng, ['1e400', '-1e400', '-0', '1e-400', '123456789012345678901', '0.30000000000000004', '4294967296']);
  const at = m.index ?? 0;
  return withFile(seed, `number at ${at} (${m[0]}) -> ${v}`, enc.encode(text.slice(0, at) + v + text.slice(at + m[0].length)));
};

/** Every JSON-level mutation. */
export const JSON_MUTATORS: Mutator[] = [replaceValue, replaceValue, replaceValue, removeKey, removeKey, duplicateJsonKey, deepJson, wrongEncoding, hugeNumber, hugeNumber];
