import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNodeBackend } from '@vqct/backend-node';
import type { BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PARITY_CASES } from '../../backend-node/test/parity/model-spec';
import { compareCase, PARITY_CASES, runCase } from '../../backend-node/test/parity/spec';
import type { PageResult } from './page/main';

const CHROMIUM = process.env.VQCT_CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const wasmDist = realpathSync(resolve(here, '../node_modules/@tensorflow/tfjs-backend-wasm/dist'));
const hasChromium = existsSync(CHROMIUM);
// Same lists as page/main.ts's browserCases (kept apart: that module touches the DOM).
const CASES = [...PARITY_CASES, ...MODEL_PARITY_CASES];
const casesFor = (_backend: string) => CASES;

describe.skipIf(!hasChromium)(`parity in headless Chromium (${hasChromium ? CHROMIUM : `skipped: ${CHROMIUM} is missing; install Debian's chromium or set VQCT_CHROMIUM`})`, () => {
  let server: ViteDevServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let cpu: number[][][];
  const wasmFiles: string[] = [];

  beforeAll(async () => {
    // The reference: Node's cpu backend, except for the training step, which takes
    // minutes there; it is compared with Node's wasm (itself held to cpu by the Node
    // suite's kernel and model cases, and by the full training case, VQCT_PARITY_FULL=1).
    await useNodeBackend({ backend: 'cpu' });
    cpu = [];
    for (const c of CASES) cpu.push(c.slow ? [] : await runCase(c));
    await useNodeBackend({ backend: 'wasm' });
    for (const [i, c] of CASES.entries()) if (c.slow) cpu[i] = await runCase(c);
    const { createServer } = await import('vite');
    server = await createServer({
      configFile: false,
      root: join(here, 'page'),
      logLevel: 'error',
      resolve: { dedupe: ['@tensorflow/tfjs-core'] },
      // Cross-origin isolation lets tfjs-backend-wasm use threads.
      server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [repoRoot, wasmDist] }, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    });
    await server.listen();
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'vqct-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await context.newPage();
    page.on('request', (req) => {
      if (req.url().endsWith('.wasm')) wasmFiles.push(req.url().split('/').pop()!);
    });
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 90_000 });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function runIn(backend: 'webgpu' | 'wasm'): Promise<PageResult> {
    return page.evaluate(([b, p]) => (globalThis as unknown as { vqctParity(b: string, p: string): Promise<PageResult> }).vqctParity(b, p), [backend, `/@fs${wasmDist}/`] as const);
  }

  it.each(['webgpu', 'wasm'] as const)('%s computes what cpu computes, without leaks', async (backend) => {
    const r = await runIn(backend);
    if (process.env.VQCT_PARITY_REPORT) process.stderr.write(`parity ${backend}: ${r.line}; crossOriginIsolated ${r.crossOriginIsolated}; spec ${Math.round(r.ms)} ms; wasm binaries fetched ${wasmFiles.join(', ') || 'none'}\n`);
    expect(r.name, r.line).toBe(backend);
    expect(r.results).toHaveLength(casesFor(backend).length);
    expect(r.errors).toEqual([]);
    expect(r.leaked).toBe(0);
    const failures = casesFor(backend).map((c, i) => compareCase(c, r.results[i]!, cpu[i])).filter((m) => m != null);
    expect(failures).toEqual([]);
    // The page is cross-origin isolated: one XNNPACK thread per core (tfjs alone
    // would give hardwareConcurrency / 2, i.e. 1 on a 2-core machine).
    if (backend === 'wasm') expect(r.threads, `${r.line}; crossOriginIsolated ${r.crossOriginIsolated}; threads supported ${r.threadsSupported}; cores ${r.cores}`).toBe(Math.min(8, r.cores));
  }, 180_000);

  it('auto picks webgpu first and reports the line', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as { vqctAuto(): Promise<{ name: string; line: string }> }).vqctAuto());
    expect(r.name).toBe('webgpu');
    expect(r.line).toMatch(/^backend webgpu/);
  });

  it('fails clearly for an unknown forced backend', async () => {
    const msg = await page.evaluate(() => (globalThis as unknown as { vqctForce(b: string): Promise<string> }).vqctForce('metal'));
    expect(msg).toMatch(/BackendError: unknown backend "metal"/);
  });
});
