import { UsageError } from '../errors';

/** Parses a non-negative integer option value, naming the option when it is not one. */
export function intOption(name: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) throw new UsageError(`${name} expects a non-negative integer, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}
