import type { RawImage } from '../io/images';
import { columnOf, rowOf, toRawImage } from '../io/images';

/** n images [n, h, w, c] in [-1, 1] as one grid image, `columns` wide (default ~sqrt(n)); empty cells white. */
export function gridImage(pixels: ArrayLike<number>, n: number, h: number, w: number, c: number, columns = Math.ceil(Math.sqrt(n))): RawImage {
  const per = h * w * c;
  const images = Array.from({ length: n }, (_, i) => toRawImage(Array.prototype.slice.call(pixels, i * per, (i + 1) * per) as number[], h, w, c));
  const blank: RawImage = { width: w, height: h, channels: c, data: new Uint8Array(per).fill(255) };
  const rows: RawImage[] = [];
  for (let r = 0; r * columns < n; r++) rows.push(rowOf(Array.from({ length: columns }, (_, j) => images[r * columns + j] ?? blank)));
  return columnOf(rows);
}
