/**
 * The mean root-mean-square distance between every pair of `count` images of
 * `per` values each (packed one after another): how varied a set of images is.
 * 0 for fewer than two images.
 *
 * @example meanPairwiseDistance(pixels, 20, 32 * 32 * 3); // 0 when all 20 are the same
 */
export function meanPairwiseDistance(pixels: ArrayLike<number>, count: number, per: number, from = 0): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      let d = 0;
      const oa = from + a * per;
      const ob = from + b * per;
      for (let k = 0; k < per; k++) {
        const x = pixels[oa + k] - pixels[ob + k];
        d += x * x;
      }
      sum += Math.sqrt(d / per);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}
