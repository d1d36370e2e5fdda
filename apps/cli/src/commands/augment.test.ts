import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFiles } from '../checkpoint';
import { runCli, tempDir } from '../testing/run-cli';

const dir = tempDir('vqct-augment-');

// Issue 19: training on variants of the emoji (--augment), from the shipped, grounded model.
describe('vqct train --augment, from a grounded model', { timeout: 600_000 }, () => {
  it('trains on the variants, records them for --resume, and keeps a grounded codebook fixed', async () => {
    const common = ['train', '--preset', 'emoji-32', '--init', 'emoji-32', '--data', 'emoji', '--limit', '8', '--no-perceptual', '--batch-size', '4', '--sample-every', '0', '--checkpoint-every', '0'];
    const r = await runCli([...common, '--augment', 'flip,shift:1', '--steps', '2', '--out', 'aug'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data: emoji.*\+flip,shift:1, 144 images of 32x32x3 \(18 variants of each of 8\)/);
    expect(r.stderr).toMatch(/the codebook of .*emoji-32\.json was fitted by vqct ground, so it stays as it is: --transfer-dropout 0, --transfer-lr-scale 0 \(set them to train it\); run vqct ground on the result/);
    const runJson = JSON.parse(readFileSync(join(dir, 'aug', 'run.json'), 'utf8'));
    expect(runJson.data.augment).toEqual({ flip: true, shift: 1, channels: false });
    expect(runJson.transfer.dropout).toBe(0);
    expect(runJson.train.codebookLearningRateScale).toBe(0);
    // The codebook's origin is recorded, not the words' grounding (it was for the shipped model's encoder).
    const shippedFiles = readCheckpointFiles('emoji-32');
    // Recorded portably: the shipped model by name and version, no folder of this machine.
    const version = JSON.parse(readFileSync(join(dirname(shippedFiles.sidecarFile), 'card.json'), 'utf8')).version;
    const shippedLabel = `@vqct/models emoji-32 ${version}`;
    expect(runJson.fixedCodebook).toEqual({ from: shippedLabel });
    expect(runJson.init).toEqual({ checkpoint: shippedLabel, step: shippedFiles.sidecar.step, weightsSha256: shippedFiles.sidecar.weightsSha256 });
    expect(runJson.grounding).toBeUndefined();

    // The codebook's weights are the shipped ones, bit for bit; the encoder moved.
    const shipped = shippedFiles.tensors;
    const trained = readCheckpointFiles(join(dir, 'aug')).tensors;
    const names = Object.keys(shipped).filter((n) => n.startsWith('transfer.'));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(Array.from(trained[n].data as Float32Array)).toEqual(Array.from(shipped[n].data as Float32Array));
    expect(Array.from(trained['model.encoder.conv_in.kernel'].data as Float32Array)).not.toEqual(Array.from(shipped['model.encoder.conv_in.kernel'].data as Float32Array));

    const resumed = await runCli(['train', '--out', 'aug', '--resume', '--steps', '3', '--augment', 'channels'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/recorded settings; ignoring .*--augment/);
    expect(resumed.stderr).toMatch(/18 variants of each of 8/);
    const metrics = readFileSync(join(dir, 'aug', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);

    // Set explicitly, the codebook trains.
    const free = await runCli([...common, '--transfer-lr-scale', '1', '--transfer-dropout', '0.5', '--steps', '1', '--out', 'free'], dir);
    expect(free.code).toBe(0);
    expect(free.stderr).not.toMatch(/codebook stays as it is/);
    const freeRun = JSON.parse(readFileSync(join(dir, 'free', 'run.json'), 'utf8'));
    expect(freeRun.train.codebookLearningRateScale).toBe(1);
    expect(freeRun.fixedCodebook).toBeUndefined();
    // An --init from a run that held the codebook holds it too.
    const fromRun = common.map((a, i) => (common[i - 1] === '--init' ? join(dir, 'aug') : a));
    const second = await runCli([...fromRun, '--steps', '1', '--out', 'second'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/so it stays as it is: --transfer-dropout 0, --transfer-lr-scale 0/);
    expect(JSON.parse(readFileSync(join(dir, 'second', 'run.json'), 'utf8')).fixedCodebook).toEqual({ from: shippedLabel });
  });

  it('names a bad --augment part and writes no run folder', async () => {
    const r = await runCli(['train', '--preset', 'emoji-32', '--data', 'emoji', '--augment', 'flip,rotate', '--steps', '1', '--out', 'bad'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--augment: unknown part "rotate"; expected a comma-separated subset of flip, shift\[:N\], channels/);
    expect(() => readFileSync(join(dir, 'bad', 'run.json'))).toThrow();
  });
});
