/**
 * End to end, in real headless Chromium (Debian's /usr/bin/chromium, WebGPU through
 * SwiftShader): build the site with vite, serve it on 127.0.0.1, run a sample through
 * the bundled demo model, and check what the page shows against the Node library.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, copyFileSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { serveStatic } from './static-server';

const CHROMIUM = process.env.VQCT_CHROMIUM ?? '/usr/bin/chromium';
const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(app, 'test-artifacts');
const SAMPLE = 'fmnist-ankle-boot-0.png';
/** The first held-out emoji of samples/emoji.json (written at build time), the page's default model's sample. */
let EMOJI: { file: string; caption: string };
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`\n[playground e2e] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set VQCT_CHROMIUM)\n\n`);
}

const ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

describe.skipIf(!hasChromium)('playground in headless Chromium', () => {
  let server: { url: string; close: () => Promise<void> };
  let context: BrowserContext;
  let page: Page;
  let userDir: string;
  const pageErrors: string[] = [];
  let bootTokens: number[] = [];
  let demoTokens: number[] = [];
  const timings: Record<string, unknown> = {};

  beforeAll(async () => {
    const { build } = await import('vite');
    await build({ root: app, logLevel: 'warn', configFile: join(app, 'vite.config.ts') });
    server = await serveStatic(join(app, 'dist'));
    EMOJI = JSON.parse(readFileSync(join(app, 'dist', 'samples', 'emoji.json'), 'utf8'))[0];
    const { chromium } = await import('playwright-core');
    userDir = mkdtempSync(join(tmpdir(), 'vqct-playground-'));
    context = await chromium.launchPersistentContext(userDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1180, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`${m.text()} @ ${m.location().url}`));
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('opens on the shipped emoji-32 with a held-out emoji on WebGPU: reconstruction, word labels, its caption, histogram, timings', async () => {
    await page.goto(`${server.url}?sample=${EMOJI.file}`);
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 120_000 });
    const errorText = await page.locator('#error').isVisible() ? await page.locator('#error').innerText() : '';
    expect(errorText).toBe('');
    expect(await page.locator('#backend').innerText()).toBe('webgpu');
    expect(await page.locator('#backend-notice').isHidden()).toBe(true);
    expect(await page.locator('#model-info').getAttribute('data-model')).toBe('emoji-32');
    // The image's own caption, next to the patch words.
    expect(await page.locator('#caption').isVisible()).toBe(true);
    expect(await page.locator('#caption').innerText()).toMatch(new RegExp(`^caption "${EMOJI.caption}" · the patches say \\d+ of its \\d+ words`));

    const cells = page.locator('#token-grid > div');
    const shape = (await page.locator('#token-grid').getAttribute('data-shape'))!.split(',').map(Number);
    expect(await cells.count()).toBe(shape[0] * shape[1]);
    const label = (await cells.first().getAttribute('data-label'))!;
    expect(label).toMatch(/^[a-z][\w-]*(, [a-z][\w-]*)* \/ [a-z][\w-]*$/);

    // The reconstruction canvas holds a decoded image, not a blank: it has structure, and it resembles the input.
    const stats = await page.evaluate(() => {
      const read = (id: string) => {
        const c = document.getElementById(id) as HTMLCanvasElement;
        return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
      };
      const a = read('input-canvas');
      const b = read('recon-canvas');
      const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
      const ma = mean(a), mb = mean(b);
      let cov = 0, va = 0, vb = 0;
      for (let i = 0; i < a.length; i++) { cov += (a[i] - ma) * (b[i] - mb); va += (a[i] - ma) ** 2; vb += (b[i] - mb) ** 2; }
      return { n: b.length, std: Math.sqrt(vb / b.length), corr: cov / Math.sqrt(va * vb) };
    });
    expect(stats.n).toBeGreaterThan(16);
    expect(stats.std).toBeGreaterThan(5);
    expect(stats.corr).toBeGreaterThan(0.5);

    expect(await page.locator('#hist-nouns li').count()).toBeGreaterThan(0);
    const encodeMs = Number(await page.locator('#timings').getAttribute('data-encode-ms'));
    const decodeMs = Number(await page.locator('#timings').getAttribute('data-decode-ms'));
    expect(encodeMs).toBeGreaterThan(0);
    expect(decodeMs).toBeGreaterThan(0);
    timings.warmupMs = Number(await page.locator('#model-info').getAttribute('data-warmup-ms'));
    timings[EMOJI.file] = { encodeMs, decodeMs };
    bootTokens = (await page.locator('#token-grid').getAttribute('data-tokens'))!.split(',').map(Number);

    // Hover shows the words, a click lists the nearest words.
    const box = (await page.locator('#token-grid').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('#hover-label').innerText()).toMatch(/ \/ /);
    await cells.nth(Math.floor(shape[0] / 2) * shape[1] + Math.floor(shape[1] / 2)).click();
    await page.waitForSelector('#nearest-nouns li');
    expect(await page.locator('#nearest-adjectives li').count()).toBeGreaterThan(0);

    expect(pageErrors).toEqual([]);
  });

  it('the built site stays within its size budget (16 MiB: emoji-32, the generator, the demo model, tfjs and its wasm)', () => {
    const size = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
    const bytes = size(join(app, 'dist'));
    writeFileSync(join(artifacts, 'e2e-site-size.json'), JSON.stringify({ bytes }, null, 2));
    expect(bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('its emoji samples are held-out emoji, and the tokens equal those of @vqct/models\' emoji-32 in Node', async () => {
    const { DEFAULT_EMOJI_HELD_OUT, listEmojiImages, splitEmojiImages } = await import('@vqct/vq/node');
    const key = (i: { style: string; unified: string }) => `emoji/${i.style}-${i.unified.toLowerCase()}.png`;
    const all = listEmojiImages();
    const held = new Set(splitEmojiImages(all, 'heldout', DEFAULT_EMOJI_HELD_OUT).map(key));
    const listed = JSON.parse(readFileSync(join(app, 'dist', 'samples', 'emoji.json'), 'utf8')) as Array<{ file: string; caption: string }>;
    expect(listed.length).toBeGreaterThan(0);
    for (const s of listed) {
      expect(held.has(s.file), `${s.file} is not in the held-out split`).toBe(true);
      expect(s.caption).toBe(all.find((i) => key(i) === s.file)!.caption);
    }
    const { nodeShippedTokens } = await import('./node-generate');
    const node = await nodeShippedTokens(join(app, 'dist', 'samples', EMOJI.file));
    expect(bootTokens).toEqual(Array.from(node));
  });

  it('takes a photo of another size and shape (256x171 RGB), cut and resized to the model', async () => {
    await page.locator('[data-sample="photo-rocket.png"]').click();
    await page.waitForSelector('#status[data-state="busy"]');
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 120_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    const size = await page.evaluate(() => {
      const c = document.getElementById('input-canvas') as HTMLCanvasElement;
      return [c.width, c.height];
    });
    const shape = (await page.locator('#token-grid').getAttribute('data-shape'))!.split(',').map(Number);
    expect(size[0]).toBe(size[1]);
    expect(size[0] % shape[1]).toBe(0);
    const tokens = (await page.locator('#token-grid').getAttribute('data-tokens'))!.split(',').map(Number);
    expect(tokens).not.toEqual(bootTokens);
    timings['photo-rocket.png'] = {
      encodeMs: Number(await page.locator('#timings').getAttribute('data-encode-ms')),
      decodeMs: Number(await page.locator('#timings').getAttribute('data-decode-ms')),
    };
    writeFileSync(join(artifacts, 'e2e-timings.json'), JSON.stringify({ backend: 'webgpu', ...timings }, null, 2));
    // Back to the emoji for the screenshot the README shows.
    await page.locator(`[data-sample="${EMOJI.file}"]`).click();
    await page.waitForSelector('#status[data-state="busy"]');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
    const mid = Math.floor(shape[0] / 2) * shape[1] + Math.floor(shape[1] / 2);
    await page.locator('#token-grid > div').nth(mid).click();
    await page.waitForSelector('#nearest-nouns li');
    const box = (await page.locator('#token-grid > div').nth(mid).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
    // The README's copy is refreshed on request only, so test runs leave the tree clean.
    const readmeShot = join(app, 'docs', 'screenshot.png');
    if (process.env.VQCT_UPDATE_SCREENSHOT === '1' || !existsSync(readmeShot)) {
      mkdirSync(join(app, 'docs'), { recursive: true });
      copyFileSync(join(artifacts, 'playground.png'), readmeShot);
    }
  });

  it('with the small fashion demo model: the same tokens as the Node library for the same image and checkpoint', async () => {
    await page.locator(`[data-sample="${SAMPLE}"]`).click();
    await page.waitForSelector('#status[data-state="busy"]');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
    // Fashion-MNIST has no caption here.
    expect(await page.locator('#caption').isHidden()).toBe(true);
    // The new model runs the image shown again: done once that is over.
    await page.locator('#demo-model').click();
    await page.waitForFunction(() => document.getElementById('model-info')!.dataset.model === 'demo' && document.getElementById('status')!.dataset.state === 'done', undefined, { timeout: 120_000 });
    // The generator does not fit this tokenizer: it says so.
    expect(await page.locator('#generator-note').innerText()).toMatch(/^The generator models the tokens of emoji-32 .* the model loaded now, demo, is another/);
    expect(await page.locator('#generate-run').isDisabled()).toBe(true);
    demoTokens = (await page.locator('#token-grid').getAttribute('data-tokens'))!.split(',').map(Number);
    const browserTokens = demoTokens;
    expect(browserTokens.length).toBeGreaterThan(0);
    const { nodeTokens } = await import('./node-tokens');
    const node = await nodeTokens(join(app, 'public', 'demo'), join(app, 'public', 'samples', SAMPLE));
    expect(browserTokens.length).toBe(node.length);
    const differing = browserTokens.filter((t, i) => t !== node[i]).length;
    writeFileSync(join(artifacts, 'e2e-parity.json'), JSON.stringify({ tokens: node.length, differing }, null, 2));
    expect(browserTokens).toEqual(Array.from(node));
  });

  it('gives the same tokens as the CLI (`vqct tokens --json`) for an image of the model size', async () => {
    const file = 'fmnist-ankle-boot-0-32px.png';
    await page.locator(`[data-sample="${file}"]`).click();
    await page.waitForSelector('#status[data-state="busy"]');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
    const browser = (await page.locator('#token-grid').getAttribute('data-tokens'))!.split(',').map(Number);
    const bin = join(app, 'node_modules', '@vqct', 'cli', 'dist', 'bin.js');
    expect(existsSync(bin), `${bin} is missing: build the CLI (pnpm exec turbo run build --filter=@vqct/playground)`).toBe(true);
    const demo = join(app, 'public', 'demo');
    const stdout = execFileSync(process.execPath, [
      bin, 'tokens', join(app, 'public', 'samples', file), '--checkpoint', join(demo, 'demo.json'),
      '--prior', join(demo, 'prior.safetensors'), '--json', '-o', join(artifacts, 'cli-tokens-overlay.png'),
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const cli = JSON.parse(stdout) as { tokens: number[][][]; words: string[][] };
    expect(browser).toEqual(cli.tokens.flat(2));
    const labels = await page.locator('#token-grid > div').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.label));
    expect(labels).toEqual(cli.words.flat());
  });

  it('edit mode: a new noun for a patch re-decodes the image', async () => {
    const before = await page.evaluate(() => (document.getElementById('recon-canvas') as HTMLCanvasElement).toDataURL());
    await page.locator('#edit-mode').check();
    await page.locator('#token-grid > div').nth(27).click();
    await page.waitForSelector('#noun-editor:not([hidden])');
    // Nearest nouns become buttons that set the noun.
    await page.waitForSelector('#nearest-nouns li button');
    const select = page.locator('#noun-select');
    const current = await select.inputValue();
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await select.selectOption(options.find((v) => v !== current)!);
    await page.waitForSelector('#token-grid > div.edited');
    await page.waitForSelector('#status[data-state="done"]');
    const after = await page.evaluate(() => (document.getElementById('recon-canvas') as HTMLCanvasElement).toDataURL());
    expect(after).not.toBe(before);
    expect(await page.locator('#reset-edits').isVisible()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'playground-edited.png') });
  });

  it('says so when an image cannot be decoded', async () => {
    await page.locator('#image-file').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png at all') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error').getAttribute('data-code')).toBe('E_IMAGE');
    expect(await page.locator('#error-title').innerText()).toBe('This image could not be read');
  });

  it('says so when a dropped checkpoint is corrupt', async () => {
    const demo = join(app, 'public', 'demo');
    const manifest = JSON.parse(readFileSync(join(demo, 'manifest.json'), 'utf8'));
    const weights = readFileSync(join(demo, manifest.checkpoint));
    const broken = Buffer.from(weights.subarray(0, weights.length - 100));
    await page.locator('#model-files').setInputFiles([
      { name: manifest.checkpoint, mimeType: 'application/octet-stream', buffer: broken },
      { name: manifest.sidecar, mimeType: 'application/json', buffer: readFileSync(join(demo, manifest.sidecar)) },
      { name: manifest.prior, mimeType: 'application/octet-stream', buffer: readFileSync(join(demo, manifest.prior)) },
    ]);
    // The previous test left an error on screen: wait for this one's.
    await page.waitForSelector('#error:not([hidden])[data-code="E_CHECKPOINT"]', { timeout: 60_000 });
    expect(await page.locator('#error-title').innerText()).toBe('This model could not be loaded');
    expect(await page.locator('#error-body').innerText()).toMatch(/truncated|bytes/);
  });

  it('files that are not what they claim (a PNG named .safetensors, a PNG as the sidecar, a prior of another model): a message each, and the page keeps working', async () => {
    const demo = join(app, 'public', 'demo');
    const manifest = JSON.parse(readFileSync(join(demo, 'manifest.json'), 'utf8'));
    const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
    const good = {
      checkpoint: file(manifest.checkpoint, readFileSync(join(demo, manifest.checkpoint))),
      sidecar: file(manifest.sidecar, readFileSync(join(demo, manifest.sidecar))),
      prior: file(manifest.prior, readFileSync(join(demo, manifest.prior))),
    };
    const png = readFileSync(join(app, 'public', 'samples', SAMPLE));
    const { encodePrior, seededBenchmarkPrior } = await import('@vqct/prior');
    const otherPrior = Buffer.from(encodePrior(seededBenchmarkPrior({ kAdj: 12, kNoun: 20, dim: 8, seed: 5 })));
    const cases: Array<{ files: Array<ReturnType<typeof file>>; code: string; body: RegExp }> = [
      { files: [file(manifest.checkpoint, png), good.sidecar, good.prior], code: 'E_CHECKPOINT', body: new RegExp(`weights file has ${png.length} bytes`) },
      { files: [good.checkpoint, file(manifest.sidecar, png), good.prior], code: 'E_CHECKPOINT', body: /sidecar is not valid JSON/ },
      { files: [good.checkpoint, good.sidecar, file(manifest.prior, png)], code: 'E_FORMAT', body: /not a valid safetensors file/ },
      { files: [good.checkpoint, good.sidecar, file(manifest.prior, otherPrior)], code: 'E_CHECKPOINT', body: /wrong prior/ },
    ];
    for (const c of cases) {
      await page.locator('#model-files').setInputFiles(c.files);
      await expect.poll(() => page.locator('#error-body').innerText(), { timeout: 60_000 }).toMatch(c.body);
      expect(await page.locator('#error').getAttribute('data-code')).toBe(c.code);
      expect(await page.locator('#error-title').innerText()).toBe('This model could not be loaded');
    }
    // Still working: the right files load, and an image runs through them.
    await page.locator('#model-files').setInputFiles([good.checkpoint, good.sidecar, good.prior]);
    // (lastImage is still the undecodable PNG of an earlier test: the reload may end in its E_IMAGE.)
    await page.waitForSelector('#status:not([data-state="busy"])', { timeout: 60_000 });
    await page.locator('#image-file').setInputFiles({ name: SAMPLE, mimeType: 'image/png', buffer: png });
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect((await page.locator('#token-grid').getAttribute('data-tokens'))!.split(',').map(Number)).toEqual(demoTokens);
    expect(pageErrors).toEqual([]);
  });

  // Sampling reads the logits back once per token; through SwiftShader that is ~0.4 s a token
  // on this machine (over a minute a grid), so the generate checks run on a page with the
  // wasm backend, and the WebGPU one only with VQCT_E2E_WEBGPU_GENERATE=1 (README, "Tests").
  describe('generate panel', () => {
    let wasm: Page;
    let prompt = '';
    let seven: number[] = [];
    const tokensOf = async (p: Page, id: string) => (await p.locator(id).getAttribute('data-tokens'))!.split(',').map(Number);
    const generate = async (p: Page, seed: number): Promise<number[]> => {
      await p.locator('#seed').fill(String(seed));
      await p.locator('#generate-run').click();
      await p.waitForSelector('#generate[data-state="sampling"]');
      await p.waitForSelector('#generate[data-state="done"], #generate[data-state="error"]', { timeout: 300_000 });
      expect(await p.locator('#error').isVisible() ? await p.locator('#error').innerText() : '').toBe('');
      return tokensOf(p, '#gen-grid');
    };

    beforeAll(async () => {
      wasm = await context.newPage();
      wasm.on('pageerror', (e) => pageErrors.push(e.message));
      await wasm.goto(`${server.url}?backend=wasm`);
      await wasm.waitForSelector('#generate[data-state="idle"], #generate[data-state="error"]', { timeout: 120_000 });
    });

    afterAll(async () => {
      await wasm?.close();
    });

    it('completes words of the vocabulary, fills the grid in position by position, decodes it; same seed, same grid; the Node library draws the same', async () => {
      expect(await wasm.locator('#backend').innerText()).toBe('wasm');
      expect(await wasm.locator('#generator-info').innerText()).toMatch(/^emoji-32-words: [\d,]+ parameters, step \d+, .* held out \d+\.\d+ bits\/token \(unigram \d+\.\d+\)/);
      await wasm.locator('#prompt').fill('zzqx fa');
      await wasm.waitForSelector('#completions button');
      expect(await wasm.locator('#prompt-problem').innerText()).toMatch(/not words of emoji-32's vocabulary: zzqx/);
      const words = await wasm.locator('#completions button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.word!));
      expect(words.length).toBeGreaterThan(0);
      for (const w of words) expect(w.startsWith('fa')).toBe(true);
      await wasm.locator('#prompt').fill('fa');
      await wasm.locator('#completions button').first().click();
      prompt = await wasm.locator('#prompt').inputValue();
      expect(prompt).toBe(`${words[0]} `);
      expect(await wasm.locator('#prompt-problem').isHidden()).toBe(true);

      seven = await generate(wasm, 7);
      const shape = (await wasm.locator('#gen-grid').getAttribute('data-shape'))!.split(',').map(Number);
      expect(seven.length).toBe(shape[0] * shape[1] * shape[2]);
      // The page heard every position as it was sampled.
      expect(Number(await wasm.locator('#gen-grid').getAttribute('data-updates'))).toBe(shape[0] * shape[1]);
      expect(await wasm.locator('#gen-grid > div.pending').count()).toBe(0);
      const std = await wasm.evaluate(() => {
        const c = document.getElementById('gen-canvas') as HTMLCanvasElement;
        const d = Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 !== 3));
        const m = d.reduce((a, b) => a + b, 0) / d.length;
        return { n: c.width * c.height, std: Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length) };
      });
      expect(std.n).toBeGreaterThan(16);
      expect(std.std).toBeGreaterThan(5);
      expect(await generate(wasm, 7)).toEqual(seven);
      expect(await generate(wasm, 8)).not.toEqual(seven);
      const { nodeGenerate } = await import('./node-generate');
      expect(Array.from(await nodeGenerate(join(app, 'dist', 'generate'), prompt, 7))).toEqual(seven);
      timings.generateWasmMs = Number(await wasm.locator('#gen-timings').getAttribute('data-sample-ms'));
      // Classifier-free guidance: the bundled generator trained with condition dropout, so the control is on,
      // starting at its sidecar's scale; a guided grid is the one the library draws with that scale.
      const sidecar = JSON.parse(readFileSync(join(app, 'dist', 'generate', 'emoji-32-words.json'), 'utf8')) as { guidance?: number; conditionDropout?: number };
      expect(sidecar.conditionDropout).toBeGreaterThan(0);
      expect(await wasm.locator('#guidance').isDisabled()).toBe(false);
      expect(Number(await wasm.locator('#guidance').inputValue())).toBe(sidecar.guidance ?? 1);
      await wasm.locator('#guidance').fill('3');
      const guided = await generate(wasm, 7);
      expect(guided).not.toEqual(seven);
      expect(await wasm.locator('#gen-timings').innerText()).toContain('guidance 3');
      expect(Array.from(await nodeGenerate(join(app, 'dist', 'generate'), prompt, 7, 3))).toEqual(guided);
      await wasm.locator('#guidance').fill(String(sidecar.guidance ?? 1));
    });

    it('edit mode: "re-sample around this patch" draws the 3x3 patches around it again and keeps every other patch', async () => {
      await wasm.locator(`[data-sample="${EMOJI.file}"]`).click();
      await wasm.waitForSelector('#status[data-state="busy"]');
      await wasm.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const before = await tokensOf(wasm, '#token-grid');
      const [h, w, k1] = (await wasm.locator('#token-grid').getAttribute('data-shape'))!.split(',').map(Number);
      await wasm.locator('#edit-mode').check();
      const patch = Math.floor(h / 2) * w + Math.floor(w / 2);
      await wasm.locator('#token-grid > div').nth(patch).click();
      await wasm.waitForSelector('#resample:not([disabled])');
      await wasm.locator('#resample').click();
      await wasm.waitForSelector('#status[data-state="done"]:has-text("re-sampled")', { timeout: 120_000 });
      const after = await tokensOf(wasm, '#token-grid');
      const changed = new Set<number>();
      for (let p = 0; p < h * w; p++) if (after.slice(p * k1, (p + 1) * k1).join() !== before.slice(p * k1, (p + 1) * k1).join()) changed.add(p);
      const near = (p: number) => Math.abs(Math.floor(p / w) - Math.floor(patch / w)) <= 1 && Math.abs((p % w) - (patch % w)) <= 1;
      expect(changed.size).toBeGreaterThan(0);
      for (const p of changed) expect(near(p), `patch ${p} changed, outside the 3x3 around ${patch}`).toBe(true);
      expect(await wasm.locator('#token-grid > div.edited').count()).toBe(changed.size);
      await wasm.screenshot({ path: join(artifacts, 'playground-generate.png'), fullPage: true });
    });

    it.skipIf(process.env.VQCT_E2E_WEBGPU_GENERATE !== '1')('on WebGPU too (VQCT_E2E_WEBGPU_GENERATE=1): the same grid for the same prompt and seed', async () => {
      await page.locator('#shipped-model').click();
      await page.waitForSelector('#model-info[data-model="emoji-32"]', { timeout: 120_000 });
      await page.waitForSelector('#generate-run:not([disabled])');
      await page.locator('#prompt').fill(prompt);
      const t0 = Date.now();
      const gpu = await generate(page, 7);
      timings.generateWebGpuMs = Date.now() - t0;
      writeFileSync(join(artifacts, 'e2e-timings.json'), JSON.stringify({ backend: 'webgpu', ...timings }, null, 2));
      expect(gpu).toEqual(seven);
    }, 600_000);
  });

  it('without WebGPU, falls back and says so', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'vqct-playground-nogpu-'));
    const plain = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS.filter((a) => a !== '--enable-unsafe-webgpu') });
    try {
      const p = await plain.newPage();
      await p.goto(server.url);
      await p.waitForSelector('#backend-notice:not([hidden])', { timeout: 60_000 });
      expect(await p.locator('#backend').innerText()).not.toBe('webgpu');
      expect(await p.locator('#backend-notice').innerText()).toMatch(/^WebGPU is not available in this browser \(.+\); running on (webgl|wasm|cpu) instead/);
    } finally {
      await plain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
