import { UsageError } from '../errors';

/** Parses a non-negative integer option value, naming the option when it is not one. */
export function intOption(name: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) throw new UsageError(`${name} expects a non-negative integer, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** Parses a positive number option value, naming the option when it is not one. */
export function numberOption(name: string): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`${name} expects a positive number, got ${JSON.stringify(value)}`);
    return v;
  };
}

/** Parses a number in [0, 1] (a factor), naming the option when it is not one. */
export function fractionOption(name: string): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !(v >= 0 && v <= 1)) throw new UsageError(`${name} expects a factor in [0, 1], got ${JSON.stringify(value)}`);
    return v;
  };
}

/** Parses a number >= 0 (a temperature, where 0 means greedy), naming the option when it is not one. */
export function nonNegativeOption(name: string): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v < 0) throw new UsageError(`${name} expects a number >= 0, got ${JSON.stringify(value)}`);
    return v;
  };
}

/** Parses a probability in (0, 1] (a top-p mass), naming the option when it is not one. */
export function probabilityOption(name: string): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !(v > 0 && v <= 1)) throw new UsageError(`${name} expects a probability in (0, 1], got ${JSON.stringify(value)}`);
    return v;
  };
}
