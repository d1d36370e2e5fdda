import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createFuzzContext } from './context';
import { runFuzz } from './fuzz-run';
import { fuzzTable, replaceSection } from './report';
import { TARGETS } from './targets/all';

/*
 * vqct-fuzz: the seeded mutation fuzzer (docs/robustness.md).
 *   node dist/fuzz.js [--cases 1200] [--seed 1] [--cli 40] [--no-sweep] [--target NAME]
 *                     [--json out.json] [--docs ../../docs/robustness.md]
 * Exit 1 when any case fails (its files are saved under test/regressions/).
 */
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1200' },
    seed: { type: 'string', default: '1' },
    cli: { type: 'string', default: '40' },
    'no-sweep': { type: 'boolean', default: false },
    target: { type: 'string' },
    json: { type: 'string' },
    docs: { type: 'string' },
  },
});

const ctx = await createFuzzContext();
const targets = values.target != null ? TARGETS.filter((t) => t.name.includes(values.target as string)) : TARGETS;
let last = 0;
const report = await runFuzz(targets, ctx, {
  cases: Number(values.cases),
  seed: Number(values.seed),
  cliCases: Number(values.cli),
  sweep: !values['no-sweep'],
  onCase: (done, total) => {
    if (Date.now() - last > 5000 || done === total) {
      last = Date.now();
      process.stderr.write(`fuzz: ${done}/${total}\n`);
    }
  },
});
const table = fuzzTable(report);
process.stdout.write(`${table.join('\n')}\n`);
if (values.json != null) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (values.docs != null) replaceSection(values.docs, 'fuzz', table);
process.exitCode = report.failures.length > 0 ? 1 : 0;
