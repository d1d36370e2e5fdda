/**
 * The playground page: wires the DOM to the model worker. All model work happens in the
 * worker (worker/worker.ts); this file keeps the page state and renders it.
 */
import type { ModelFiles, ModelImage, ModelInfo } from './model/engine';
import { assignModelFiles } from './model/files';
import type { Stage, WireError } from './ui/messages';
import { describeError, fallbackNotice, formatMs, toWireError } from './ui/messages';
import type { TokenGrid } from './ui/tokens';
import { changedPatches, nounWord, patchAt, patchLabel, patchWords, withNoun } from './ui/tokens';
import { codeUsage, usageBars } from './ui/usage';
import { $, drawImage, renderBars, renderGrid, renderNearest } from './ui/view';
import { psnr } from './image/prepare';
import { WorkerClient } from './worker/client';
import { captionLine, matchCaption } from './ui/caption';
import { canGenerate, loadBundledGenerator, refreshGeneratePanel, resampleAround, wireGeneratePanel } from './generate-panel';

/** The model of @vqct/models the page opens on (its files are copied into models/ at build time). */
const SHIPPED_MODEL = 'emoji-32';

const BASE = import.meta.env.BASE_URL;
const params = new URLSearchParams(location.search);
const client = new WorkerClient(new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' }));

interface Current {
  input: ModelImage;
  original: Int32Array;
  grid: TokenGrid;
  encodeMs: number;
  decodeMs: number;
  editDecodeMs?: number;
  reconPsnr: number;
  /** The image's own description (samples have one), shown next to the patch words. */
  caption: string | null;
}

interface Sample {
  file: string;
  label: string;
  license: string;
  caption?: string;
}

let info: ModelInfo | null = null;
let current: Current | null = null;
let lastImage: { blob: Blob; caption: string | null } | null = null;
let samples: Sample[] = [];
let selected: number | null = null;

function setStatus(state: 'busy' | 'ready' | 'done' | 'error', text: string): void {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = text;
}

function showError(stage: Stage, error: unknown): void {
  const wire: WireError = (error as { wire?: WireError }).wire ?? toWireError(error, stage === 'image' ? 'E_IMAGE' : 'E_UNKNOWN');
  const { title, body } = describeError(stage, wire);
  $('error-title').textContent = title;
  $('error-body').textContent = body;
  $('error').dataset.code = wire.code;
  $('error').hidden = false;
  setStatus('error', title);
}

function clearError(): void {
  $('error').hidden = true;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw Object.assign(new Error(`${url}: HTTP ${res.status}`), { code: 'E_IO' });
  return new Uint8Array(await res.arrayBuffer());
}

/** Loads a model in the worker (`load`: dropped or demo files; `loadShipped`: a model of @vqct/models). */
async function loadModel(what: string, load: () => Promise<ModelInfo>): Promise<void> {
  clearError();
  setStatus('busy', `loading ${what}…`);
  try {
    info = await load();
  } catch (error) {
    showError('model', error);
    return;
  }
  const step = info.step != null ? `, step ${info.step}` : '';
  const warm = info.warmupMs != null ? ` · first run (GPU program compilation) ${formatMs(info.warmupMs)}` : '';
  const c = info.card;
  const card = c != null ? ` · v${c.version}, held out (${c.heldOut.images} images): PSNR ${c.heldOut.psnr.toFixed(1)} dB, SSIM ${c.heldOut.ssim.toFixed(2)}` : '';
  $('model-info').textContent = `${info.name}: ${info.width}×${info.height}×${info.channels} → ${info.gridH}×${info.gridW} tokens, k=${info.k}, ${info.kAdj} adjectives + ${info.kNoun} nouns${step}${card}${warm}`;
  $('model-info').title = c?.description ?? '';
  $('model-info').dataset.warmupMs = info.warmupMs?.toFixed(1) ?? '';
  $('model-info').dataset.model = info.name;
  setStatus('ready', 'model ready: pick an image');
  refreshGeneratePanel();
  if (lastImage != null) await runImage(lastImage.blob, lastImage.caption);
}

function loadFiles(files: ModelFiles): Promise<void> {
  return loadModel(files.checkpoint.name, () => client.call('load', files, true));
}

function loadShippedModel(): Promise<void> {
  const baseUrl = new URL(`${BASE}models/`, location.href).href;
  return loadModel(SHIPPED_MODEL, () => client.call('loadShipped', { name: SHIPPED_MODEL, baseUrl }));
}

async function loadDemoModel(): Promise<void> {
  let manifest: { checkpoint: string; sidecar: string; prior: string };
  try {
    const res = await fetch(`${BASE}demo/manifest.json`);
    if (!res.ok) throw Object.assign(new Error(`no bundled demo model (demo/manifest.json: HTTP ${res.status}); drop a checkpoint, its sidecar and its prior`), { code: 'E_IO' });
    manifest = await res.json();
    const [checkpoint, sidecar, prior] = await Promise.all([
      fetchBytes(`${BASE}demo/${manifest.checkpoint}`),
      fetchBytes(`${BASE}demo/${manifest.sidecar}`),
      fetchBytes(`${BASE}demo/${manifest.prior}`),
    ]);
    await loadFiles({
      checkpoint: { name: manifest.checkpoint, bytes: checkpoint },
      sidecar: { name: manifest.sidecar, text: new TextDecoder().decode(sidecar) },
      prior: { name: manifest.prior, bytes: prior },
    });
  } catch (error) {
    showError('model', error);
  }
}

async function loadDroppedModel(list: FileList | File[]): Promise<void> {
  try {
    const roles = assignModelFiles(Array.from(list));
    await loadFiles({
      checkpoint: { name: roles.checkpoint.name, bytes: new Uint8Array(await roles.checkpoint.arrayBuffer()) },
      sidecar: { name: roles.sidecar.name, text: await roles.sidecar.text() },
      prior: { name: roles.prior.name, bytes: new Uint8Array(await roles.prior.arrayBuffer()) },
    });
  } catch (error) {
    showError('model', error);
  }
}

function vocab() {
  if (info == null) throw new Error('no model');
  return { words: info.words, kAdj: info.kAdj, kNoun: info.kNoun };
}

function render(recon: ModelImage): void {
  if (current == null || info == null) return;
  const v = vocab();
  drawImage($<HTMLCanvasElement>('input-canvas'), current.input);
  drawImage($<HTMLCanvasElement>('recon-canvas'), recon);
  const edited = new Set(changedPatches({ ...current.grid, tokens: current.original }, current.grid.tokens));
  renderGrid($('token-grid'), current.grid, v, edited);
  $('reset-edits').hidden = edited.size === 0;
  const usage = codeUsage(current.grid, info.kAdj, info.kNoun);
  const bars = usageBars(usage, v, 12);
  renderBars($('hist-adjectives'), bars.adjectives);
  renderBars($('hist-nouns'), bars.nouns);
  $('usage-summary').textContent = `${usage.adjectivesUsed}/${info.kAdj} adjectives, ${usage.nounsUsed}/${info.kNoun} nouns`;
  const edit = current.editDecodeMs != null ? ` · re-decode after edit ${formatMs(current.editDecodeMs)}` : '';
  $('timings').textContent = `encode ${formatMs(current.encodeMs)} · decode ${formatMs(current.decodeMs)}${edit} · PSNR ${current.reconPsnr.toFixed(2)} dB`;
  $('timings').dataset.encodeMs = current.encodeMs.toFixed(3);
  $('timings').dataset.decodeMs = current.decodeMs.toFixed(3);
  $('caption').hidden = current.caption == null;
  $('caption').textContent = current.caption == null ? '' : captionLine(matchCaption(current.caption, current.grid, v));
  $('caption').dataset.caption = current.caption ?? '';
}

async function runImage(blob: Blob, caption: string | null = null): Promise<void> {
  lastImage = { blob, caption };
  if (info == null) return;
  clearError();
  setStatus('busy', 'encoding…');
  try {
    const r = await client.call('run', { blob });
    current = {
      input: r.input,
      original: r.tokens.slice(),
      grid: { tokens: r.tokens, gridH: info.gridH, gridW: info.gridW, k: info.k },
      encodeMs: r.encodeMs,
      decodeMs: r.decodeMs,
      reconPsnr: psnr(r.input, r.reconstruction),
      caption,
    };
    selected = null;
    $('patch-panel').hidden = true;
    render(r.reconstruction);
    setStatus('done', 'done: hover the input for words');
  } catch (error) {
    showError((error as { code?: string }).code === 'E_IMAGE' ? 'image' : 'run', error);
  }
}

async function decodeEdited(tokens: Int32Array): Promise<void> {
  if (current == null) return;
  setStatus('busy', 'decoding the edited tokens…');
  try {
    const r = await client.call('decode', { tokens: tokens.slice() });
    current.grid = { ...current.grid, tokens };
    current.editDecodeMs = r.decodeMs;
    render(r.image);
    if (selected != null) await selectPatch(selected);
    setStatus('done', 'done: edited');
  } catch (error) {
    showError('edit', error);
  }
}

async function selectPatch(patch: number): Promise<void> {
  if (current == null || info == null) return;
  selected = patch;
  const v = vocab();
  const words = patchWords(current.grid, patch);
  for (const el of $('token-grid').querySelectorAll('.selected')) el.classList.remove('selected');
  $('token-grid').children[patch]?.classList.add('selected');
  $('patch-title').textContent = `patch (${words.row}, ${words.col}): ${patchLabel(v, words)}`;
  $('patch-panel').hidden = false;
  const editing = $<HTMLInputElement>('edit-mode').checked;
  const setNoun = (noun: number) => current && void decodeEdited(withNoun(current.grid, patch, noun, info!.kNoun));
  try {
    const nearest = await client.call('nearest', { patch, count: 8 });
    renderNearest($('nearest-adjectives'), $('nearest-nouns'), nearest, editing ? setNoun : undefined);
  } catch (error) {
    showError('run', error);
  }
  $('noun-editor').hidden = !editing;
  $<HTMLButtonElement>('resample').disabled = !canGenerate();
  $('resample').onclick = () => void resamplePatch(patch);
  if (editing) {
    const select = $<HTMLSelectElement>('noun-select');
    select.replaceChildren(
      ...Array.from({ length: info.kNoun }, (_, n) => new Option(nounWord(v, n), String(n), false, n === words.noun)),
    );
    select.onchange = () => setNoun(Number(select.value));
  }
}

/** Edit mode: the generator draws the 3x3 patches around `patch` again; the rest stays. */
async function resamplePatch(patch: number): Promise<void> {
  if (current == null || info == null) return;
  setStatus('busy', 're-sampling around the patch…');
  const words = current.caption == null ? [] : matchCaption(current.caption, current.grid, vocab()).known;
  const r = await resampleAround(current.grid, patch, words);
  if (r == null || current == null) return;
  current.grid = { ...current.grid, tokens: r.tokens };
  current.editDecodeMs = r.decodeMs;
  render(r.image);
  await selectPatch(patch);
  setStatus('done', 'done: re-sampled around the patch');
}

function dropZone(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: FileList) => void): void {
  input.addEventListener('change', () => input.files && input.files.length > 0 && onFiles(input.files));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files.length) onFiles(e.dataTransfer.files);
  });
}

async function runSample(file: string): Promise<void> {
  try {
    const res = await fetch(`${BASE}samples/${file}`);
    if (!res.ok) throw Object.assign(new Error(`samples/${file}: HTTP ${res.status}`), { code: 'E_IMAGE' });
    await runImage(await res.blob(), samples.find((s) => s.file === file)?.caption ?? null);
  } catch (error) {
    showError('image', error);
  }
}

/** The held-out emoji (samples/emoji.json, made at build time) first, then fashion-mnist and the photos. */
async function showSamples(): Promise<void> {
  const lists = await Promise.all(['emoji.json', 'samples.json'].map(async (f) => {
    const res = await fetch(`${BASE}samples/${f}`);
    return res.ok ? ((await res.json()) as Sample[]) : [];
  }));
  samples = lists.flat();
  $('samples').replaceChildren(
    ...samples.map((s) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.title = `${s.label} — ${s.license}`;
      b.dataset.sample = s.file;
      const img = document.createElement('img');
      img.src = `${BASE}samples/${s.file}`;
      img.alt = s.label;
      b.append(img);
      b.addEventListener('click', () => void runSample(s.file));
      return b;
    }),
  );
}

function wire(): void {
  dropZone($('model-drop'), $<HTMLInputElement>('model-files'), (files) => void loadDroppedModel(files));
  dropZone($('image-drop'), $<HTMLInputElement>('image-file'), (files) => void runImage(files[0]));
  $('demo-model').addEventListener('click', () => void loadDemoModel());
  $('shipped-model').addEventListener('click', () => void loadShippedModel());
  wireGeneratePanel({ client, base: BASE, model: () => info, onError: (e) => showError('generate', e) });
  $('reset-edits').addEventListener('click', () => current && void decodeEdited(current.original.slice()));
  const grid = $('token-grid');
  grid.addEventListener('pointermove', (e) => {
    if (current == null || info == null) return;
    const box = grid.getBoundingClientRect();
    const p = patchAt(current.grid, e.clientX - box.left, e.clientY - box.top, box.width, box.height);
    $('hover-label').textContent = p == null ? '\u00a0' : patchLabel(vocab(), patchWords(current.grid, p));
  });
  grid.addEventListener('click', (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-patch]');
    if (cell) void selectPatch(Number(cell.dataset.patch));
  });
  $('edit-mode').addEventListener('change', () => selected != null && void selectPatch(selected));
}

async function start(): Promise<void> {
  wire();
  const listed = showSamples();
  setStatus('busy', 'starting the backend…');
  try {
    const backend = await client.call('init', { prefer: params.get('backend') ?? undefined });
    $('backend').textContent = backend.name;
    $('backend').title = backend.line ?? '';
    const notice = fallbackNotice(backend);
    $('backend-notice').hidden = notice == null;
    $('backend-notice').textContent = notice ?? '';
  } catch (error) {
    showError('backend', error);
    return;
  }
  await loadShippedModel();
  await loadBundledGenerator();
  await listed;
  const sample = params.get('sample');
  if (sample != null && info != null) await runSample(sample);
}

void start();
