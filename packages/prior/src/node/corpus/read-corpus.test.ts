import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@vqct/core';
import { openCorpus } from './read-corpus';

const dir = mkdtempSync(join(tmpdir(), 'vqct-corpus-'));
const file = (name: string, content: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function read(path: string, format?: 'text' | 'jsonl' | 'coco' | 'folder') {
  const c = openCorpus(path, format);
  const out: Array<[string, number]> = [];
  for await (const d of c.descriptions()) out.push([d.text, d.line]);
  return { out, digest: c.digest(), format: c.format };
}

describe('corpus readers', () => {
  it('text: one description per line, blank lines skipped, CRLF handled, digest of the bytes', async () => {
    const content = 'A red bus.\r\n\r\n  Two dogs on the grass.  \nA cat';
    const r = await read(file('c.txt', content));
    expect(r.out).toEqual([['A red bus.', 1], ['Two dogs on the grass.', 3], ['A cat', 4]]);
    expect(r.digest).toBe(sha256Hex(content));
    expect(r.format).toBe('text');
  });

  it('jsonl: "caption" or "text" field; a malformed line is named', async () => {
    const ok = file('c.jsonl', '{"caption":"A red bus."}\n\n{"text":"A dog.","id":3}\n');
    expect((await read(ok)).out).toEqual([['A red bus.', 1], ['A dog.', 3]]);
    const bad = file('bad.jsonl', '{"caption":"ok"}\n{"caption": "broken\n');
    await expect(read(bad)).rejects.toThrow(/bad\.jsonl:2: malformed JSON line/);
    const noField = file('nofield.jsonl', '{"caption":"ok"}\n{"title":"x"}\n');
    await expect(read(noField)).rejects.toThrow(/nofield\.jsonl:2: expected a string "caption" or "text" field/);
  });

  it('coco: annotations[].caption, streamed, even on one long line', async () => {
    const coco = { info: { year: 2017 }, images: [{ id: 1, file_name: 'a.jpg' }], annotations: [{ image_id: 1, id: 7, caption: 'A man riding a \"wave\".' }, { image_id: 1, id: 8, caption: 'Surfer on a board' }] };
    const r = await read(file('captions.json', JSON.stringify(coco)));
    expect(r.out.map((x) => x[0])).toEqual(['A man riding a "wave".', 'Surfer on a board']);
    const pretty = await read(file('pretty.json', JSON.stringify(coco, null, 2)));
    expect(pretty.out[1]).toEqual(['Surfer on a board', 20]);
    await expect(read(file('trunc.json', JSON.stringify(coco, null, 2).slice(0, 200)))).rejects.toThrow(/trunc\.json:\d+: malformed JSON: unexpected end of file/);
    await expect(read(file('broken.json', '{"annotations": [{"caption": "a"},,]}'))).rejects.toThrow(/broken\.json:1: malformed JSON: unexpected ","/);
    await expect(read(file('other.json', '{"images": []}'))).rejects.toThrow(/other\.json: not a COCO captions file/);
  });

  it('folder: every .txt below, in name order (CUB layout)', async () => {
    const root = join(dir, 'cub');
    mkdirSync(join(root, '002.Laysan_Albatross'), { recursive: true });
    mkdirSync(join(root, '001.Black_footed_Albatross'), { recursive: true });
    writeFileSync(join(root, '002.Laysan_Albatross', 'a.txt'), 'this bird has a white belly\n');
    writeFileSync(join(root, '001.Black_footed_Albatross', 'b.txt'), 'a large brown bird\nwith a long beak\n');
    writeFileSync(join(root, '001.Black_footed_Albatross', 'skip.jpg'), 'x');
    expect((await read(root)).out.map((x) => x[0])).toEqual(['a large brown bird', 'with a long beak', 'this bird has a white belly']);
    const empty = join(dir, 'emptydir');
    mkdirSync(empty);
    await expect(read(empty)).rejects.toThrow(/emptydir: the folder holds no \.txt files/);
  });

  it('bad corpora: missing, empty, binary', async () => {
    expect(() => openCorpus(join(dir, 'missing.txt'))).toThrow(/missing\.txt: no such file/);
    await expect(read(file('empty.txt', '\n  \n'))).rejects.toThrow(/empty\.txt: the corpus is empty/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    await expect(read(file('image.txt', png))).rejects.toThrow(/image\.txt:3: looks like a binary file/);
    await expect(read(file('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])))).rejects.toThrow(/latin1\.txt:1: looks like a binary file \(invalid UTF-8\)/);
    expect(() => openCorpus(file('x.txt', 'a'), 'csv' as never)).toThrow(/unknown corpus format "csv"/);
  });

  it('refuses a line (or COCO string, JSONL line) over maxLineLength, naming the line; deep JSONL is refused', async () => {
    const long = file('long.txt', `ok\n${'a'.repeat(5000)}\nfine\n`);
    const lines = async (p: string, format?: 'text' | 'jsonl' | 'coco') => {
      for await (const d of openCorpus(p, format, { maxLineLength: 1000 }).descriptions()) void d;
    };
    await expect(lines(long)).rejects.toThrow(/long\.txt:2: line is longer than 1000 characters/);
    const coco = file('long.json', JSON.stringify({ annotations: [{ caption: 'b'.repeat(5000) }] }));
    await expect(lines(coco)).rejects.toThrow(/long\.json:1: malformed JSON: a value longer than 1000 characters/);
    const deep = file('deep.jsonl', `{"caption":"ok"}\n{"caption":"x","x":${'['.repeat(100)}${']'.repeat(100)}}\n`);
    await expect(read(deep)).rejects.toThrow(/deep\.jsonl:2: JSON nests deeper than 64 levels/);
    expect((await read(long)).out).toHaveLength(3);
  });
});
