import type { Mutator } from '../case';
import { dec, enc, pick, targetOf, withFile } from '../case';

/** Text in another encoding: UTF-16LE, a Latin-1 byte, a lone continuation byte, CRLF, a UTF-8 BOM. */
export const textEncoding: Mutator = (seed, rng) => {
  const bytes = seed.files[targetOf(seed)];
  const text = dec.decode(bytes);
  const k = rng.int(5);
  if (k === 0) {
    const out = new Uint8Array(2 + 2 * text.length);
    out.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) { out[2 + 2 * i] = text.charCodeAt(i) & 0xff; out[3 + 2 * i] = text.charCodeAt(i) >> 8; }
    return withFile(seed, 'UTF-16LE with BOM', out);
  }
  if (k === 1 || k === 2) {
    const at = rng.int(bytes.length + 1);
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes.subarray(0, at));
    out[at] = k === 1 ? 0xe9 : 0x80;
    out.set(bytes.subarray(at), at + 1);
    return withFile(seed, `${k === 1 ? 'Latin-1 0xe9' : 'lone 0x80'} at ${at}`, out);
  }
  if (k === 3) return withFile(seed, 'CRLF line ends', enc.encode(text.replace(/\n/g, '\r\n')));
  const out = new Uint8Array(bytes.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(bytes, 3);
  return withFile(seed, 'UTF-8 BOM', out);
};

/** One very long line (1-4 MB) inserted: the corpus readers must stream it or refuse it, not choke. */
export const longLine: Mutator = (seed, rng) => {
  const text = dec.decode(seed.files[targetOf(seed)]);
  const n = pick(rng, [1 << 20, 4 << 20]);
  const word = pick(rng, ['red ', 'a', '{"caption": "', '\u00e9']);
  const line = word.repeat(Math.ceil(n / word.length)).slice(0, n);
  const lines = text.split('\n');
  lines.splice(rng.int(lines.length + 1), 0, line);
  return withFile(seed, `a ${n >> 20} MB line of ${JSON.stringify(word)}`, enc.encode(lines.join('\n')));
};

/** A line duplicated many times, or lines shuffled into each other. */
export const lineNoise: Mutator = (seed, rng) => {
  const lines = dec.decode(seed.files[targetOf(seed)]).split('\n');
  const i = rng.int(lines.length);
  const k = rng.int(3);
  if (k === 0) lines.splice(i, 0, ...Array(200).fill(lines[i]));
  else if (k === 1) lines[i] = lines[i].slice(0, rng.int(lines[i].length + 1));
  else lines.splice(i, 1, '\t', '   ', '#', '---', '- -', ':');
  return withFile(seed, `line ${i + 1}: ${['repeated 200x', 'cut', 'replaced by punctuation lines'][k]}`, enc.encode(lines.join('\n')));
};

/** Every text-level mutation. */
export const TEXT_MUTATORS: Mutator[] = [textEncoding, textEncoding, longLine, lineNoise, lineNoise];
