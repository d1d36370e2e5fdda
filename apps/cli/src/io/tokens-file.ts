import { readFileSync, statSync } from 'node:fs';
import { FormatError, IoError, parseJsonWithDepthLimit } from '@vqct/core';
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

/**
 * Token positions a tokens file may hold (images x h' x w'), checked before
 * anything is allocated: 2^24 (16.7 M) positions is a 4096 x 4096 grid, far more
 * than a decode needs; `vqct decode --max-positions` raises it.
 */
export const DEFAULT_MAX_TOKEN_POSITIONS = 1 << 24;
/** Bytes a tokens .json may have, checked before it is read (V8 strings stop near 512 MB): 256 MiB. */
export const MAX_TOKENS_JSON_BYTES = 1 << 28;

function parseShape(text: string, file: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const shape = parts.map(Number);
  if (shape.some((d, i) => !/^\d+$/.test(parts[i]) || !Number.isSafeInteger(d))) {
    throw new FormatError(`.npy shape (${text.trim()}) must be non-negative integers`, { file });
  }
  return shape;
}

/** Reads an int32 (or int64 holding small values) C-order .npy array; `maxElements` bounds what it allocates. */
export function decodeNpyInt(bytes: Uint8Array, file: string, maxElements = Number.MAX_SAFE_INTEGER): { data: Int32Array; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new FormatError('not a .npy file (bad magic)', { file });
  const major = bytes[6];
  if (major < 1 || major > 3) throw new FormatError(`.npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 or 3.0)`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new FormatError('truncated .npy header', { file });
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + hlen > bytes.length) throw new FormatError(`.npy header says ${hlen} bytes but the file has ${bytes.length - start} after it (truncated?)`, { file });
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(start, start + hlen));
  } catch {
    throw new FormatError('.npy header is not text', { file });
  }
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr == null || shapeText == null) throw new FormatError(`unreadable .npy header ${JSON.stringify(header.trim().slice(0, 120))}`, { file });
  if (/'fortran_order':\s*True/.test(header)) throw new FormatError('Fortran-order .npy arrays are not supported', { file });
  const shape = parseShape(shapeText, file);
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n) || n > maxElements) throw new FormatError(`.npy shape (${shape.join(', ')}) holds ${n} values, more than the limit of ${maxElements}`, { file });
  const width = descr === '<i4' ? 4 : descr === '<i8' ? 8 : 0;
  if (width === 0) throw new FormatError(`dtype ${descr} is not supported (expected <i4 or <i8)`, { file });
  const off = start + hlen;
  // Checked before allocating: the data must be in the file, so its size bounds the array.
  if (bytes.length - off !== width * n) {
    throw new FormatError(`${bytes.length - off < width * n ? 'truncated' : 'trailing bytes'}: ${n} ${width === 4 ? 'int32' : 'int64'} values need ${width * n} bytes, got ${bytes.length - off}`, { file });
  }
  const data = new Int32Array(n);
  if (width === 4) {
    for (let i = 0; i < n; i++) data[i] = view.getInt32(off + 4 * i, true);
  } else {
    for (let i = 0; i < n; i++) {
      const v = view.getBigInt64(off + 8 * i, true);
      if (v > 2147483647n || v < -2147483648n) throw new FormatError(`value ${v} at ${i} does not fit a token id`, { file });
      data[i] = Number(v);
    }
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

function readBytes(path: string, maxBytes: number): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > maxBytes) throw new FormatError(`${size} bytes is more than this tokens file may have (${maxBytes}; raise --max-positions for more)`, { file: path });
    return readFileSync(path);
  } catch (e) {
    if (e instanceof FormatError) throw e;
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

/** Limits of `readTokensFile`. */
export interface ReadTokensOptions {
  /** Most token positions (images x h' x w') accepted (default DEFAULT_MAX_TOKEN_POSITIONS). */
  maxPositions?: number;
}

/** Ids per position a tokens file may hold (k adjectives + 1 noun; the paper uses k <= 4). */
const MAX_IDS_PER_POSITION = 64;

/** Reads a tokens.json (from `vqct encode`) or a .npy int array [n, h', w', k+1]. */
export function readTokensFile(path: string, options: ReadTokensOptions = {}): ReadTokens {
  const maxPositions = options.maxPositions ?? DEFAULT_MAX_TOKEN_POSITIONS;
  const npy = path.toLowerCase().endsWith('.npy');
  // A position takes at most 64 ids x 8 bytes in a .npy; JSON is capped lower (one string).
  const bytes = readBytes(path, npy ? 1024 + maxPositions * MAX_IDS_PER_POSITION * 8 : Math.min(MAX_TOKENS_JSON_BYTES, maxPositions * 64));
  if (npy) {
    const { data, shape } = decodeNpyInt(bytes, path, maxPositions * MAX_IDS_PER_POSITION);
    const s = shape.length === 3 ? [1, ...shape] : shape;
    if (s.length !== 4) throw new FormatError(`expected an array [n, h, w, k+1], got shape (${shape.join(', ')})`, { file: path });
    const [n, h, w, p] = s;
    if (n * h * w > maxPositions) throw new FormatError(`${n * h * w} token positions is more than the limit of ${maxPositions} (raise it with --max-positions)`, { file: path });
    if (n === 0 || h === 0 || w === 0 || p === 0 || p > MAX_IDS_PER_POSITION) throw new FormatError(`shape (${shape.join(', ')}) is not [n, h, w, k+1] with k + 1 in 1..${MAX_IDS_PER_POSITION}`, { file: path });
    const grids = Array.from({ length: n }, (_, i) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => Array.from(data.subarray(((i * h + y) * w + x) * p, ((i * h + y) * w + x + 1) * p)))));
    return { grids, names: grids.map((_, i) => `${path}[${i}]`) };
  }
  let doc: TokensFile;
  try {
    doc = parseJsonWithDepthLimit(new TextDecoder().decode(bytes), { file: path }) as TokensFile;
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`not valid JSON (${(e as Error).message})`, { file: path, cause: e });
  }
  if (doc?.format !== TOKENS_FORMAT) throw new FormatError(`not a vqct tokens file (format is ${JSON.stringify(doc?.format)}, expected "${TOKENS_FORMAT}")`, { file: path });
  if (doc.version !== TOKENS_FORMAT_VERSION) throw new FormatError(`tokens format version ${doc.version} is not supported (expected ${TOKENS_FORMAT_VERSION})`, { file: path });
  if (!Array.isArray(doc.images) || doc.images.length === 0) throw new FormatError('"images" must be a non-empty list', { file: path });
  if (typeof doc.checkpointSha256 !== 'string') throw new FormatError('"checkpointSha256" must be a string', { file: path });
  let positions = 0;
  doc.images.forEach((img, i) => {
    if (!isIntGrid(img?.tokens) || img.tokens.length === 0 || img.tokens[0].length === 0 || img.tokens[0][0].length === 0) {
      throw new FormatError(`images[${i}].tokens must be a non-empty [h][w][k+1] grid of integers`, { file: path });
    }
    if (typeof img.file !== 'string') throw new FormatError(`images[${i}].file must be a string`, { file: path });
    positions += img.tokens.reduce((s, row) => s + row.length, 0);
  });
  if (positions > maxPositions) throw new FormatError(`${positions} token positions is more than the limit of ${maxPositions} (raise it with --max-positions)`, { file: path });
  return { grids: doc.images.map((img) => img.tokens), names: doc.images.map((img) => img.file), meta: doc };
}
