// `pnpm experiment:collapse`: does codebook transfer stop collapse? (docs/RESULTS.md)
// A child process (`--child job.json`) trains one variant; the parent plans,
// runs --jobs children at once, and writes collapse.json + plots.
import { readFileSync } from 'node:fs';
import type { Job } from './job';
import { parseCollapseArgs } from './options';
import { runCollapse } from './experiment';
import { runVariant } from './run-variant';

const argv = process.argv.slice(2);
const log = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function main(): Promise<void> {
  if (argv[0] === '--child') {
    const job = JSON.parse(readFileSync(argv[1], 'utf8')) as Job;
    await runVariant(job, (s) => log(`[${job.id}] ${s}`));
    return;
  }
  await runCollapse(parseCollapseArgs(argv), argv.filter((a) => a !== '--'), log);
}

main().catch((e: unknown) => {
  process.stderr.write(`collapse: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
