import { InputError } from '@vqct/core';

/** An opaque sRGB colour, 0..255 per channel. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const NAMED: Record<string, Rgb> = {
  white: { r: 255, g: 255, b: 255 },
  black: { r: 0, g: 0, b: 0 },
  gray: { r: 128, g: 128, b: 128 },
  grey: { r: 128, g: 128, b: 128 },
};

/** The background transparent images are composited over unless told otherwise. */
export const DEFAULT_BACKGROUND: Readonly<Rgb> = Object.freeze({ ...NAMED.white });

/**
 * Parses a background colour: `white`, `black`, `gray`, `#rgb` or `#rrggbb`.
 * InputError names the value otherwise.
 *
 * @example
 * parseBackground('#ff8800'); // { r: 255, g: 136, b: 0 }
 */
export function parseBackground(value: string | Rgb): Rgb {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (NAMED[v] != null) return { ...NAMED[v] };
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(v);
  if (m == null) throw new InputError(`background must be white, black, gray, #rgb or #rrggbb, got ${JSON.stringify(value)}`);
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return { r: Number.parseInt(hex.slice(0, 2), 16), g: Number.parseInt(hex.slice(2, 4), 16), b: Number.parseInt(hex.slice(4, 6), 16) };
}
