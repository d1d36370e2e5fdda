/**
 * The "generate" panel: a prompt in the tokenizer's words (with completion),
 * sampled by the bundled generator in the worker, the grid filling in patch
 * by patch, then decoded. Also serves edit mode's "re-sample around this
 * patch". main.ts owns the tokenizer; this file only asks it what is loaded.
 */
import type { ModelInfo } from './model/engine';
import type { GeneratorInfo, SampleRequest } from './model/generator';
import { formatMs } from './ui/messages';
import { complete, completions, unknownWords } from './ui/prompt';
import { keepOutside } from './ui/resample';
import type { TokenGrid } from './ui/tokens';
import { $, drawImage, markPending, renderGrid } from './ui/view';
import type { GenerateResult } from './worker/protocol';
import type { WorkerClient } from './worker/client';

export interface PanelContext {
  client: WorkerClient;
  base: string;
  /** The tokenizer loaded now (null while none). */
  model(): ModelInfo | null;
  onError(error: unknown): void;
}

let generator: GeneratorInfo | null = null;
let ctx: PanelContext;

function setState(state: 'idle' | 'loading' | 'sampling' | 'done' | 'error' | 'off'): void {
  $('generate').dataset.state = state;
}

/** Why generating is off for the loaded tokenizer; null when it is on. */
function mismatch(info: ModelInfo | null): string | null {
  if (generator == null) return 'no generator is loaded';
  if (info == null) return 'no tokenizer is loaded';
  if (info.weightsSha256 === generator.tokenizer.weightsSha256) return null;
  return `The generator models the tokens of ${generator.tokenizer.name} (weights ${generator.tokenizer.weightsSha256.slice(0, 12)}…); the model loaded now, ${info.name}, is another (${String(info.weightsSha256).slice(0, 12)}…): generating is off until it is loaded again. A new ${generator.tokenizer.name} needs a generator trained on its tokens (apps/playground/README.md, "The bundled generator").`;
}

/** Enables the panel for the tokenizer loaded now, or says why not. */
export function refreshGeneratePanel(): void {
  const why = generator == null ? null : mismatch(ctx.model());
  $('generator-note').hidden = why == null;
  $('generator-note').textContent = why ?? '';
  $<HTMLButtonElement>('generate-run').disabled = generator == null || why != null;
  if (generator != null) setState(why == null ? 'idle' : 'off');
}

function readRequest(prompt: string): SampleRequest {
  const num = (id: string, fallback: number): number => {
    const v = Number($<HTMLInputElement>(id).value);
    return Number.isFinite(v) ? v : fallback;
  };
  return { prompt, seed: Math.trunc(num('seed', 1)), temperature: num('temperature', 1), topK: Math.trunc(num('top-k', 0)), topP: num('top-p', 1), guidance: num('guidance', 1) };
}

function showCompletions(): void {
  const info = ctx.model();
  const input = $<HTMLInputElement>('prompt');
  const list = info == null ? [] : completions(input.value, info);
  $('completions').replaceChildren(...list.map((c) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.word = c.word;
    b.append(c.word, ' ');
    const part = document.createElement('small');
    part.textContent = c.part;
    b.append(part);
    b.addEventListener('click', () => {
      input.value = complete(input.value, c.word);
      input.focus();
      showCompletions();
    });
    return b;
  }));
  const unknown = info == null ? [] : unknownWords(input.value.replace(/[a-z0-9'-]*$/i, ''), info);
  $('prompt-problem').hidden = unknown.length === 0;
  $('prompt-problem').textContent = unknown.length === 0 ? '' : `not words of ${info!.name}'s vocabulary: ${unknown.join(', ')}`;
}

function gridOf(info: ModelInfo, tokens: Int32Array): TokenGrid {
  return { tokens, gridH: info.gridH, gridW: info.gridW, k: info.k };
}

/**
 * Samples (all of the grid, or with `keep`) in the worker and shows it in the
 * panel as it fills in; null when generating is off or it failed (the error is shown).
 */
export async function sampleGrid(prompt: string, keep?: SampleRequest['keep']): Promise<GenerateResult | null> {
  const info = ctx.model();
  if (info == null || generator == null || mismatch(info) != null) return null;
  const request = { ...readRequest(prompt), keep };
  setState('sampling');
  const grid = $('gen-grid');
  const canvas = $<HTMLCanvasElement>('gen-canvas');
  canvas.width = 1;
  canvas.height = 1;
  renderGrid(grid, gridOf(info, new Int32Array(info.gridH * info.gridW * (info.k + 1))), info, new Set());
  markPending(grid, 0);
  grid.dataset.updates = '0';
  try {
    const r = await ctx.client.call('generate', request, false, (p) => {
      // Positions after p.position are not sampled yet: any valid ids stand in until markPending blanks them.
      const filled = p.tokens.slice().fill(0, (p.position + 1) * (info.k + 1));
      renderGrid(grid, gridOf(info, filled), info, new Set());
      markPending(grid, p.position + 1);
      grid.dataset.position = String(p.position);
      grid.dataset.updates = String(Number(grid.dataset.updates ?? 0) + 1);
    });
    renderGrid(grid, gridOf(info, r.tokens), info, new Set());
    drawImage(canvas, r.image);
    $('gen-timings').textContent = `sampled ${info.gridH}×${info.gridW}×${info.k + 1} tokens in ${formatMs(r.sampleMs)} · decoded in ${formatMs(r.decodeMs)} · seed ${request.seed}${request.guidance !== 1 ? ` · guidance ${request.guidance}` : ''}${keep != null ? ' · re-sampled around a patch' : ''}`;
    $('gen-timings').dataset.sampleMs = r.sampleMs.toFixed(1);
    setState('done');
    return r;
  } catch (error) {
    setState('error');
    ctx.onError(error);
    return null;
  }
}

/**
 * Edit mode: re-samples the 3x3 patches around `patch`, keeping the rest of
 * `grid`, from the typed prompt or else `fallbackWords` (the caption's words
 * that the vocabulary has).
 */
export function resampleAround(grid: TokenGrid, patch: number, fallbackWords: string[]): Promise<GenerateResult | null> {
  const typed = $<HTMLInputElement>('prompt').value.trim();
  const prompt = typed !== '' ? typed : fallbackWords.slice(0, generator?.maxWords ?? 0).join(' ');
  return sampleGrid(prompt, { tokens: grid.tokens.slice(), positions: keepOutside(grid.gridH, grid.gridW, patch, 1) });
}

/** Whether generating works for the tokenizer loaded now. */
export function canGenerate(): boolean {
  return generator != null && mismatch(ctx.model()) == null;
}

function describe(g: GeneratorInfo): string {
  const h = g.heldOut;
  return `${g.name}: ${g.parameters.toLocaleString('en-US')} parameters, step ${g.step}, prompts of up to ${g.maxWords} words · held out ${h.bitsPerToken.toFixed(2)} bits/token (unigram ${h.unigram.bitsPerToken.toFixed(2)}) · ${g.label}`;
}

/** Loads the bundled generator (generate/manifest.json) into the worker. */
export async function loadBundledGenerator(): Promise<void> {
  setState('loading');
  try {
    const manifest = await (await fetch(`${ctx.base}generate/manifest.json`)).json() as { sidecar: string };
    const sidecar = await (await fetch(`${ctx.base}generate/${manifest.sidecar}`)).text();
    const weightsFile = (JSON.parse(sidecar) as { weightsFile: string }).weightsFile;
    const res = await fetch(`${ctx.base}generate/${weightsFile}`);
    if (!res.ok) throw Object.assign(new Error(`generate/${weightsFile}: HTTP ${res.status}`), { code: 'E_IO' });
    generator = await ctx.client.call('loadGenerator', {
      sidecar: { name: manifest.sidecar, text: sidecar },
      weights: { name: weightsFile, bytes: new Uint8Array(await res.arrayBuffer()) },
    }, true);
    $('generator-info').textContent = describe(generator);
    const guidance = $<HTMLInputElement>('guidance');
    guidance.value = String(generator.guidance.start);
    guidance.disabled = !generator.guidance.enabled;
    guidance.title = generator.guidance.enabled ? 'classifier-free guidance: 1 plain, 0 ignores the prompt, above 1 follows it harder' : 'this generator was trained without condition dropout: guidance stays 1';
    refreshGeneratePanel();
  } catch (error) {
    setState('error');
    $('generator-info').textContent = 'no generator';
    ctx.onError(error);
  }
}

export function wireGeneratePanel(context: PanelContext): void {
  ctx = context;
  $('prompt').addEventListener('input', showCompletions);
  $('prompt').addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') void sampleGrid($<HTMLInputElement>('prompt').value);
  });
  $('generate-run').addEventListener('click', () => void sampleGrid($<HTMLInputElement>('prompt').value));
}
