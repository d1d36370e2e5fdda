import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonWithDepthLimit } from './json-depth';

describe('JSON depth limit', () => {
  it('measures nesting outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[[[\\"[[["}')).toBe(1);
    expect(jsonDepth('7')).toBe(0);
  });

  it('refuses deep nesting with a FormatError naming the file, before JSON.parse', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(() => parseJsonWithDepthLimit(deep, { file: 'x.json' })).toThrow(FormatError);
    expect(() => parseJsonWithDepthLimit(deep, { file: 'x.json' })).toThrow(`x.json: JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(parseJsonWithDepthLimit('[[1]]', { maxDepth: 2 })).toEqual([[1]]);
    expect(() => parseJsonWithDepthLimit('[[[1]]]', { maxDepth: 2 })).toThrow(/deeper than 2/);
    expect(() => parseJsonWithDepthLimit('{"a":', { file: 'x.json' })).toThrow(SyntaxError);
  });
});
