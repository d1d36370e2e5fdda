import sharp from 'sharp';

export interface Series {
  name: string;
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  yMin?: number;
  yMax?: number;
}

export const COLORS: Record<string, string> = {
  vqct: '#d62728', vq: '#1f77b4', ema: '#2ca02c', mlp: '#ff7f0e', random: '#9467bd',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / n));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= n) ?? span / n;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) out.push(Number(v.toFixed(10)));
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** One line chart as an SVG group at (ox, oy) of size w x h. */
function panelSvg(p: Panel, ox: number, oy: number, w: number, h: number): string {
  const m = { l: 58, r: 12, t: 28, b: 44 };
  const all = p.series.flatMap((s) => s.points);
  const tx = (x: number): number => (p.logX ? Math.log2(x) : x);
  const xs = all.map(([x]) => tx(x));
  const ys = all.map(([, y]) => y);
  const x0 = Math.min(...xs, Infinity), x1 = Math.max(...xs, -Infinity);
  const y0 = p.yMin ?? Math.min(...ys), y1 = p.yMax ?? Math.max(...ys);
  const sx = (x: number): number => ox + m.l + ((tx(x) - x0) / (x1 - x0 || 1)) * (w - m.l - m.r);
  const sy = (y: number): number => oy + h - m.b - ((y - y0) / (y1 - y0 || 1)) * (h - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<text x="${ox + w / 2}" y="${oy + 18}" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  const yt = ticks(y0, y1, 5);
  for (const v of yt) {
    parts.push(`<line x1="${ox + m.l}" x2="${ox + w - m.r}" y1="${sy(v)}" y2="${sy(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${ox + m.l - 6}" y="${sy(v) + 4}" text-anchor="end" font-size="11">${fmt(v)}</text>`);
  }
  const xt = p.logX ? [...new Set(all.map(([x]) => x))].sort((a, b) => a - b) : ticks(x0, x1, 6);
  for (const v of xt) {
    parts.push(`<line x1="${sx(v)}" x2="${sx(v)}" y1="${oy + h - m.b}" y2="${oy + h - m.b + 4}" stroke="#333"/>`);
    parts.push(`<text x="${sx(v)}" y="${oy + h - m.b + 16}" text-anchor="middle" font-size="11">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${ox + m.l}" y="${oy + m.t}" width="${w - m.l - m.r}" height="${h - m.t - m.b}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${ox + (w + m.l) / 2}" y="${oy + h - 8}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  parts.push(`<text transform="translate(${ox + 14},${oy + (h + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`);
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
  }
  return parts.join('\n');
}

/** Panels side by side with one shared legend underneath; returns the SVG text. */
export function chartSvg(title: string, panels: Panel[], legend: Series[]): string {
  const pw = 420, ph = 300, top = 30, legendH = 28;
  const width = pw * panels.length;
  const height = top + ph + legendH;
  const body = panels.map((p, i) => panelSvg(p, i * pw, top, pw, ph)).join('\n');
  const items = legend.map((s, i) => {
    const x = 20 + i * 260;
    return `<line x1="${x}" x2="${x + 24}" y1="${top + ph + 14}" y2="${top + ph + 14}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/><text x="${x + 30}" y="${top + ph + 18}" font-size="12">${esc(s.name)}</text>`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${esc(title)}</text>
${body}
${items}
</svg>
`;
}

/** Renders an SVG to PNG with sharp. */
export async function writePng(svg: string, file: string): Promise<void> {
  await sharp(Buffer.from(svg), { density: 96 }).png().toFile(file);
}
