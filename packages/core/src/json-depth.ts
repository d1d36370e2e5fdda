import { FormatError, type VqctErrorOptions } from './errors';

/**
 * How deep JSON that vqct reads may nest. Every vqct file is a few levels deep
 * (a token grid: 5); 64 leaves room and keeps recursive consumers (zod,
 * JSON.stringify replacers, structural compares) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays/objects in JSON text (brackets inside strings ignored). */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * JSON.parse with a nesting limit checked first (a FormatError naming the file).
 * Syntax errors are left to JSON.parse (SyntaxError), so callers keep their messages.
 *
 * @example
 * const doc = parseJsonWithDepthLimit(text, { file: 'tokens.json' });
 */
export function parseJsonWithDepthLimit(text: string, where: VqctErrorOptions & { maxDepth?: number } = {}): unknown {
  const limit = where.maxDepth ?? MAX_JSON_DEPTH;
  const depth = jsonDepth(text, limit);
  if (depth > limit) throw new FormatError(`JSON nests deeper than ${limit} levels`, { file: where.file, line: where.line });
  return JSON.parse(text);
}
