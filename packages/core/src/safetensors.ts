import { FormatError } from './errors';
import { MAX_JSON_DEPTH, jsonDepth } from './json-depth';

/**
 * The safetensors format (https://github.com/huggingface/safetensors), in pure
 * TypeScript over bytes, so the same files open in Node, the browser and
 * Python's `safetensors`. Loading never runs code: a header is JSON, every
 * offset and shape is checked before a byte of data is read.
 */
export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'U8' | 'I64';

export type TypedArrayFor<D extends SafetensorsDtype> = D extends 'F32'
  ? Float32Array
  : D extends 'F64'
    ? Float64Array
    : D extends 'I32'
      ? Int32Array
      : D extends 'U8'
        ? Uint8Array
        : BigInt64Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;
}

export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  /** The `__metadata__` map: string keys to string values, as the format requires. */
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, U8: 1, I64: 8 };
/** Header sizes above this are rejected unless `maxHeaderBytes` says otherwise (the reference implementation uses 100 MB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

export interface DecodeSafetensorsOptions {
  /** Names the file in errors. */
  source?: string;
  /** Largest header accepted (default MAX_SAFETENSORS_HEADER_BYTES); checked before it is decoded. */
  maxHeaderBytes?: number;
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Serializes tensors and string metadata to safetensors bytes. Tensors are laid
 * out in name order; the header is padded with spaces to 8 bytes.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } }, { kind: 'demo' });
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new FormatError(`safetensors metadata "${k}" must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (name === '__metadata__') throw new FormatError('a tensor cannot be named "__metadata__"');
    if (!(t.dtype in BYTES)) throw new FormatError(`tensor "${name}": unsupported dtype ${String(t.dtype)}`);
    const n = elementCount(t.shape);
    if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new FormatError(`tensor "${name}": shape [${t.shape.join(', ')}] must be non-negative integers`);
    }
    if (t.data.length !== n) {
      throw new FormatError(`tensor "${name}": shape [${t.shape.join(', ')}] needs ${n} values, data has ${t.data.length}`);
    }
    const size = n * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

function makeArray(dtype: SafetensorsDtype, bytes: Uint8Array): SafetensorsTensor['data'] {
  // Copy: the view may be unaligned, and callers own what they get back. Not
  // `bytes.slice()`: on a Node Buffer that is a view into a shared pool.
  const owned = new Uint8Array(bytes.byteLength);
  owned.set(bytes);
  const copy = owned.buffer;
  switch (dtype) {
    case 'F32': return new Float32Array(copy);
    case 'F64': return new Float64Array(copy);
    case 'I32': return new Int32Array(copy);
    case 'U8': return new Uint8Array(copy);
    case 'I64': return new BigInt64Array(copy);
  }
}

/**
 * Parses safetensors bytes, validating the header, dtypes, shapes and that the
 * data offsets tile the data section exactly. `source` names the file in errors.
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): SafetensorsFile {
  const file = options.source ?? '<safetensors>';
  const fail = (msg: string): never => {
    throw new FormatError(`not a valid safetensors file: ${msg}`, { file });
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a header (truncated?)`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(options.maxHeaderBytes ?? MAX_SAFETENSORS_HEADER_BYTES)) fail(`header length ${headerLen} is more than the limit of ${options.maxHeaderBytes ?? MAX_SAFETENSORS_HEADER_BYTES} bytes`);
  const n = Number(headerLen);
  if (8 + n > bytes.length) fail(`header says ${n} bytes but the file has ${bytes.length - 8} after the length (truncated?)`);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    // A header is 3 levels deep; deep nesting is refused before anything walks it.
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Error(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header == null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const entries = header as Record<string, unknown>;
  const dataLen = bytes.length - 8 - n;
  const metadata: Record<string, string> = {};
  if (entries.__metadata__ != null) {
    const m = entries.__metadata__;
    if (typeof m !== 'object' || Array.isArray(m)) fail('__metadata__ is not an object');
    for (const [k, v] of Object.entries(m as object)) {
      if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
      metadata[k] = v as string;
    }
  }
  const spans: Array<[number, number, string]> = [];
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, raw] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info == null || typeof info !== 'object') fail(`entry "${name}" is not an object`);
    const dtype = info.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) fail(`tensor "${name}" has unsupported dtype ${JSON.stringify(info.dtype)}`);
    const shape = info.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
    }
    const offs = info.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((o) => !Number.isSafeInteger(o) || o < 0)) {
      fail(`tensor "${name}" has bad data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) {
      fail(`tensor "${name}" spans bytes ${begin}..${end} but the data section has ${dataLen} (truncated?)`);
    }
    const count = elementCount(shape as number[]);
    if (count * BYTES[dtype] !== end - begin) {
      fail(`tensor "${name}": shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${count * BYTES[dtype]} bytes, offsets give ${end - begin}`);
    }
    spans.push([begin, end, name]);
    tensors[name] = {
      dtype,
      shape: [...(shape as number[])],
      data: makeArray(dtype, bytes.subarray(8 + n + begin, 8 + n + end)),
    };
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected) fail(`tensor "${name}" starts at ${begin}, expected ${expected} (overlap or hole)`);
    expected = end;
  }
  if (expected !== dataLen) fail(`data section has ${dataLen} bytes but tensors cover ${expected} (truncated or trailing bytes)`);
  return { tensors, metadata };
}
