import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratorModel } from './load-generator';
import type { GeneratorFiles } from './load-generator';
import { guidanceOf, promptCondition } from './transformer-generator';

// The bundled generator, the real files the page loads.
const dir = join(__dirname, '..', '..', 'public', 'generate');
function bundled(): GeneratorFiles {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { sidecar: string };
  const text = readFileSync(join(dir, manifest.sidecar), 'utf8');
  const weights = (JSON.parse(text) as { weightsFile: string }).weightsFile;
  return { sidecar: { name: manifest.sidecar, text }, weights: { name: weights, bytes: new Uint8Array(readFileSync(join(dir, weights))) } };
}

describe('loadGeneratorModel (the bundled generator)', () => {
  beforeAll(async () => {
    await useNodeBackend({ backend: 'wasm', threads: 1 });
  });

  it('restores the transformer its sidecar describes, maps prompts to its condition, and frees it', () => {
    const before = tf.memory().numTensors;
    const files = bundled();
    const { sidecar, model } = loadGeneratorModel(files);
    expect(sidecar.tokenizer.name).toBe('emoji-32');
    expect(sidecar.heldOut.bitsPerToken).toBeGreaterThan(0);
    expect(model.layout.tokens.kAdj + model.layout.tokens.kNoun).toBe(model.layout.words);
    const vocab = { words: Array.from({ length: model.layout.words }, (_, i) => `w${i}`), kAdj: model.layout.tokens.kAdj, kNoun: model.layout.tokens.kNoun };
    expect(promptCondition(model, '', vocab)).toEqual({ kind: 'words', ids: [] });
    expect(promptCondition(model, 'w1 w200', vocab)).toEqual({ kind: 'words', ids: [1, 200] });
    expect(() => promptCondition(model, 'nothing', vocab)).toThrow(/not in the prior's vocabulary: "nothing"/);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses weights that are not the sidecar\'s, and a file that is not a generator sidecar', () => {
    const files = bundled();
    const bad = files.weights.bytes.slice();
    bad[bad.length - 1] ^= 1;
    expect(() => loadGeneratorModel({ ...files, weights: { ...files.weights, bytes: bad } })).toThrow(/sha256 .* is not the sidecar's/);
    expect(() => loadGeneratorModel({ ...files, sidecar: { name: 'x.json', text: '{"format":"other"}' } })).toThrow(/not a playground generator sidecar/);
  });

  it('enables guidance only for a words generator trained with condition dropout, and refuses a bad scale', () => {
    const files = bundled();
    const sidecar = JSON.parse(files.sidecar.text) as Parameters<typeof guidanceOf>[0];
    expect(guidanceOf({ ...sidecar, conditionDropout: 0.1, guidance: 2 })).toEqual({ enabled: true, start: 2 });
    expect(guidanceOf({ ...sidecar, conditionDropout: 0, guidance: 2 })).toEqual({ enabled: false, start: 1 });
    expect(guidanceOf({ ...sidecar, conditionDropout: undefined, guidance: undefined })).toEqual({ enabled: false, start: 1 });
    const text = JSON.stringify({ ...sidecar, guidance: -1 });
    expect(() => loadGeneratorModel({ ...files, sidecar: { name: 'g.json', text } })).toThrow(/guidance \(-1\) or conditionDropout/);
  });
});
