/**
 * The vqct error family. Every error a user can cause carries a stable `code`
 * (apps map codes to messages and exit codes) and, where one is involved, the
 * file and line it is about.
 *
 * @example
 * try { decodeSafetensors(bytes, { source: 'prior.safetensors' }); }
 * catch (e) { if (isVqctError(e) && e.code === 'E_FORMAT') console.error(e.message); }
 */
export type VqctErrorCode =
  | 'E_CONFIG'
  | 'E_INPUT'
  | 'E_FORMAT'
  | 'E_SHAPE'
  | 'E_IO'
  | 'E_BACKEND'
  | 'E_NUMERIC'
  | 'E_CHECKPOINT'
  | 'E_MISMATCH';

export interface VqctErrorOptions {
  /** The file the error is about, as the user named it. */
  file?: string;
  /** 1-based line (or record) number inside `file`. */
  line?: number;
  cause?: unknown;
}

function locate(message: string, { file, line }: VqctErrorOptions): string {
  if (file == null) return message;
  return `${file}${line != null ? `:${line}` : ''}: ${message}`;
}

export class VqctError extends Error {
  readonly code: VqctErrorCode;
  readonly file?: string;
  readonly line?: number;

  constructor(code: VqctErrorCode, message: string, options: VqctErrorOptions = {}) {
    super(locate(message, options), options.cause != null ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.line = options.line;
  }
}

/** A configuration or option value is wrong (which field, which value, what was expected). */
export class ConfigError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_CONFIG', message, options);
  }
}

/** User-supplied data (a corpus, an image, a vectors file) cannot be used. */
export class InputError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_INPUT', message, options);
  }
}

/** A file is not in the format it claims (safetensors header, JSON sidecar, ...). */
export class FormatError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_FORMAT', message, options);
  }
}

/** A tensor or array has the wrong shape, dtype or size. */
export class ShapeError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_SHAPE', message, options);
  }
}

/** Reading or writing a file failed. */
export class IoError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_IO', message, options);
  }
}

/** A backend could not be loaded or lacks something required. */
export class BackendError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_BACKEND', message, options);
  }
}

/** A computation produced NaN/Inf or otherwise cannot go on. */
export class NumericError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_NUMERIC', message, options);
  }
}

/** A checkpoint is truncated, corrupt, or does not belong to this model/prior. */
export class CheckpointError extends VqctError {
  constructor(message: string, options?: VqctErrorOptions) {
    super('E_CHECKPOINT', message, options);
  }
}

export function isVqctError(value: unknown): value is VqctError {
  // Duck-typed too: two copies of @vqct/core in one process must still agree.
  if (value instanceof VqctError) return true;
  const code = value instanceof Error ? (value as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('E_');
}

/** tfjs-style lazy assertion: the message is built only when the check fails. */
export function check(
  condition: unknown,
  message: () => string,
  ErrorClass: new (message: string, options?: VqctErrorOptions) => VqctError = ShapeError,
  options?: VqctErrorOptions,
): asserts condition {
  if (!condition) throw new ErrorClass(message(), options);
}
