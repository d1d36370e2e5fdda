import { UsageError } from '../errors';

/** Parses a non-negative integer option value, naming the option when it is not one. */
export function intOption(name: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) throw new UsageError(`${name} expects a non-negative integer, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** A parser for a number option: `ok` says which values are allowed, `expected` names them in the error. */
function checkedNumber(name: string, expected: string, ok: (v: number) => boolean): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !ok(v)) throw new UsageError(`${name} expects ${expected}, got ${JSON.stringify(value)}`);
    return v;
  };
}

/** Parses a positive number option value, naming the option when it is not one. */
export function numberOption(name: string): (value: string) => number {
  return checkedNumber(name, 'a positive number', (v) => Number.isFinite(v) && v > 0);
}

/** Parses a number in [0, 1] (a factor), naming the option when it is not one. */
export function fractionOption(name: string): (value: string) => number {
  return checkedNumber(name, 'a factor in [0, 1]', (v) => v >= 0 && v <= 1);
}

/** Parses a number >= 0 (a temperature, where 0 means greedy), naming the option when it is not one. */
export function nonNegativeOption(name: string): (value: string) => number {
  return checkedNumber(name, 'a number >= 0', (v) => Number.isFinite(v) && v >= 0);
}

/** Parses a probability in (0, 1] (a top-p mass), naming the option when it is not one. */
export function probabilityOption(name: string): (value: string) => number {
  return checkedNumber(name, 'a probability in (0, 1]', (v) => v > 0 && v <= 1);
}

/** Parses a rate in [0, 1) (a dropout that must leave something), naming the option when it is not one. */
export function rateOption(name: string): (value: string) => number {
  return checkedNumber(name, 'a rate in [0, 1)', (v) => v >= 0 && v < 1);
}

/** Parses a comma-separated list of numbers >= 0 (guidance scales to compare), naming the option when one is not. */
export function nonNegativeListOption(name: string): (value: string) => number[] {
  const one = checkedNumber(name, 'numbers >= 0, separated by commas', (v) => Number.isFinite(v) && v >= 0);
  return (value: string) => value.split(',').map((part) => one(part));
}
