// Size of each publishable @vqct/* package as npm users download it: packed
// (the .tgz `pnpm pack` makes, workspace: ranges rewritten) and unpacked (the
// sum of the files inside), against a budget; fails when a tarball is over
// budget or holds tests, fixtures, sources or source maps. Needs `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './lib.mjs';
import { FORBIDDEN_IN_TARBALL, packPackage, publishablePackages } from '../scripts/consumer-test.mjs';

/** Packed-size budgets in KiB: about twice today's size, so growth is a decision. */
const BUDGET_KIB = {
  '@vqct/core': 64,
  '@vqct/prior': 192,
  '@vqct/transfer-net': 64,
  '@vqct/vq': 256,
  '@vqct/transformer': 64,
  // The backends bundle tfjs-core's gradient registrations (extensionless ESM
  // files plain Node cannot load; see their tsup.config.ts): ~300 KiB unpacked each.
  '@vqct/backend-node': 128,
  '@vqct/backend-web': 128,
  // Sources of the native addon (compiled at install) plus the TypeScript kernels: ~27 KiB.
  '@vqct/backend-torch': 64,
  '@vqct/cli': 256,
  // The shipped weights: emoji-32 is ~4 MB of float32 (gzip barely shrinks them).
  '@vqct/models': 6144,
};

const dest = mkdtempSync(join(tmpdir(), 'vqct-size-'));
const rows = [];
const problems = [];
try {
  for (const { dir, pkg } of publishablePackages()) {
    const { file, files } = packPackage(dir, dest);
    const packed = statSync(file).size / 1024;
    // `tar -tvzf` lists sizes in the third column.
    const unpacked = execFileSync('tar', ['-tvzf', file], { encoding: 'utf8' }).trim().split('\n')
      .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[2] ?? 0), 0) / 1024;
    const budget = BUDGET_KIB[pkg.name];
    const bad = files.filter((f) => FORBIDDEN_IN_TARBALL.some((re) => re.test(f)));
    if (budget == null) problems.push(`${pkg.name}: no size budget in bench/package-size.bench.mjs`);
    else if (packed > budget) problems.push(`${pkg.name}: ${packed.toFixed(1)} KiB packed, over its ${budget} KiB budget`);
    if (bad.length > 0) problems.push(`${pkg.name}: tarball holds ${bad.join(', ')}`);
    const note = `${files.length} files; budget ${budget ?? '?'} KiB packed`;
    rows.push({ name: `${pkg.name} packed`, backend: '-', median: packed, min: packed, max: packed, unit: 'KiB', note });
    rows.push({ name: `${pkg.name} unpacked`, backend: '-', median: unpacked, min: unpacked, max: unpacked, unit: 'KiB', note: `${files.length} files` });
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
report('package size (pnpm pack)', rows);
if (problems.length > 0) {
  process.stderr.write(`\n${problems.join('\n')}\n`);
  process.exitCode = 1;
}
