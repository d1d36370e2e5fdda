import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@vqct/core';
import { describeError, fallbackNotice, formatMs, toWireError } from './messages';

describe('messages', () => {
  it('keeps VqctError codes across the worker boundary', () => {
    const wire = toWireError(new CheckpointError('bad digest', { file: 'demo.safetensors' }));
    expect(wire).toEqual({ code: 'E_CHECKPOINT', message: 'demo.safetensors: bad digest' });
    expect(structuredClone(wire)).toEqual(wire);
    expect(toWireError('boom', 'E_IMAGE')).toEqual({ code: 'E_IMAGE', message: 'boom' });
    expect(toWireError(new TypeError('x')).code).toBe('E_UNKNOWN');
  });

  it('says what to do about a bad checkpoint and an undecodable image', () => {
    const c = describeError('model', { code: 'E_CHECKPOINT', message: 'truncated' });
    expect(c.title).toBe('This model could not be loaded');
    expect(c.body).toMatch(/^truncated\n.*sidecar/);
    expect(describeError('image', { code: 'E_IMAGE', message: 'x' }).body).toMatch(/PNG, JPEG/);
    expect(describeError('run', { code: 'E_WHATEVER', message: 'plain' }).body).toBe('plain');
  });

  it('says when WebGPU is missing and what runs instead', () => {
    expect(fallbackNotice({ name: 'webgpu', skipped: [] })).toBeNull();
    expect(fallbackNotice({ name: 'webgl', skipped: [{ name: 'webgpu', reason: 'navigator.gpu is undefined' }] })).toBe(
      'WebGPU is not available in this browser (navigator.gpu is undefined); running on webgl instead, which is slower.',
    );
    expect(fallbackNotice({ name: 'wasm', skipped: ['webgpu: no adapter', 'webgl: no context'] })).toMatch(/\(no adapter\); running on wasm/);
    expect(fallbackNotice({ name: 'wasm', skipped: [] })).toBe('Running on wasm, as asked (?backend=wasm); WebGPU was not tried.');
  });

  it('formats times', () => {
    expect(formatMs(3.14159)).toBe('3.14 ms');
    expect(formatMs(123.45)).toBe('123.5 ms');
    expect(formatMs(2500)).toBe('2.50 s');
    expect(formatMs(NaN)).toBe('–');
  });
});
