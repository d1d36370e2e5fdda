import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killTrial, prepareTrialDir, referenceRun } from '../src/faults/kill-trials';
import { diskFullCheck, lockCheck, nanCheck } from '../src/faults/run-faults';
import { buildSeedFiles } from '../src/seeds';

/*
 * The fault checks of `npm test`, one of each (the full run, `pnpm faults`, does 24
 * seeded kill -9 trials): real `vqct train` children on the fuzzer's small run.
 */
const dir = mkdtempSync(join(tmpdir(), 'vqct-faults-test-'));
let ref: { sha: string; step: number; ms: number };
beforeAll(async () => {
  const seeds = await buildSeedFiles();
  prepareTrialDir(dir, seeds.priorBytes);
  ref = await referenceRun(dir);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('faults during training', () => {
  it('kill -9 while a checkpoint is being written: last.json still loads, the resumed run ends bit-identical', async () => {
    const r = await killTrial(dir, 0, 'checkpoint-write', 11, ref);
    expect(r.killedDuring).toMatch(/writing|between|staging/);
    expect(r.latestReadable, r.note).toBe(true);
    expect(r.identical, r.note).toBe(true);
  });

  it('a second `vqct train` into the same --out is refused; a kill -9 leaves a stale lock the next run takes over', async () => {
    const c = await lockCheck(dir);
    expect(c.ok, c.detail).toBe(true);
  });

  it('NaN in the loss: exit 1 naming the step, no checkpoint for it, --resume from the last good one', async () => {
    const c = await nanCheck(dir);
    expect(c.ok, c.detail).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)('disk full while checkpointing (a 6 MB tmpfs): one clear line, the previous checkpoint intact', async () => {
    const c = await diskFullCheck(dir);
    if (c == null) return; // no tmpfs in this sandbox: docs/robustness.md says so
    expect(c.ok, c.detail).toBe(true);
  });
});
