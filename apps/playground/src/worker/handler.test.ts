import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, ModelFiles, ModelImage } from '../model/engine';
import type { Generator } from '../model/generator';
import { createHandler } from './handler';
import { WorkerClient, WorkerCallError } from './client';
import type { Request } from './protocol';
import { transferables } from './protocol';

// A recording engine double: the real one needs tfjs and a checkpoint (the e2e test runs it).
function fakeEngine(calls: string[]): Engine {
  const info = { name: 'fake', height: 4, width: 4, channels: 3, gridH: 2, gridW: 2, k: 1, kAdj: 2, kNoun: 2, words: ['a', 'b', 'x', 'y'], weightsSha256: 'f'.repeat(64) };
  return {
    info,
    encode: async (img: ModelImage) => {
      calls.push(`encode ${img.height}x${img.width}x${img.channels}`);
      return Int32Array.from([0, 1, 1, 0, 0, 0, 1, 1]);
    },
    decode: async (tokens: Int32Array) => {
      calls.push(`decode ${tokens.length}`);
      return { data: new Float32Array(48), height: 4, width: 4, channels: 3 };
    },
    nearest: async (patch: number, count: number) => ({ adjectives: [{ index: 0, word: 'a', distance: patch }], nouns: [{ index: 1, word: 'y', distance: count }] }),
    dispose: () => calls.push('dispose'),
  };
}

// A generator double that samples position by position (the real one: the e2e test).
function fakeGenerator(calls: string[], tokenizerSha: string): Generator {
  return {
    info: { name: 'gen', condition: 'words', maxWords: 2, tokenizer: { name: 'fake', weightsSha256: tokenizerSha }, step: 1, parameters: 10, heldOut: { sequences: 1, bitsPerToken: 1, unigram: { bitsPerToken: 2 } }, label: 'fake', guidance: { enabled: false, start: 1 } },
    sample: async (r, vocab, onPosition) => {
      calls.push(`sample "${r.prompt}" seed ${r.seed} keep ${r.keep?.positions.join() ?? '-'} vocab ${vocab.words.length}`);
      const grid = Int32Array.from([1, 0, 0, 1, 1, 1, 0, 0]);
      for (let p = 0; p < 4; p++) onPosition?.(p, grid.slice());
      return grid;
    },
    dispose: () => calls.push('dispose generator'),
  };
}

const files: ModelFiles = {
  checkpoint: { name: 'm.safetensors', bytes: new Uint8Array(1) },
  sidecar: { name: 'm.json', text: '{}' },
  prior: { name: 'p.safetensors', bytes: new Uint8Array(1) },
};
const red = { data: new Uint8ClampedArray(8 * 8 * 4).fill(255), width: 8, height: 8 };

function setup(opts: { failLoad?: boolean; generatorSha?: string } = {}) {
  const calls: string[] = [];
  let clock = 0;
  const handle = createHandler({
    startBackend: async () => {
      calls.push('backend');
      return { name: 'cpu', skipped: [{ name: 'webgpu', reason: 'none in Node' }] };
    },
    loadEngine: async () => {
      if (opts.failLoad) throw Object.assign(new Error('header is not JSON'), { code: 'E_FORMAT' });
      return fakeEngine(calls);
    },
    loadGenerator: async () => fakeGenerator(calls, opts.generatorSha ?? 'f'.repeat(64)),
    decodeImage: async () => {
      throw new Error('not an image');
    },
    now: () => (clock += 5),
  });
  const { port1, port2 } = new MessageChannel();
  port2.addEventListener('message', (e: MessageEvent<Request>) => void handle(e.data, (p) => port2.postMessage(p, transferables(p))).then((r) => port2.postMessage(r, transferables(r))));
  port2.start();
  port1.start();
  ports.push(port1, port2);
  return { client: new WorkerClient(port1 as never), calls };
}
const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));

describe('worker protocol', () => {
  it('starts the backend once, loads, runs and decodes with timings', async () => {
    const { client, calls } = setup();
    const [a, b] = await Promise.all([client.call('init', {}), client.call('init', {})]);
    expect(a).toEqual(b);
    const info = await client.call('load', files);
    expect(info.name).toBe('fake');
    const r = await client.call('run', { rgba: red });
    expect(Array.from(r.tokens)).toEqual([0, 1, 1, 0, 0, 0, 1, 1]);
    expect(r.input.data.length).toBe(4 * 4 * 3);
    expect(r.input.data.every((v) => v === 1)).toBe(true);
    expect(r.encodeMs).toBe(5);
    expect(r.decodeMs).toBe(5);
    const d = await client.call('decode', { tokens: r.tokens }, true);
    expect(d.image.height).toBe(4);
    expect(await client.call('nearest', { patch: 3, count: 8 })).toEqual({ adjectives: [{ index: 0, word: 'a', distance: 3 }], nouns: [{ index: 1, word: 'y', distance: 8 }] });
    expect(calls).toEqual(['backend', 'encode 4x4x3', 'decode 8', 'decode 8']);
    await client.call('load', files);
    expect(calls.at(-1)).toBe('dispose');
  });

  it('answers errors with their codes: no model, bad checkpoint, undecodable image', async () => {
    const { client } = setup({ failLoad: true });
    await expect(client.call('run', { rgba: red })).rejects.toMatchObject({ code: 'E_CHECKPOINT', message: 'no model is loaded yet' });
    const err = await client.call('load', files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCallError);
    expect(err).toMatchObject({ code: 'E_FORMAT', message: 'header is not JSON' });

    const ok = setup();
    await ok.client.call('load', files);
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    await expect(ok.client.call('run', { blob })).rejects.toMatchObject({ code: 'E_IMAGE', message: expect.stringMatching(/cannot decode the image \(image\/png, 3 bytes\): not an image/) });
  });

  it('generates: progress per position before the answer, then the decoded grid; refuses a generator of another tokenizer', async () => {
    const { client, calls } = setup();
    await client.call('load', files);
    const gen = await client.call('loadGenerator', { sidecar: { name: 'g.json', text: '{}' }, weights: { name: 'g.safetensors', bytes: new Uint8Array(1) } });
    expect(gen.name).toBe('gen');
    const seen: number[] = [];
    const keep = { tokens: new Int32Array(8), positions: [true, false, true, true] };
    const r = await client.call('generate', { prompt: 'a x', seed: 3, temperature: 1, topK: 0, topP: 1, keep }, false, (p) => seen.push(p.position));
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(Array.from(r.tokens)).toEqual([1, 0, 0, 1, 1, 1, 0, 0]);
    expect(r.image.width).toBe(4);
    expect(calls.slice(-2)).toEqual(['sample "a x" seed 3 keep true,false,true,true vocab 4', 'decode 8']);

    const other = setup({ generatorSha: 'e'.repeat(64) });
    await other.client.call('load', files);
    await other.client.call('loadGenerator', { sidecar: { name: 'g.json', text: '{}' }, weights: { name: 'g.safetensors', bytes: new Uint8Array(1) } });
    await expect(other.client.call('generate', { prompt: '', seed: 1, temperature: 1, topK: 0, topP: 1 })).rejects.toMatchObject({ code: 'E_MISMATCH', message: expect.stringMatching(/models the tokens of fake with weights sha256 eeeeeeeeeeee.*the loaded model fake has ffffffffffff/) });
  });

  it('runs requests one at a time, in order', async () => {
    const { client, calls } = setup();
    await client.call('load', files);
    await Promise.all([client.call('run', { rgba: red }), client.call('decode', { tokens: new Int32Array(8) }), client.call('run', { rgba: red })]);
    expect(calls).toEqual(['backend', 'encode 4x4x3', 'decode 8', 'decode 8', 'encode 4x4x3', 'decode 8']);
    expect(client.busy).toBe(0);
  });
});
