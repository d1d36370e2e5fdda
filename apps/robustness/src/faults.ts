import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diskFullCheck, lockCheck, nanCheck, type FaultCheck } from './faults/run-faults';
import { killTrial, prepareTrialDir, referenceRun, type KillMode, type TrialResult } from './faults/kill-trials';
import { preparePriorDir, priorTrial, referencePrior } from './faults/prior-trials';
import { faultTables } from './faults/fault-report';
import { replaceSection } from './report';
import { buildSeedFiles } from './seeds';

/*
 * vqct-faults: kill -9 trials during training and prior building, the run lock,
 * NaN in the loss, disk full (docs/robustness.md).
 *   node dist/faults.js [--trials 24] [--seed 1] [--json out.json] [--docs ../../docs/robustness.md]
 * Exit 1 when any trial or check fails.
 */
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
    docs: { type: 'string' },
  },
});
const trials = Number(values.trials);
const seed = Number(values.seed);
const seeds = await buildSeedFiles();
const dir = mkdtempSync(join(tmpdir(), 'vqct-faults-'));
const log = (s: string): void => void process.stderr.write(`${s}\n`);
try {
  prepareTrialDir(dir, seeds.priorBytes);
  const ref = await referenceRun(dir);
  log(`reference: ${ref.step} steps in ${(ref.ms / 1000).toFixed(1)} s, weights ${ref.sha.slice(0, 12)}`);
  const priorDir = join(dir, 'prior');
  preparePriorDir(priorDir, seeds.corpusLines);
  const pref = await referencePrior(priorDir);
  const modes: KillMode[] = ['random', 'checkpoint-write', 'metrics-write', 'checkpoint-write', 'random', 'prior-random', 'prior-cache-write'];
  const results: TrialResult[] = [];
  for (let t = 0; t < trials; t++) {
    const mode = modes[t % modes.length];
    const r = mode === 'prior-random' || mode === 'prior-cache-write'
      ? await priorTrial(priorDir, t, mode === 'prior-random' ? 'random' : 'cache-write', seed, pref)
      : await killTrial(dir, t, mode, seed, ref);
    results.push(r);
    log(`trial ${t} ${r.mode}: killed at ${r.killedAtMs} ms ${r.killedDuring}; latest readable ${r.latestReadable}; identical ${r.identical} ${r.note}`);
  }
  const checks: FaultCheck[] = [await lockCheck(dir), await nanCheck(dir)];
  const full = await diskFullCheck(dir);
  if (full != null) checks.push(full);
  else log('disk full: no tmpfs could be mounted (not root?); not checked');
  for (const c of checks) log(`${c.ok ? 'ok' : 'FAILED'}: ${c.fault}: ${c.detail}`);
  const tables = faultTables(results, checks, { seed, refMs: ref.ms, diskFullChecked: full != null });
  process.stdout.write(`${tables.join('\n')}\n`);
  if (values.json != null) writeFileSync(values.json, `${JSON.stringify({ seed, results, checks }, null, 2)}\n`);
  if (values.docs != null) replaceSection(values.docs, 'faults', tables);
  process.exitCode = results.every((r) => r.latestReadable && r.identical) && checks.every((c) => c.ok) ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
