import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, InputError, decodeSafetensors, isVqctError } from '@vqct/core';
import { DEFAULT_MAX_LINE_LENGTH, openCorpus } from '@vqct/prior/node';
import { parseCheckpointSidecar } from '@vqct/vq';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from '../../cli/src/io/images';
import { DEFAULT_MAX_TOKEN_POSITIONS, readTokensFile } from '../../cli/src/io/tokens-file';
import { crc32 } from '../src/mutate/png';

/*
 * Resource bombs: inputs that claim (or are) enormous. Each must be refused with a
 * VqctError naming the file before the memory is taken: RSS may not grow by more than
 * BOUND over the call, and the call must be quick (the check comes first).
 */
const BOUND = 200 * 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'vqct-bombs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusedCheaply(run: () => unknown, file: string): Promise<VqctErrorLike> {
  const rss = process.memoryUsage.rss();
  const t0 = performance.now();
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  const grew = process.memoryUsage.rss() - rss;
  expect(isVqctError(err), `expected a VqctError, got ${String(err)}`).toBe(true);
  expect((err as Error).message).toContain(file);
  expect(grew).toBeLessThan(BOUND);
  expect(performance.now() - t0).toBeLessThan(10_000);
  return err as VqctErrorLike;
}
type VqctErrorLike = Error & { code: string };

function safetensors(header: string, lie?: bigint, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lie ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('resource bombs', () => {
  it('a safetensors header that claims terabytes: a length prefix of 2^40, a tensor of 4 TB', async () => {
    const e1 = await refusedCheaply(() => decodeSafetensors(safetensors('{}', 2n ** 40n), { source: 'tb.safetensors' }), 'tb.safetensors');
    expect(e1.message).toMatch(/header length 1099511627776 is more than the limit of 100000000 bytes/);
    const huge = JSON.stringify({ w: { dtype: 'F32', shape: [1_000_000, 1_000_000], data_offsets: [0, 4_000_000_000_000] } });
    const e2 = await refusedCheaply(() => decodeSafetensors(safetensors(huge), { source: 'tb2.safetensors' }), 'tb2.safetensors');
    expect(e2.message).toMatch(/spans bytes 0\.\.4000000000000 but the data section has 0/);
    // The limit is an option: a 64-byte cap refuses even this small header.
    expect(() => decodeSafetensors(safetensors(huge), { source: 'x', maxHeaderBytes: 64 })).toThrow(/more than the limit of 64 bytes/);
  });

  it('an 8 MB safetensors header of nested JSON, and an 8 MB checkpoint sidecar of it', async () => {
    const depth = 4 * 2 ** 20;
    const nested = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(nested.length).toBeGreaterThan(8e6);
    const e = await refusedCheaply(() => decodeSafetensors(safetensors(nested), { source: 'deep.safetensors' }), 'deep.safetensors');
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/nests deeper than 64 levels/);
    const side = await refusedCheaply(() => parseCheckpointSidecar(nested, 'last.json'), 'last.json');
    expect(side.code).toBe('E_CHECKPOINT');
  });

  it('a PNG whose header says 100,000 x 100,000 pixels', async () => {
    const png = new Uint8Array(readFileSync(fileURLToPath(new URL('../../cli/test/fixtures/images/fmnist-bag-0.png', import.meta.url))));
    const v = new DataView(png.buffer);
    v.setUint32(16, 100_000);
    v.setUint32(20, 100_000);
    v.setUint32(29, crc32(png.subarray(12, 29)));
    const file = join(dir, 'huge.png');
    writeFileSync(file, png);
    const e = await refusedCheaply(() => readImage(file, 32, 3), file);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/pixel limit/i);
  });

  it('a corpus with one 1 GB line (written as a stream, never held)', async () => {
    const file = join(dir, 'one-line.txt');
    const chunk = Buffer.alloc(1 << 20, 'a');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file);
      out.on('error', reject);
      let i = 0;
      const more = (): void => {
        while (i < 1024) {
          i++;
          if (!out.write(chunk)) return void out.once('drain', more);
        }
        out.end(resolve);
      };
      more();
    });
    const e = await refusedCheaply(async () => {
      for await (const d of openCorpus(file).descriptions()) void d;
    }, file);
    expect(e.message).toContain(`line is longer than ${DEFAULT_MAX_LINE_LENGTH} characters`);
    rmSync(file);
  });

  it('tokens files that claim a billion positions (.npy header, JSON size)', async () => {
    const dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (1000000000, 1, 1, 3), }";
    const header = `${dict}${' '.repeat(64 - ((10 + dict.length + 1) % 64))}\n`;
    const npy = new Uint8Array(10 + header.length + 12);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(npy.buffer).setUint16(8, header.length, true);
    npy.set(new TextEncoder().encode(header), 10);
    const file = join(dir, 'billion.npy');
    writeFileSync(file, npy);
    const e = await refusedCheaply(() => readTokensFile(file), file);
    expect(e.message).toMatch(/more than the limit of|need 12000000000 bytes/);
    // The same header is fine up to the data check when the limit is raised: still no allocation.
    await refusedCheaply(() => readTokensFile(file, { maxPositions: 2e9 }), file);
    expect(DEFAULT_MAX_TOKEN_POSITIONS).toBe(2 ** 24);
  });
});
