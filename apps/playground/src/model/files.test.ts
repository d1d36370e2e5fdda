import { describe, expect, it } from 'vitest';
import { assignModelFiles } from './files';

const f = (name: string) => ({ name });

describe('assignModelFiles', () => {
  it('pairs the checkpoint with its sidecar by name, the other safetensors is the prior', () => {
    const r = assignModelFiles([f('words.safetensors'), f('run7.json'), f('run7.safetensors')]);
    expect([r.checkpoint.name, r.sidecar.name, r.prior.name]).toEqual(['run7.safetensors', 'run7.json', 'words.safetensors']);
  });

  it('falls back to the name "prior" when stems differ', () => {
    const r = assignModelFiles([f('prior.safetensors'), f('meta.json'), f('ckpt.safetensors')]);
    expect(r.checkpoint.name).toBe('ckpt.safetensors');
    expect(r.prior.name).toBe('prior.safetensors');
  });

  it('says what is missing or foreign', () => {
    expect(() => assignModelFiles([f('a.safetensors'), f('a.json')])).toThrow(/two .safetensors/);
    expect(() => assignModelFiles([f('a.safetensors'), f('b.safetensors')])).toThrow(/one .json sidecar/);
    expect(() => assignModelFiles([f('a.safetensors'), f('b.safetensors'), f('a.json'), f('cat.png')])).toThrow(/not a model file: cat.png/);
    expect(() => assignModelFiles([f('x.safetensors'), f('y.safetensors'), f('a.json')])).toThrow(/cannot tell/);
  });
});
