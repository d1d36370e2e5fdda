import { spawn } from 'node:child_process';
import { torchAvailability } from '@vqct/backend-torch';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./testing/resume-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));

interface ChildRun {
  out: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the child; with `killAfter`, sends SIGKILL as soon as it reports that checkpoint. */
function runChildOn(backend: string, dir: string, steps: number, killAfter?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(steps), killAfter != null ? 'announce' : ''], {
      // torch at one libtorch thread, like wasm at one: same thread count, same sums.
      env: { ...process.env, VQCT_BACKEND: backend, VQCT_TORCH_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfter != null && out.includes(`CHECKPOINT ${killAfter}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal == null) reject(new Error(`child failed (${code}):\n${err}`));
      else resolve({ out, code, signal });
    });
  });
}

const digestOf = (r: ChildRun): string => /DONE (\d+) ([0-9a-f]{64})/.exec(r.out)?.[2] ?? 'none';

// Needs the built packages (`pnpm exec turbo run build --filter=@vqct/vq`): the
// point is a real separate process, killed with SIGKILL, resuming from files.
const BACKENDS = ['wasm', ...(torchAvailability().available ? ['torch'] : [])];

describe.each(BACKENDS)('resume after kill -9 (child processes, built dist, %s)', (backend) => {
  const runChild = (dir: string, steps: number, killAfter?: number) => runChildOn(backend, dir, steps, killAfter);
  it('2N steps == N steps + SIGKILL + resume + N steps, bit for bit (model, transfer net, discriminator, Adam)', async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`pnpm exec turbo run build --filter=@vqct/vq\` first (scripts/setup.sh does)`);
    const n = 2;
    const straight = await runChild(mkdtempSync(join(tmpdir(), 'vqct-resume-a-')), 2 * n);
    const dir = mkdtempSync(join(tmpdir(), 'vqct-resume-b-'));
    const killed = await runChild(dir, 2 * n, n);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).not.toMatch(/DONE/);
    const resumed = await runChild(dir, 2 * n);
    expect(resumed.out).toMatch(new RegExp(`DONE ${2 * n} `));
    expect(digestOf(resumed)).toBe(digestOf(straight));
    // And the digest is a real fingerprint: a run that stops at step N differs.
    const half = await runChild(mkdtempSync(join(tmpdir(), 'vqct-resume-c-')), n);
    expect(digestOf(half)).not.toBe(digestOf(straight));
  }, 300_000);
});
