import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { fractionOption, intOption, nonNegativeListOption, nonNegativeOption, numberOption, probabilityOption, rateOption } from './parse';

describe('option parsers', () => {
  it('accept the values of their range', () => {
    expect(intOption('--n')('12')).toBe(12);
    expect(numberOption('--lr')('2e-4')).toBe(2e-4);
    expect(fractionOption('--dropout')('0')).toBe(0);
    expect(nonNegativeOption('--temperature')('0')).toBe(0);
    expect(nonNegativeOption('--temperature')('1.5')).toBe(1.5);
    expect(probabilityOption('--top-p')('1')).toBe(1);
    expect(probabilityOption('--top-p')('0.9')).toBe(0.9);
    expect(rateOption('--cond-dropout')('0')).toBe(0);
    expect(rateOption('--cond-dropout')('0.1')).toBe(0.1);
    expect(nonNegativeListOption('--guidance')('1,2.5, 4')).toEqual([1, 2.5, 4]);
  });

  it('reject what is outside it with a UsageError naming the option and the value', () => {
    const cases: Array<[(v: string) => number | number[], string, RegExp]> = [
      [intOption('--n'), '1.5', /^--n expects a non-negative integer, got "1.5"$/],
      [numberOption('--lr'), '0', /^--lr expects a positive number, got "0"$/],
      [fractionOption('--dropout'), '1.2', /^--dropout expects a factor in \[0, 1\], got "1.2"$/],
      [nonNegativeOption('--temperature'), 'hot', /^--temperature expects a number >= 0, got "hot"$/],
      [nonNegativeOption('--temperature'), '-1', /^--temperature expects a number >= 0/],
      [nonNegativeOption('--temperature'), '', /^--temperature expects a number >= 0/],
      [probabilityOption('--top-p'), '0', /^--top-p expects a probability in \(0, 1\], got "0"$/],
      [probabilityOption('--top-p'), 'NaN', /^--top-p expects a probability/],
      [rateOption('--cond-dropout'), '1', /^--cond-dropout expects a rate in \[0, 1\), got "1"$/],
      [nonNegativeListOption('--guidance'), '1,,3', /^--guidance expects numbers >= 0, separated by commas, got ""$/],
      [nonNegativeListOption('--guidance'), '2,-1', /^--guidance expects numbers >= 0, separated by commas, got "-1"$/],
    ];
    for (const [parse, value, re] of cases) {
      expect(() => parse(value), value).toThrow(UsageError);
      expect(() => parse(value), value).toThrow(re);
    }
  });
});
