import { isVqctError } from '@vqct/core';

/** Exit codes: 0 ok, 1 the user's input or environment (a VqctError, a usage error), 2 a bug. */
export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_BUG = 2;

/** A command-line usage problem found by the CLI itself (commander's errors are mapped here too). */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
}

export interface MappedError {
  exitCode: number;
  /** One line, prefixed "vqct: ". */
  message: string;
}

function oneLine(text: string): string {
  return text.split('\n').map((s) => s.trim()).filter(Boolean).join('; ');
}

/**
 * Maps anything thrown by a command to an exit code and a one-line message:
 * VqctError (stable code) and usage errors -> 1 with their message; anything
 * else is a bug -> 2, with a hint to rerun with VQCT_DEBUG=1 for the stack.
 *
 * @example
 * const { exitCode, message } = mapError(new InputError('empty', { file: 'a.txt' })); // 1, "vqct: a.txt: empty"
 */
export function mapError(e: unknown): MappedError {
  if (isVqctError(e)) return { exitCode: EXIT_USER, message: `vqct: ${oneLine(e.message)} [${e.code}]` };
  if (e instanceof UsageError) return { exitCode: EXIT_USER, message: `vqct: ${oneLine(e.message)}` };
  const msg = e instanceof Error ? e.message : String(e);
  return { exitCode: EXIT_BUG, message: `vqct: internal error: ${oneLine(msg)} (this is a bug; rerun with VQCT_DEBUG=1 for details)` };
}
