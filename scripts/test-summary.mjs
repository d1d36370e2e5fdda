// Adds up the JSON reports vitest wrote in every package and prints, per
// package, the tests and the seconds its files took, the slowest files of the
// run (where CI's time goes), then one closing line:
// "tests: N passed, N failed, N skipped".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

let passed = 0, failed = 0, skipped = 0;
const rows = [];
const files = [];
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, '.vitest', 'results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    let seconds = 0;
    for (const t of r.testResults ?? []) {
      const s = Math.max(0, (t.endTime - t.startTime) / 1000);
      seconds += s;
      files.push({ name: relative(process.cwd(), t.name), seconds: s });
    }
    rows.push(`${`${group}/${name}`.padEnd(24)} ${String(r.numPassedTests).padStart(5)} passed ${String(r.numFailedTests).padStart(3)} failed ${seconds.toFixed(0).padStart(6)} s in test files`);
  }
}
console.log(rows.join('\n'));
const slowest = files.sort((a, b) => b.seconds - a.seconds).slice(0, 8);
if (slowest.length > 0) console.log(`slowest test files: ${slowest.map((f) => `${f.name} ${f.seconds.toFixed(0)} s`).join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
