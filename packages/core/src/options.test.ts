import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseWithSchema, resolveOrThrow } from './options';

const schema = z.object({ minCount: z.number().int().min(0), format: z.enum(['text', 'jsonl']) }).strict();

describe('option parsing', () => {
  it('returns every problem with its field and value', () => {
    const { value, errors } = parseWithSchema(schema, { minCount: -1, format: 'xml' });
    expect(value).toBeUndefined();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^minCount: .*got -1$/);
    expect(errors[1]).toMatch(/^format: .*got "xml"$/);
  });

  it('throws one ConfigError listing them', () => {
    expect(() => resolveOrThrow(schema, { minCount: 1, format: 'text', extra: 1 }, 'prior options'))
      .toThrow(/invalid prior options:[\s\S]*extra/);
    expect(resolveOrThrow(schema, { minCount: 1, format: 'text' }, 'x')).toEqual({ minCount: 1, format: 'text' });
  });
});
