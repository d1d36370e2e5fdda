import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFiles } from '../checkpoint';
import { runCli, tempDir } from '../testing/run-cli';

const dir = tempDir('vqct-ground-');

// Issue 17: `vqct ground` gives caption words the codes their images use.
describe('vqct ground', { timeout: 600_000 }, () => {
  it('moves the words of the shipped emoji-32 onto the codes their images use, keeping the model', async () => {
    const r = await runCli(['ground', '-c', 'emoji-32', '--data', 'emoji', '--limit', '600', '--top', '3', '-o', 'g', '--json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.images.noun).toBeGreaterThan(0);
    // The assignment is the best one, so never below the checkpoint's own words (the shipped
    // model is grounded already, so the two may be close; docs/RESULTS.md has the ungrounded 3.2.0).
    expect(res.score.noun.grounded).toBeGreaterThanOrEqual(res.score.noun.identity);
    expect(res.score.adjective.grounded).toBeGreaterThanOrEqual(res.score.adjective.identity);
    expect(res.fit).toMatchObject({ hiddenDim: 1024, steps: 2000, seed: 1 });
    expect(res.fit.ownNearest).toBeGreaterThan(0);
    // Held out: the words describe the images (issue 17's bar: noun recall@5 at 5x chance), at the same reconstruction.
    // (The default fit: a narrow, short one (hidden 256, 300 steps) reaches 3x on emoji-32 5.0.0, whose codes follow the captions less than 4.0.0's.)
    const { before, after } = res.heldOut;
    expect(after.noun.at5).toBeGreaterThan(5 * after.noun.chance5);
    expect(after.noun.chance5).toBeCloseTo(before.noun.chance5, 2);
    expect(Math.abs(after.psnr - before.psnr)).toBeLessThan(0.5);

    // The written checkpoint: the model's weights unchanged, a new (wider) transfer net, the record.
    const shipped = readCheckpointFiles('emoji-32');
    const grounded = readCheckpointFiles(join(dir, 'g'));
    const names = Object.keys(shipped.tensors).filter((n) => n.startsWith('model.'));
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(Buffer.from(grounded.tensors[n].data.buffer).equals(Buffer.from(shipped.tensors[n].data.buffer))).toBe(true);
    expect(grounded.tensors['transfer.gcn.0.weight'].shape).toEqual([shipped.prior!.dim, 1024]);
    const side = grounded.settings as Record<string, never>;
    expect(side.grounding).toMatchObject({ top: 3, fit: { hiddenDim: 1024 } });
    // The checkpoint it grounded, named portably (no folder of this machine) and exactly (sha256).
    const version = JSON.parse(readFileSync(join(dirname(shipped.sidecarFile), 'card.json'), 'utf8')).version;
    expect(side.grounding).toMatchObject({ from: { checkpoint: `@vqct/models emoji-32 ${version}`, weightsSha256: shipped.sidecar.weightsSha256 } });
    expect(side.transfer).toMatchObject({ hiddenDim: 1024, seed: 1 });

    // Other commands load it.
    const apple = join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-google/package.json')), 'img', 'google', '64', '1f34e.png');
    const t = await runCli(['tokens', apple, '-c', 'g', '-o', 'apple.png', '--json'], dir);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout).caption).toBe('red apple');
  });

  it('vqct eval --word-table labels the codes with the best word table, for any checkpoint', async () => {
    const common = ['eval', '-c', 'emoji-32', '--data', 'emoji:heldout', '--limit', '120', '--no-perceptual', '--fid', 'none', '--json'];
    const plain = await runCli(common, dir);
    const table = await runCli([...common, '--word-table'], dir);
    expect(table.stderr).not.toMatch(/internal error/);
    expect(table.code).toBe(0);
    const [p, t] = [JSON.parse(plain.stdout), JSON.parse(table.stdout)];
    expect(t.wordTable).toBe(true);
    expect(t.psnr).toBe(p.psnr); // the reconstructions are the model's own
    const at5 = (r: { captionRecall: { noun: { at: Array<{ recall: number; chance: number }> } } }) => r.captionRecall.noun.at[1];
    expect(at5(t).chance).toBeCloseTo(at5(p).chance, 12); // same token counts, only the words move
    expect(at5(t).recall).toBeGreaterThan(5 * at5(t).chance);
    const bad = await runCli(['eval', '-c', 'emoji-32', '--data', 'fashion-mnist', '--limit', '10', '--no-perceptual', '--fid', 'none', '--word-table'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--word-table needs captioned emoji data .*--data fashion-mnist is not emoji/);
  });

  it('refuses data without captions, a used folder and a bad --top, writing nothing', async () => {
    const noCaptions = await runCli(['ground', '-c', 'emoji-32', '--data', 'fashion-mnist', '--limit', '20', '-o', 'none'], dir);
    expect(noCaptions.code).toBe(1);
    expect(noCaptions.stderr).toMatch(/--data fashion-mnist has no captions; grounding needs captioned images \(emoji\)/);
    expect(existsSync(join(dir, 'none', 'last.json'))).toBe(false);
    const used = await runCli(['ground', '-c', 'emoji-32', '--limit', '20', '-o', 'g'], dir);
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/already holds a checkpoint \(last\.json\); pass --force/);
    const top = await runCli(['ground', '-c', 'emoji-32', '--top', '0', '-o', 'top'], dir);
    expect(top.code).toBe(1);
    expect(top.stderr).toMatch(/--top must be at least 1, got 0/);
    expect(readFileSync(join(dir, 'g', 'last.json'), 'utf8')).toMatch(/"grounding"/);
  });
});
