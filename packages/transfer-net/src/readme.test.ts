import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as transferNet from './index';

describe('README', () => {
  it('runs its example as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const body = (code as string).replace(/^import .*$/gm, '');
    const names = Object.keys(transferNet);
    const logged: unknown[][] = [];
    const log = vi.fn((...args: unknown[]) => logged.push(args));
    const before = tf.memory().numTensors;
    // The example is plain JavaScript inside a ts fence; run it with the package's exports in scope.
    const run = new Function('tf', 'console', ...names, body) as (...args: unknown[]) => void;
    run(tf, { log }, ...names.map((n) => (transferNet as Record<string, unknown>)[n]));
    expect(logged).toEqual([[[2, 8], [2, 8]], [true]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
