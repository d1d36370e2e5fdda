import * as tf from '@tensorflow/tfjs-core';
import { BatchLoader, Trainer } from '@vqct/vq';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heldOutBits } from './eval/held-out-nll';
import { TokenTransformer } from './model/token-transformer';
import { sampleTokens } from './sample/sample-tokens';
import { TokenSequenceDataset } from './train/token-sequence-dataset';
import { createTransformerStep } from './train/transformer-step';

const bindings: Record<string, unknown> = { tf, TokenTransformer, TokenSequenceDataset, createTransformerStep, sampleTokens, heldOutBits, BatchLoader, Trainer };

describe('README', () => {
  it('runs the Example section as written, without leaking tensors', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Example'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const imported = [...code!.matchAll(/^import (?:\* as (\w+)|\{([^}]+)\}) from/gm)].flatMap((m) => (m[1] ? [m[1]] : m[2].split(',').map((s) => s.trim())));
    expect(imported.every((name) => name in bindings)).toBe(true);
    const body = code!.replace(/^import .*$/gm, '');
    const before = tf.memory().numTensors;
    const run = new Function(...imported, `return (async () => {\n${body}\nreturn { bitsPerToken, shape: sampled.shape };\n})();`);
    const out = await run(...imported.map((n) => bindings[n])) as { bitsPerToken: number; shape: number[] };
    expect(out.shape).toEqual([3, 2, 2, 3]);
    expect(out.bitsPerToken).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
