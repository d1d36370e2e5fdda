import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { decodeNpyInt, encodeNpyInt32, readTokensFile } from './tokens-file';

function npyWithShape(shape: string, dataBytes: number): Uint8Array {
  const good = encodeNpyInt32(new Int32Array(dataBytes / 4), [dataBytes / 4]);
  const hlen = new DataView(good.buffer).getUint16(8, true);
  const header = new TextDecoder().decode(good.subarray(10, 10 + hlen)).replace(/\([^)]*\)/, shape).padEnd(hlen - 1).slice(0, hlen - 1);
  const out = good.slice();
  out.set(new TextEncoder().encode(`${header}\n`), 10);
  return out;
}

describe('.npy tokens', () => {
  it('round-trips int32 arrays', () => {
    const data = Int32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i);
    expect(decodeNpyInt(encodeNpyInt32(data, [2, 2, 2, 3]), 'x.npy')).toEqual({ data, shape: [2, 2, 2, 3] });
  });

  it('refuses lying shapes before allocating (the fuzzer found RangeErrors here)', () => {
    for (const [shape, re] of [
      ['(-1, 8, 8, 3)', /must be non-negative integers/],
      ['(1.5, 8, 8, 3)', /must be non-negative integers/],
      ['(1000000000, 8, 8, 3)', /more than the limit|need 768000000000 bytes/],
      ['(10000000000000,)', /more than the limit/], ['(1000000000000000000,)', /must be non-negative integers/],
    ] as const) {
      const bytes = npyWithShape(shape, 12);
      expect(() => decodeNpyInt(bytes, 'bad.npy', 1e9), shape).toThrow(FormatError);
      expect(() => decodeNpyInt(bytes, 'bad.npy', 1e9), shape).toThrow(re);
    }
    expect(() => decodeNpyInt(npyWithShape('(4,)', 12), 'short.npy')).toThrow(/short\.npy: truncated: 4 int32 values need 16 bytes, got 12/);
    expect(() => decodeNpyInt(npyWithShape('(2,)', 12), 'long.npy')).toThrow(/trailing bytes/);
  });

  it('readTokensFile applies the position limit to .npy and JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-tokens-'));
    const npy = join(dir, 't.npy');
    writeFileSync(npy, encodeNpyInt32(new Int32Array(2 * 4 * 4 * 3), [2, 4, 4, 3]));
    expect(readTokensFile(npy).grids).toHaveLength(2);
    expect(() => readTokensFile(npy, { maxPositions: 31 })).toThrow(/32 token positions is more than the limit of 31/);
    const json = join(dir, 't.json');
    const grid = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => [0, 1, 2]));
    const doc = { format: 'vqct-tokens', version: 1, checkpointSha256: 'a'.repeat(64), priorDigest: null, imageSize: [16, 16], grid: [4, 4], k: 2, kAdj: 4, kNoun: 4, images: [{ file: 'a.png', tokens: grid }] };
    writeFileSync(json, JSON.stringify(doc));
    expect(readTokensFile(json).names).toEqual(['a.png']);
    expect(() => readTokensFile(json, { maxPositions: 15 })).toThrow(/16 token positions/);
    writeFileSync(json, JSON.stringify({ ...doc, checkpointSha256: 7 }));
    expect(() => readTokensFile(json)).toThrow(/"checkpointSha256" must be a string/);
    writeFileSync(json, JSON.stringify({ ...doc, images: [{ file: 'a.png', tokens: [] }] }));
    expect(() => readTokensFile(json)).toThrow(/non-empty \[h\]\[w\]\[k\+1\] grid/);
  });
});
