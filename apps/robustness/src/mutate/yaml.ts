import type { Mutator } from '../case';
import { dec, enc, pick, targetOf, withFile } from '../case';

const VALUES = ['-1', '0', '1e308', '.nan', '.inf', '"32"', '[]', '{}', 'null', '~', '[1, [2, [3]]]', '99999999999999999999', '0x20', 'yes', '!!binary aGk=', '*undefined_alias'];

/** A scalar value replaced by one of the wrong type or range. */
export const yamlValue: Mutator = (seed, rng) => {
  const lines = dec.decode(seed.files[targetOf(seed)]).split('\n');
  const idx = lines.map((l, i) => (/^\s*[\w-]+:\s*\S/.test(l) || /^\s*-\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) return null;
  const i = pick(rng, idx);
  const v = pick(rng, VALUES);
  lines[i] = lines[i].replace(/^(\s*(?:[\w-]+:|-))\s*.*$/, `$1 ${v}`);
  return withFile(seed, `line ${i + 1} value -> ${v}`, enc.encode(lines.join('\n')));
};

/** A mapping key repeated, removed, or re-indented. */
export const yamlKeys: Mutator = (seed, rng) => {
  const lines = dec.decode(seed.files[targetOf(seed)]).split('\n');
  const idx = lines.map((l, i) => (/^\s*[\w-]+:/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) return null;
  const i = pick(rng, idx);
  const k = rng.int(3);
  if (k === 0) lines.splice(i + 1, 0, lines[i]);
  else if (k === 1) lines.splice(i, 1);
  else lines[i] = ` ${lines[i]}`;
  return withFile(seed, `line ${i + 1}: ${['key repeated', 'key removed', 'indent +1'][k]}`, enc.encode(lines.join('\n')));
};

/** YAML bombs: an alias expansion ("billion laughs"), deep flow nesting, a huge document. */
export const yamlBomb: Mutator = (seed, rng) => {
  const k = rng.int(3);
  if (k === 0) {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) rows.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    rows.push('model: *i');
    return withFile(seed, 'alias bomb (10^9 nodes)', enc.encode(rows.join('\n')));
  }
  if (k === 1) {
    const d = pick(rng, [1000, 50_000]);
    return withFile(seed, `flow nesting depth ${d}`, enc.encode(`model: ${'['.repeat(d)}${']'.repeat(d)}\n`));
  }
  const text = dec.decode(seed.files[targetOf(seed)]);
  return withFile(seed, 'document repeated 20x (duplicate keys)', enc.encode(Array(20).fill(text).join('\n')));
};

/** Every YAML-level mutation. */
export const YAML_MUTATORS: Mutator[] = [yamlValue, yamlValue, yamlValue, yamlKeys, yamlKeys, yamlBomb];
