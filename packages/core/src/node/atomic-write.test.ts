import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write';

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-atomic-'));
    const file = join(dir, 'out.bin');
    writeFileSync(file, 'old');
    writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(file))).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('fails with an IoError naming the file when the folder does not exist', () => {
    const file = join(tmpdir(), 'vqct-no-such-dir-xyz', 'out.bin');
    expect(() => writeFileAtomic(file, 'x')).toThrow(expect.objectContaining({ code: 'E_IO', file }));
  });
});
