import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';

describe('vqct info', () => {
  it('prints versions and the backend line', async () => {
    const r = await runCli(['info'], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vqct \d+\.\d+\.\d+ \(node 20\./);
    expect(r.stdout).toMatch(/compromise \d+\.\d+/);
    expect(r.stdout).toMatch(/^backend (tensorflow-gpu|tensorflow|wasm|cpu)/m);
    const j = await runCli(['info', '--json'], tempDir());
    expect(JSON.parse(j.stdout).versions.node).toBe(process.versions.node);
  });

  it('--version and --help exit 0', async () => {
    expect((await runCli(['--version'], tempDir())).code).toBe(0);
    const h = await runCli(['--help'], tempDir());
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('prior');
  });
});
