import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { useNodeBackend } from '@vqct/backend-node';
import { describe, expect, it, vi } from 'vitest';
import { loadPretrained } from './node/read-pretrained';

describe('README', () => {
  it('runs its example as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const body = (code as string).replace(/^import .*$/gm, '');
    const logged: unknown[][] = [];
    const log = vi.fn((...args: unknown[]) => logged.push(args));
    const before = tf.memory().numTensors;
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    // One wasm thread, as the rest of the suite.
    const run = new AsyncFunction('tf', 'console', 'useNodeBackend', 'loadPretrained', body);
    await run(tf, { log }, () => useNodeBackend({ backend: 'wasm', threads: 1 }), loadPretrained);
    expect(logged.length).toBe(1);
    expect(typeof logged[0][0]).toBe('number');
    expect(logged[0].slice(1)).toEqual([[1, 8, 8, 3], [1, 32, 32, 3]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
