import type { EvaluationResult, ImageDataset, VqModel } from '@vqct/vq';
import { evaluateTokenizer } from '@vqct/vq';
import type { Prior } from '@vqct/prior';
import { captionedBatches } from '../captioned-batches';

/** The figures `vqct ground` compares before and after, on held-out images. */
export interface HeldOutFigures {
  psnr: number;
  ssim: number;
  /** Recall@1 and @5 per half with their chance levels (null: no captioned image had a word of the half). */
  noun: { at1: number; at5: number; chance5: number; beyondGuess5: number } | null;
  adjective: { at1: number; at5: number; chance5: number; beyondGuess5: number } | null;
}

function figures(r: EvaluationResult): HeldOutFigures {
  const half = (h: NonNullable<EvaluationResult['captionRecall']>['noun']): HeldOutFigures['noun'] => {
    if (h.images === 0) return null;
    const [a1, a5] = h.at;
    return { at1: a1.recall, at5: a5.recall, chance5: a5.chance, beyondGuess5: a5.distinct.recall };
  };
  return { psnr: r.psnr, ssim: r.ssim, noun: r.captionRecall != null ? half(r.captionRecall.noun) : null, adjective: r.captionRecall != null ? half(r.captionRecall.adjective) : null };
}

/** PSNR, SSIM and caption recall of one model on a captioned dataset. */
export async function heldOutFigures(model: VqModel, ds: ImageDataset, prior: Prior, batchSize: number): Promise<HeldOutFigures> {
  const r = await evaluateTokenizer(model, captionedBatches(ds, batchSize), { kAdj: model.config.kAdj, kNoun: model.config.kNoun, vocabulary: prior });
  return figures(r);
}

/** The text lines comparing two sets of figures. */
export function compareLines(name: string, images: number, before: HeldOutFigures, after: HeldOutFigures): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const half = (label: string, b: HeldOutFigures['noun'], a: HeldOutFigures['noun']): string[] => (b == null || a == null ? [] : [
    `  ${label} recall@5  ${pct(b.at5)} -> ${pct(a.at5)} (chance ${pct(b.chance5)} -> ${pct(a.chance5)}; beyond the most common words ${pct(b.beyondGuess5)} -> ${pct(a.beyondGuess5)}), @1 ${pct(b.at1)} -> ${pct(a.at1)}`,
  ]);
  return [
    `held out (${name}, ${images} images), before -> after:`,
    `  PSNR ${before.psnr.toFixed(2)} -> ${after.psnr.toFixed(2)} dB, SSIM ${before.ssim.toFixed(4)} -> ${after.ssim.toFixed(4)}`,
    ...half('noun', before.noun, after.noun),
    ...half('adjective', before.adjective, after.adjective),
  ];
}
