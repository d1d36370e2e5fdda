import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { VariableCodebookSource } from '../quantizer/variable-codebook-source';
import { createVqModel } from './vq-model';

const bindings: Record<string, unknown> = { tf, createVqModel, resolveVqModelConfig, VariableCodebookSource };

describe('README', () => {
  it('runs the Example section as written, without leaking tensors', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Example'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const imported = [...code!.matchAll(/^import (?:\* as (\w+)|\{([^}]+)\}) from/gm)].flatMap((m) => (m[1] ? [m[1]] : m[2].split(',').map((s) => s.trim())));
    expect(imported.every((name) => name in bindings)).toBe(true);
    const body = code!.replace(/^import .*$/gm, '');
    const before = tf.memory().numTensors;
    const run = new Function(...imported, `return (async () => {\n${body}\n})();`);
    await run(...imported.map((n) => bindings[n]));
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
