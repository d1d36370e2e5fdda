import type { CaptionedBatch, CaptionLexicon, VqModel } from '@vqct/vq';
import { WordCodeScores, addCaptionedImages } from '@vqct/vq';

/**
 * Encodes every captioned image and scores each caption word against the
 * image's `top` most frequent codes per half (`WordCodeScores`). Each batch's
 * images are disposed here.
 */
export async function scoreWords(model: VqModel, batches: AsyncIterable<CaptionedBatch>, lexicon: CaptionLexicon, top: number): Promise<WordCodeScores> {
  const scores = new WordCodeScores(model.config.kAdj, model.config.kNoun, top);
  for await (const b of batches) {
    try {
      const tokens = model.encode(b.images);
      const data = (await tokens.data()) as Int32Array;
      const perPosition = tokens.shape[tokens.shape.length - 1];
      tokens.dispose();
      addCaptionedImages(scores, data, perPosition, b.captions, lexicon);
    } finally {
      b.images.dispose();
    }
  }
  return scores;
}
