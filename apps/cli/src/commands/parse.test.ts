import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { fractionOption, intOption, nonNegativeOption, numberOption, probabilityOption } from './parse';

describe('option parsers', () => {
  it('accept the values of their range', () => {
    expect(intOption('--n')('12')).toBe(12);
    expect(numberOption('--lr')('2e-4')).toBe(2e-4);
    expect(fractionOption('--dropout')('0')).toBe(0);
    expect(nonNegativeOption('--temperature')('0')).toBe(0);
    expect(nonNegativeOption('--temperature')('1.5')).toBe(1.5);
    expect(probabilityOption('--top-p')('1')).toBe(1);
    expect(probabilityOption('--top-p')('0.9')).toBe(0.9);
  });

  it('reject what is outside it with a UsageError naming the option and the value', () => {
    const cases: Array<[(v: string) => number, string, RegExp]> = [
      [intOption('--n'), '1.5', /^--n expects a non-negative integer, got "1.5"$/],
      [numberOption('--lr'), '0', /^--lr expects a positive number, got "0"$/],
      [fractionOption('--dropout'), '1.2', /^--dropout expects a factor in \[0, 1\], got "1.2"$/],
      [nonNegativeOption('--temperature'), 'hot', /^--temperature expects a number >= 0, got "hot"$/],
      [nonNegativeOption('--temperature'), '-1', /^--temperature expects a number >= 0/],
      [nonNegativeOption('--temperature'), '', /^--temperature expects a number >= 0/],
      [probabilityOption('--top-p'), '0', /^--top-p expects a probability in \(0, 1\], got "0"$/],
      [probabilityOption('--top-p'), 'NaN', /^--top-p expects a probability/],
    ];
    for (const [parse, value, re] of cases) {
      expect(() => parse(value), value).toThrow(UsageError);
      expect(() => parse(value), value).toThrow(re);
    }
  });
});
