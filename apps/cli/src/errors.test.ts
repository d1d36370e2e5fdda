import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '@vqct/core';
import { mapError, UsageError } from './errors';

describe('mapError', () => {
  it('maps VqctErrors and usage errors to exit 1 with one line', () => {
    const e = mapError(new InputError('malformed JSON line', { file: 'a.jsonl', line: 3 }));
    expect(e).toEqual({ exitCode: 1, message: 'vqct: a.jsonl:3: malformed JSON line [E_INPUT]' });
    expect(mapError(new ConfigError('invalid options:\n  minCount: bad\n  maxNouns: bad')).message).toBe('vqct: invalid options:; minCount: bad; maxNouns: bad [E_CONFIG]');
    expect(mapError(new UsageError('--top expects a number')).exitCode).toBe(1);
  });

  it('maps anything else to exit 2 as a bug', () => {
    const e = mapError(new TypeError('x is undefined'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^vqct: internal error: x is undefined/);
  });
});
