import type { TokenTransformer } from '../model/token-transformer';
import { sampleTokens } from '../sample/sample-tokens';

/** sampleTokens, read back as nested arrays [count][h][w][k+1] and disposed. For tests; not exported. */
export async function drawGrids(model: TokenTransformer, o: Parameters<typeof sampleTokens>[1]): Promise<number[][][][]> {
  const t = await sampleTokens(model, o);
  const out = t.arraySync() as number[][][][];
  t.dispose();
  return out;
}
