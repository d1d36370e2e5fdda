import { readFileSync } from 'node:fs';
import { FormatError, IoError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';

export const TOKENS_FORMAT = 'vqct-tokens';
export const TOKENS_FORMAT_VERSION = 1;

/**
 * What `vqct encode` writes as JSON (documented in README.md, "tokens.json").
 * `tokens[i][y][x]` holds k adjective indices (0..kAdj-1) then the noun index (0..kNoun-1).
 */
export interface TokensFile {
  format: typeof TOKENS_FORMAT;
  version: number;
  /** sha256 of the checkpoint weights these tokens belong to. */
  checkpointSha256: string;
  priorDigest: string | null;
  /** [height, width] of the images the tokens decode to. */
  imageSize: [number, number];
  /** [h', w'] token grid. */
  grid: [number, number];
  /** k: adjective tokens per position (0 for a plain VQ). */
  k: number;
  kAdj: number;
  kNoun: number;
  images: Array<{ file: string; tokens: number[][][]; words?: string[][] }>;
}

/** A .npy file (NumPy format 1.0) holding an int32 array: the `vqct encode -o x.npy` output, [n, h', w', k+1]. */
export function encodeNpyInt32(data: Int32Array, shape: number[]): Uint8Array {
  const dict = `{'descr': '<i4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Reads an int32 (or int64 holding small values) C-order .npy array. */
export function decodeNpyInt(bytes: Uint8Array, file: string): { data: Int32Array; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new FormatError('not a .npy file (bad magic)', { file });
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr == null || shapeText == null) throw new FormatError(`unreadable .npy header ${JSON.stringify(header.trim())}`, { file });
  if (/'fortran_order':\s*True/.test(header)) throw new FormatError('Fortran-order .npy arrays are not supported', { file });
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + hlen;
  const data = new Int32Array(n);
  if (descr === '<i4') {
    if (bytes.length - off < 4 * n) throw new FormatError(`truncated: ${n} int32 values need ${4 * n} bytes, got ${bytes.length - off}`, { file });
    for (let i = 0; i < n; i++) data[i] = view.getInt32(off + 4 * i, true);
  } else if (descr === '<i8') {
    if (bytes.length - off < 8 * n) throw new FormatError(`truncated: ${n} int64 values need ${8 * n} bytes, got ${bytes.length - off}`, { file });
    for (let i = 0; i < n; i++) data[i] = Number(view.getBigInt64(off + 8 * i, true));
  } else {
    throw new FormatError(`dtype ${descr} is not supported (expected <i4 or <i8)`, { file });
  }
  return { data, shape };
}

/** Writes tokens as JSON (`.json`) or NumPy (`.npy`, int32 [n, h', w', k+1]) by extension, atomically. */
export function writeTokensFile(path: string, tokens: TokensFile): void {
  if (path.toLowerCase().endsWith('.npy')) {
    const [h, w] = tokens.grid;
    const per = tokens.k + 1;
    const flat = new Int32Array(tokens.images.length * h * w * per);
    let i = 0;
    for (const img of tokens.images) for (const row of img.tokens) for (const ids of row) for (const id of ids) flat[i++] = id;
    writeFileAtomic(path, encodeNpyInt32(flat, [tokens.images.length, h, w, per]));
  } else {
    writeFileAtomic(path, `${JSON.stringify(tokens)}\n`);
  }
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new IoError(err.code === 'ENOENT' ? 'no such file' : `cannot read (${err.code ?? err.message})`, { file: path, cause: e });
  }
}

/** Token grids read back from a file: images x [h'][w'][k+1], with the JSON's metadata when there is one. */
export interface ReadTokens {
  grids: number[][][][];
  names: string[];
  meta?: TokensFile;
}

const isIntGrid = (g: unknown): g is number[][][] =>
  Array.isArray(g) && g.every((row) => Array.isArray(row) && row.every((ids) => Array.isArray(ids) && ids.every((v) => Number.isInteger(v))));

/** Reads a tokens.json (from `vqct encode`) or a .npy int array [n, h', w', k+1]. */
export function readTokensFile(path: string): ReadTokens {
  const bytes = readBytes(path);
  if (path.toLowerCase().endsWith('.npy')) {
    const { data, shape } = decodeNpyInt(bytes, path);
    const s = shape.length === 3 ? [1, ...shape] : shape;
    if (s.length !== 4) throw new FormatError(`expected an array [n, h, w, k+1], got shape (${shape.join(', ')})`, { file: path });
    const [n, h, w, p] = s;
    const grids = Array.from({ length: n }, (_, i) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => Array.from(data.subarray(((i * h + y) * w + x) * p, ((i * h + y) * w + x + 1) * p)))));
    return { grids, names: grids.map((_, i) => `${path}[${i}]`) };
  }
  let doc: TokensFile;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes)) as TokensFile;
  } catch (e) {
    throw new FormatError(`not valid JSON (${(e as Error).message})`, { file: path, cause: e });
  }
  if (doc?.format !== TOKENS_FORMAT) throw new FormatError(`not a vqct tokens file (format is ${JSON.stringify(doc?.format)}, expected "${TOKENS_FORMAT}")`, { file: path });
  if (doc.version !== TOKENS_FORMAT_VERSION) throw new FormatError(`tokens format version ${doc.version} is not supported (expected ${TOKENS_FORMAT_VERSION})`, { file: path });
  if (!Array.isArray(doc.images) || doc.images.length === 0) throw new FormatError('"images" must be a non-empty list', { file: path });
  doc.images.forEach((img, i) => {
    if (!isIntGrid(img?.tokens)) throw new FormatError(`images[${i}].tokens must be a [h][w][k+1] grid of integers`, { file: path });
  });
  return { grids: doc.images.map((img) => img.tokens), names: doc.images.map((img) => img.file), meta: doc };
}
