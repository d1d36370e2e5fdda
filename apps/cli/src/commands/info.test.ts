import { availableParallelism } from 'node:os';
import { torchAvailability } from '@vqct/backend-torch';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';

describe('vqct info', () => {
  it('prints versions and the backend line', async () => {
    const r = await runCli(['info'], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vqct \d+\.\d+\.\d+ \(node 20\./);
    expect(r.stdout).toMatch(/compromise \d+\.\d+/);
    expect(r.stdout).toMatch(/^backend (tensorflow-gpu|torch-cuda|tensorflow|torch|wasm|cpu)/m);
    const j = await runCli(['info', '--json'], tempDir());
    expect(JSON.parse(j.stdout).versions.node).toBe(process.versions.node);
  });

  it('--backend and --threads choose the backend and the wasm thread count; bad values exit 1', async () => {
    const one = JSON.parse((await runCli(['--backend', 'wasm', '--threads', '1', 'info', '--json'], tempDir())).stdout);
    expect(one.backend).toMatchObject({ name: 'wasm', threads: 1 });
    expect(one.backend.line).toMatch(/^backend wasm \((no )?SIMD, 1 thread\)/);
    // Default: one thread per core (the threaded build needs SIMD, which Node 20 has);
    // the test run's own VQCT_WASM_THREADS=1 is cleared ("" = auto).
    const auto = JSON.parse((await runCli(['--backend', 'wasm', 'info', '--json'], tempDir(), { VQCT_WASM_THREADS: '' })).stdout);
    expect(auto.backend.threads).toBe(Math.min(8, availableParallelism()));
    const cpu = JSON.parse((await runCli(['--backend', 'cpu', 'info', '--json'], tempDir())).stdout);
    expect(cpu.backend.name).toBe('cpu');
    const bad = await runCli(['--threads', '9', 'info'], tempDir());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/wasm threads must be an integer from 1 to 8 or "auto", got "9"/);
  });

  it.runIf(torchAvailability().available)('--backend torch --threads 1 shows libtorch, its device, threads and BLAS', async () => {
    const r = await runCli(['--backend', 'torch', '--threads', '1', 'info'], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend torch \(libtorch \d+\.\d+\.\d+, cpu, 1 thread\)/m);
    expect(r.stdout).toMatch(/^ {2}libtorch \d+\.\d+\.\d+ on cpu, 1 threads; .*(BLAS|blas|AVX|oneDNN|MKL)/m);
    const j = JSON.parse((await runCli(['--backend', 'torch', '--device', 'cpu', 'info', '--json'], tempDir())).stdout);
    expect(j.backend.torch.device).toBe('cpu');
    const cuda = await runCli(['--backend', 'torch-cuda', 'info'], tempDir());
    expect(cuda.code).toBe(1);
    expect(cuda.stderr).toMatch(/backend "torch-cuda" was requested but cannot be used: libtorch sees no CUDA device/);
  });

  it('--version and --help exit 0', async () => {
    expect((await runCli(['--version'], tempDir())).code).toBe(0);
    const h = await runCli(['--help'], tempDir());
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('prior');
  });
});
