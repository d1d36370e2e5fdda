import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mutant } from '../src/case';
import { createFuzzContext } from '../src/context';
import { runFuzz } from '../src/fuzz-run';
import { runLibraryCase } from '../src/run-case';
import { REGRESSIONS } from '../src/seeds';
import { TARGETS } from '../src/targets/all';
import type { FuzzContext } from '../src/targets/target';

/*
 * The bounded fuzz run of `npm test` (the full run is `pnpm fuzz`: >= 1,000 cases and a
 * bigger CLI sample). VQCT_FUZZ_CASES / VQCT_FUZZ_SEED change it; the default seed is
 * fixed so CI is reproducible.
 */
const CASES = Number(process.env.VQCT_FUZZ_CASES ?? 360);
const SEED = Number(process.env.VQCT_FUZZ_SEED ?? 7);

let ctx: FuzzContext;
beforeAll(async () => {
  ctx = await createFuzzContext();
}, 300_000);

describe('the seeded fuzzer (bounded)', () => {
  it(`${CASES} mutated files over every reader, a CLI sample: each rejected cleanly or valid, none failing`, async () => {
    const report = await runFuzz(TARGETS, ctx, { cases: CASES, seed: SEED, cliCases: 3, sweep: false });
    const lines = report.failures.map((f) => `${f.target} / ${f.seed}: ${f.mutation}: ${JSON.stringify(f.library)} ${JSON.stringify(f.cli ?? '')}`);
    expect(lines).toEqual([]);
    expect(report.cases).toBe(CASES);
    for (const t of report.tallies) {
      expect(t.cases, t.target).toBeGreaterThan(0);
      // Mutations must reach the checks: most cases of every reader are rejected.
      expect(t.rejected, t.target).toBeGreaterThan(t.cases / 4);
    }
    expect(report.cliCases).toBe(3);
  });

  it('every saved regression case now ends in a clean rejection or a valid file', async () => {
    const cases = existsSync(REGRESSIONS) ? readdirSync(REGRESSIONS).flatMap((t) => readdirSync(join(REGRESSIONS, t)).map((c) => join(REGRESSIONS, t, c))) : [];
    for (const dir of cases) {
      const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { target: string; main: string; mutation: string };
      const target = TARGETS.find((t) => t.name === meta.target);
      expect(target, meta.target).toBeDefined();
      const m: Mutant = { seed: '', mutation: meta.mutation, files: {}, main: meta.main };
      const v = await runLibraryCase(target!, join(dir, 'files'), m, ctx);
      expect(v.kind, `${dir}: ${meta.mutation}: ${JSON.stringify(v)}`).not.toBe('failure');
    }
  });
});
