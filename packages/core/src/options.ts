import type { z } from 'zod';
import { ConfigError } from './errors';

export interface ParseResult<T> {
  value?: T;
  /** One line per problem: which field, which value, what was expected. */
  errors: string[];
}

function show(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

function at(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = input;
  for (const k of path) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/**
 * Validates `input` against a zod schema and returns `{ value, errors }`;
 * the caller decides whether to throw (see `resolveOrThrow`).
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { value: r.data, errors: [] };
  const errors = r.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    const got = issue.code === 'unrecognized_keys' ? '' : `, got ${show(at(input, issue.path))}`;
    return `${field}: ${issue.message}${got}`;
  });
  return { errors };
}

/** `parseWithSchema`, throwing one ConfigError that lists every problem. */
export function resolveOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, file?: string): z.output<S> {
  const { value, errors } = parseWithSchema(schema, input);
  if (errors.length > 0) {
    throw new ConfigError(`invalid ${what}:\n  ${errors.join('\n  ')}`, { file });
  }
  return value as z.output<S>;
}
