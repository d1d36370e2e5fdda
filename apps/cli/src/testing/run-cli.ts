import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI (tests run after `turbo run build`). */
export const CLI_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh temp folder to run the CLI in. */
export function tempDir(prefix = 'vqct-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Spawns the built `vqct` in `cwd` (not a TTY: progress comes as plain lines)
 * and resolves with its exit code and output.
 *
 * @example
 * const r = await runCli(['prior', 'inspect', 'p.safetensors', '--json'], dir);
 */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  if (!existsSync(CLI_BIN)) throw new Error(`build the CLI first: ${CLI_BIN} is missing`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, ...env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
