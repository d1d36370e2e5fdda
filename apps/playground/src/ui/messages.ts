/**
 * What the page says when something goes wrong or falls back. Errors cross the worker
 * boundary as plain `{ code, message }` (VqctError codes survive structured clone that
 * way); the page maps codes to a sentence a user can act on.
 */

export interface WireError {
  /** A VqctError code (E_CHECKPOINT, E_FORMAT, ...), or E_IMAGE / E_WORKER / E_UNKNOWN from the playground. */
  code: string;
  message: string;
}

/** Anything thrown, as something that can be posted between threads. */
export function toWireError(error: unknown, fallbackCode = 'E_UNKNOWN'): WireError {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === 'string' && code.startsWith('E_') ? code : fallbackCode, message: error.message };
  }
  return { code: fallbackCode, message: String(error) };
}

export type Stage = 'backend' | 'model' | 'image' | 'run' | 'edit' | 'generate';

const TITLES: Record<Stage, string> = {
  backend: 'No TensorFlow.js backend could start',
  model: 'This model could not be loaded',
  image: 'This image could not be read',
  run: 'Running the model failed',
  edit: 'Re-decoding the edited tokens failed',
  generate: 'Generating failed',
};

const HINTS: Record<string, string> = {
  E_CHECKPOINT: 'The checkpoint is truncated, corrupt, or was trained with another prior. Drop the .safetensors checkpoint, its .json sidecar and the prior it was trained with.',
  E_FORMAT: 'A file is not in the format it claims (safetensors or JSON). Was it fully downloaded?',
  E_SHAPE: 'A tensor has an unexpected shape: the checkpoint and its sidecar do not match.',
  E_CONFIG: 'The sidecar describes a model configuration this version cannot build.',
  E_MISMATCH: 'The checkpoint was trained with a different prior than the one given.',
  E_IMAGE: 'The browser could not decode it. Use a PNG, JPEG, GIF, WebP or BMP image.',
  E_BACKEND: 'Try another browser, or enable WebGPU or WebGL.',
  E_FILES: 'A model is three files: <name>.safetensors, <name>.json and the prior (.safetensors).',
};

/** A title and a body for an error box. */
export function describeError(stage: Stage, error: WireError): { title: string; body: string } {
  const hint = HINTS[error.code];
  return { title: TITLES[stage], body: hint ? `${error.message}\n${hint}` : error.message };
}

/** What @vqct/backend-web reports about the backend it picked. */
export interface BackendReport {
  /** 'webgpu' | 'webgl' | 'wasm' | 'cpu'. */
  name: string;
  /** Backends tried before it, and why each was passed over. */
  skipped: Array<{ name: string; reason: string } | string>;
  /** One line for a status bar. */
  line?: string;
}

/** null when WebGPU runs; otherwise the sentence that says what runs instead, and why. */
export function fallbackNotice(report: BackendReport): string | null {
  if (report.name === 'webgpu') return null;
  const webgpu = report.skipped.find((s) => (typeof s === 'string' ? s.startsWith('webgpu') : s.name === 'webgpu'));
  // Nothing skipped: the backend was asked for (`?backend=`), WebGPU was not tried.
  if (webgpu == null && report.skipped.length === 0) return `Running on ${report.name}, as asked (?backend=${report.name}); WebGPU was not tried.`;
  const why = webgpu == null ? 'not tried' : typeof webgpu === 'string' ? webgpu.replace(/^webgpu:?\s*/, '') : webgpu.reason;
  return `WebGPU is not available in this browser (${why || 'no adapter'}); running on ${report.name} instead, which is slower.`;
}

/** "12.3 ms" / "1.24 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
