import { UsageError } from '../errors';

/** The formats `vqct export` / `vqct import` speak. */
export const INTEROP_FORMATS = ['torch'] as const;

/** Checks `--format` (only `torch` so far); a UsageError names the flag. */
export function checkInteropFormat(format: string): 'torch' {
  if (format !== 'torch') throw new UsageError(`--format: ${JSON.stringify(format)} is not supported; expected one of ${INTEROP_FORMATS.join(', ')}`);
  return format;
}
