import { esc, label, svgDocument, ticks } from './svg';

/** Code counts of one half of the codebook, with the words when the codebook has them. */
export interface HalfCounts {
  name: string;
  counts: ArrayLike<number>;
  words?: string[];
}

function panel(h: HalfCounts, x: number, y: number, w: number, ph: number, color: string): string {
  const counts = Array.from(h.counts);
  const k = counts.length;
  const used = counts.filter((c) => c > 0).length;
  const max = Math.max(1, ...counts);
  const parts: string[] = [];
  const bw = w / Math.max(k, 1);
  parts.push(`<text x="${x}" y="${y - 6}" font-size="12">${esc(`${h.name}: ${used} of ${k} codes used (${((100 * used) / Math.max(k, 1)).toFixed(1)}%)`)}</text>`);
  parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${ph}" fill="#fafafa" stroke="#333"/>`);
  for (const t of ticks(0, max, 3)) {
    const ty = y + ph - (t / max) * ph;
    parts.push(`<text x="${x - 5}" y="${ty + 4}" text-anchor="end" font-size="10">${label(t)}</text>`);
  }
  counts.forEach((c, i) => {
    if (c <= 0) return;
    const bh = (c / max) * ph;
    parts.push(`<rect x="${(x + i * bw).toFixed(2)}" y="${(y + ph - bh).toFixed(2)}" width="${Math.max(bw, 0.6).toFixed(2)}" height="${bh.toFixed(2)}" fill="${color}"/>`);
  });
  // Name the five most used codes under the panel when words are known.
  if (h.words != null) {
    const top = counts.map((c, i) => [c, i] as const).filter(([c]) => c > 0).sort((a, b) => b[0] - a[0]).slice(0, 5);
    const text = top.map(([c, i]) => `${h.words?.[i] ?? i} (${c})`).join(', ');
    parts.push(`<text x="${x}" y="${y + ph + 15}" font-size="11" fill="#444">${esc(`most used: ${text}`)}</text>`);
  }
  return parts.join('\n');
}

/**
 * The code-usage histogram: one panel per half (adjectives, nouns), one bar
 * per code (x: code index, y: how often it was picked), as SVG.
 *
 * @example
 * const svg = usageHistogramSvg([{ name: 'adjectives', counts }, { name: 'nouns', counts: nounCounts }], 'code usage');
 */
export function usageHistogramSvg(halves: HalfCounts[], title: string, width = 720): string {
  const panelH = 130;
  const gap = 62;
  const left = 56;
  const height = 40 + halves.length * (panelH + gap);
  const colors = ['#d62728', '#1f77b4'];
  const body = halves.map((h, i) => panel(h, left, 56 + i * (panelH + gap), width - left - 20, panelH, colors[i % 2])).join('\n');
  return svgDocument(width, height, title, body);
}
