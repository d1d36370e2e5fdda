import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCollapse } from '../src/experiment';
import { parseCollapseArgs } from '../src/options';

// The CI smoke of `pnpm experiment:collapse --quick`: the pipeline (prior,
// real fashion-mnist splits, two variants trained a few dozen steps, held-out
// metrics, JSON, plots) runs end to end. It checks the fields, not the science.
const out = mkdtempSync(join(tmpdir(), 'vqct-collapse-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('collapse experiment, --quick', () => {
  it('rejects bad options with the option name', () => {
    expect(() => parseCollapseArgs(['--variants', 'vqct,nope'])).toThrow(/--variants.*nope/);
    expect(() => parseCollapseArgs(['--steps', 'x'])).toThrow(/--steps/);
    expect(() => parseCollapseArgs(['--sweep', '12'])).toThrow(/--sweep/);
    expect(parseCollapseArgs(['--quick', '--steps', '5']).steps).toBe(5);
  });

  it('trains two variants and writes collapse.json and the plots', async () => {
    const lines: string[] = [];
    const summary = await runCollapse(parseCollapseArgs(['--quick', '--out', out]), ['--quick'], (s) => lines.push(s));
    const json = JSON.parse(readFileSync(join(out, 'collapse.json'), 'utf8'));
    expect(json.main.map((r: { variant: string }) => r.variant)).toEqual(['vqct', 'vq']);
    expect(json.commit).toBeTypeOf('string');
    expect(json.machine.cores).toBeGreaterThan(0);
    for (const r of json.main) {
      const h = r.heldOut;
      expect(r.steps).toBe(24);
      expect(h.images).toBe(20);
      expect(r.K).toBe(r.kAdj + r.kNoun);
      for (const half of ['adjective', 'noun'] as const) {
        expect(h.usage[half]).toBeGreaterThan(0);
        expect(h.usage[half]).toBeLessThanOrEqual(1);
        expect(h.dead[half]).toBe((half === 'adjective' ? r.kAdj : r.kNoun) - h.used[half]);
        expect(h.perplexity[half]).toBeGreaterThanOrEqual(1);
      }
      expect(Number.isFinite(h.psnr) && Number.isFinite(h.ssim) && Number.isFinite(h.perceptual)).toBe(true);
      if (r.variant === 'vqct') {
        const c = h.captionRecall;
        expect(c).not.toBeNull();
        for (const a of [...c.noun.at, ...c.adjective.at]) {
          expect(a.recall).toBeGreaterThanOrEqual(0);
          expect(a.recall).toBeLessThanOrEqual(1);
          expect(a.chance).toBeGreaterThanOrEqual(0);
          expect(a.chance).toBeLessThanOrEqual(1);
        }
      } else expect(h.captionRecall).toBeNull();
      expect(r.curve.length).toBeGreaterThanOrEqual(2);
      expect(r.curve[0].step).toBe(0);
      expect(r.curve.at(-1).step).toBe(24);
    }
    for (const f of summary.plots) {
      const png = readFileSync(join(out, f));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
    expect(summary.plots).toContain('usage-curves.png');
    expect(existsSync(join(out, 'collapse.md'))).toBe(true);
    expect(lines.some((l) => l.includes('[vq] step 24/24'))).toBe(true);

    // --resume reuses finished runs instead of training again.
    const again: string[] = [];
    await runCollapse(parseCollapseArgs(['--quick', '--out', out, '--resume']), [], (s) => again.push(s));
    expect(again.filter((l) => l.includes('done already')).length).toBe(2);
  }, 900_000);
});
