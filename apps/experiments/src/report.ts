import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './job';
import { chartSvg, COLORS, writePng, type Panel, type Series } from './plots';

export const LABELS: Record<string, string> = {
  vqct: 'VQCT (GCN, word vectors)',
  vq: 'learned VQ',
  ema: 'learned VQ, EMA',
  mlp: 'ablation: MLP, word vectors',
  random: 'ablation: GCN, random features',
};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const f = (x: number | null, d = 2): string => (x == null ? '—' : x.toFixed(d));

/** The main comparison as a Markdown table. */
export function mainTable(rows: RunResult[]): string {
  const head = '| variant | K (adj + noun) | usage adj | usage noun | dead codes (adj / noun) | perplexity adj / noun | PSNR dB | SSIM | perceptual ↓ | FID-like ↓ | train L1 (last 20) | class-name noun recall@1 / @5 |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const h = r.heldOut;
    return `| ${LABELS[r.variant] ?? r.variant} | ${r.kAdj} + ${r.kNoun} | ${pct(h.usage.adjective)} | ${pct(h.usage.noun)} | ${h.dead.adjective} / ${h.dead.noun} | ${f(h.perplexity.adjective, 1)} / ${f(h.perplexity.noun, 1)} | ${f(h.psnr)} | ${f(h.ssim, 3)} | ${f(h.perceptual, 4)} | ${f(h.fidLike, 2)} | ${f(r.finalTrainL1, 4)} | ${recallCell(h.captionRecall)} |`;
  });
  return [head, sep, ...lines].join('\n');
}

/** "0.0% / 12.0% (10.0% / 40.0%)"; — without words or without a class name in the codebook. */
function recallCell(r: RunResult['heldOut']['captionRecall']): string {
  if (r == null || r.noun.images === 0) return '—';
  const at = r.noun.at;
  return `${at.map((a) => pct(a.recall)).join(' / ')} (chance ${at.map((a) => pct(a.chance)).join(' / ')}; same words for all ${at.map((a) => pct(a.frequent ?? 0)).join(' / ')}) over ${r.noun.images}`;
}

/** The sweep as a Markdown table. */
export function sweepTable(rows: RunResult[]): string {
  const head = '| quantizer | K (adj + noun) | steps | usage adj | usage noun | dead codes | perplexity noun | PSNR dB |';
  const sep = '|---|---|---|---|---|---|---|---|';
  const sorted = [...rows].sort((a, b) => a.variant.localeCompare(b.variant) || a.K - b.K);
  return [head, sep, ...sorted.map((r) => `| ${LABELS[r.variant] ?? r.variant} | ${r.kAdj} + ${r.kNoun} | ${r.steps} | ${pct(r.heldOut.usage.adjective)} | ${pct(r.heldOut.usage.noun)} | ${r.heldOut.dead.total} | ${f(r.heldOut.perplexity.noun, 1)} | ${f(r.heldOut.psnr)} |`)].join('\n');
}

/** Writes usage-curves.png, sweep.png and metrics.png (and their .svg sources); returns the file names. */
export async function writePlots(dir: string, main: RunResult[], sweep: RunResult[]): Promise<string[]> {
  const files: string[] = [];
  const save = async (name: string, svg: string): Promise<void> => {
    writeFileSync(join(dir, `${name}.svg`), svg);
    await writePng(svg, join(dir, `${name}.png`));
    files.push(`${name}.png`);
  };
  const series = (pick: (r: RunResult) => Array<[number, number]>, rows: RunResult[]): Series[] =>
    rows.map((r) => ({ name: LABELS[r.variant] ?? r.variant, color: COLORS[r.variant] ?? '#000', dashed: r.variant === 'ema' || r.variant === 'random', points: pick(r) }));
  if (main.length > 0) {
    const adj = series((r) => r.curve.map((p) => [p.step, p.adjective]), main);
    const noun = series((r) => r.curve.map((p) => [p.step, p.noun]), main);
    const panels: Panel[] = [
      { title: 'adjective half', xLabel: 'training step', yLabel: 'held-out codes used (share)', series: adj, yMin: 0, yMax: 1 },
      { title: 'noun half', xLabel: 'training step', yLabel: 'held-out codes used (share)', series: noun, yMin: 0, yMax: 1 },
      { title: 'perplexity, noun half', xLabel: 'training step', yLabel: 'exp(entropy)', series: series((r) => r.curve.map((p) => [p.step, p.perplexityNoun]), main), yMin: 0 },
    ];
    await save('usage-curves', chartSvg(`Codebook usage over training (K = ${main[0].kAdj} + ${main[0].kNoun}, probe of held-out images)`, panels, adj));
    const l1 = series((r) => r.trainL1.map((p) => [p.step, p.l1]), main);
    await save('train-l1', chartSvg('Training L1 reconstruction loss (per batch)', [{ title: 'L1', xLabel: 'training step', yLabel: 'mean |x - x^|', series: l1, yMin: 0 }], l1));
  }
  if (sweep.length > 0) {
    const kinds = [...new Set(sweep.map((r) => r.variant))];
    const by = (v: string): RunResult[] => sweep.filter((r) => r.variant === v).sort((a, b) => a.K - b.K);
    const mk = (pick: (r: RunResult) => number): Series[] => kinds.map((v) => ({ name: LABELS[v] ?? v, color: COLORS[v] ?? '#000', points: by(v).map((r) => [r.K, pick(r)] as [number, number]) }));
    const panels: Panel[] = [
      { title: 'adjective half', xLabel: 'K = K_adj + K_noun (log scale)', yLabel: 'held-out usage', series: mk((r) => r.heldOut.usage.adjective), logX: true, yMin: 0, yMax: 1 },
      { title: 'noun half', xLabel: 'K = K_adj + K_noun (log scale)', yLabel: 'held-out usage', series: mk((r) => r.heldOut.usage.noun), logX: true, yMin: 0, yMax: 1 },
      { title: 'codes used (both halves)', xLabel: 'K = K_adj + K_noun (log scale)', yLabel: 'codes used', series: mk((r) => r.heldOut.used.adjective + r.heldOut.used.noun), logX: true, yMin: 0 },
    ];
    await save('sweep', chartSvg('Codebook usage vs codebook size', panels, mk(() => 0)));
  }
  return files;
}
