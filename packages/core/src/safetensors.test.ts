import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  const tensors = {
    b: { dtype: 'I32' as const, shape: [2, 2], data: new Int32Array([1, -2, 3, 2147483647]) },
    a: { dtype: 'F32' as const, shape: [3], data: new Float32Array([0.5, -1e-7, 3.25]) },
    e: { dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
  };

  it('round-trips tensors and metadata bit-exactly', () => {
    const bytes = encodeSafetensors(tensors, { words: '["red","cat"]' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ words: '["red","cat"]' });
    expect(Array.from(back.tensors.a.data as Float32Array)).toEqual(Array.from(tensors.a.data));
    expect(back.tensors.b.shape).toEqual([2, 2]);
    expect(Array.from(back.tensors.b.data as Int32Array)).toEqual([1, -2, 3, 2147483647]);
    expect(back.tensors.e.shape).toEqual([0, 4]);
  });

  it('pads the header to 8 bytes and lays data out in name order', () => {
    const bytes = encodeSafetensors(tensors);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a.data_offsets).toEqual([0, 12]);
    expect(header.b.data_offsets).toEqual([12, 28]);
  });

  it('reads a Node Buffer that is a view into a larger pool', () => {
    const bytes = encodeSafetensors(tensors);
    const pool = Buffer.alloc(bytes.length + 64, 0xab);
    pool.set(bytes, 16);
    const view = pool.subarray(16, 16 + bytes.length);
    const back = decodeSafetensors(view);
    expect(Array.from(back.tensors.a.data as Float32Array)).toEqual(Array.from(tensors.a.data));
    expect(Array.from(back.tensors.b.data as Int32Array)).toEqual([1, -2, 3, 2147483647]);
  });

  it('rejects truncated files, naming the file', () => {
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), { source: 'x.safetensors' }))
      .toThrow(/x\.safetensors: .*truncated/);
    expect(() => decodeSafetensors(bytes.subarray(0, 5))).toThrow(/too short/);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(/truncated/);
  });

  it('rejects a header whose offsets do not match the shape', () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } });
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    expect(() => decodeSafetensors(bytes)).toThrow(/needs 12 bytes/);
  });

  it('rejects garbage headers and non-string metadata', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 8n, true);
    bytes.set(new TextEncoder().encode('{{{{{{{{'), 8);
    expect(() => decodeSafetensors(bytes)).toThrow(/not UTF-8 JSON/);
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow(/must be a string/);
  });
});

describe('decodeSafetensors limits', () => {
  const withHeader = (header: string): Uint8Array => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };

  it('refuses a header over maxHeaderBytes and a deeply nested one', () => {
    expect(() => decodeSafetensors(withHeader('{"__metadata__":{"a":"b"}}'), { source: 'a.st', maxHeaderBytes: 8 })).toThrow(/a\.st: .*header length 26 is more than the limit of 8 bytes/);
    expect(() => decodeSafetensors(withHeader(`{"x":${'['.repeat(100)}${']'.repeat(100)}}`), { source: 'b.st' })).toThrow(/b\.st: .*nests deeper than 64 levels/);
    expect(decodeSafetensors(withHeader('{}'), { source: 'c.st' }).tensors).toEqual({});
  });
});
