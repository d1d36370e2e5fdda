import type { Prior } from '@vqct/prior';
import { svgToPng } from '../io/images';
import { lossCurveSvg, smooth, type Series } from '../plots/loss-curve';
import { usageHistogramSvg } from '../plots/usage-histogram';
import type { RunDir } from '../run-dir';
import type { CodeCounts } from './codes';

const LOSS_KEYS = ['total', 'l1', 'codebook', 'perceptual', 'gan', 'disc'];

/** Writes plots/loss.svg + .png from metrics.jsonl; returns the files written. */
export async function writeLossPlot(run: RunDir): Promise<string[]> {
  const records = run.readMetrics();
  const window = Math.max(1, Math.round(records.length / 50));
  const series: Series[] = [];
  for (const key of LOSS_KEYS) {
    const points = records.filter((r) => typeof r[key] === 'number').map((r) => [r.step, r[key] as number] as [number, number]);
    if (points.length > 0) series.push({ name: window > 1 ? `${key} (avg ${window})` : key, points: smooth(points, window) });
  }
  const svg = lossCurveSvg(series, `training loss (${records.length} steps)`);
  run.write('plots/loss.svg', svg);
  run.write('plots/loss.png', await svgToPng(svg));
  return [run.file('plots/loss.svg'), run.file('plots/loss.png')];
}

/** Writes plots/usage.svg + .png from code counts; words from the prior when there is one. */
export async function writeUsagePlot(run: RunDir, counts: CodeCounts, prior: Prior | null, dir = 'plots'): Promise<string[]> {
  const halves = [
    ...(counts.adjective.length > 0 ? [{ name: 'adjective codes', counts: counts.adjective, words: prior?.words.slice(0, prior.kAdj) }] : []),
    { name: counts.adjective.length > 0 ? 'noun codes' : 'codes', counts: counts.noun, words: prior?.words.slice(prior.kAdj) },
  ];
  const svg = usageHistogramSvg(halves, `code usage over ${counts.images} images`);
  run.write(`${dir}/usage.svg`, svg);
  run.write(`${dir}/usage.png`, await svgToPng(svg));
  return [run.file(`${dir}/usage.svg`), run.file(`${dir}/usage.png`)];
}
