import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, sha256Hex } from '@vqct/core';
import type { Mutant, Verdict } from './case';
import { enc, pick } from './case';
import { REGRESSIONS } from './seeds';
import { runCliCase, runLibraryCase, writeCase } from './run-case';
import type { FuzzContext, Target } from './targets/target';

export interface FuzzOptions {
  /** Random cases (spread evenly over the targets). */
  cases: number;
  seed: number;
  /** Of those, how many also run the CLI command (evenly spaced, on targets that have one). */
  cliCases: number;
  /** Also truncate every seed at the start and middle of each region (up to 40 regions a seed). */
  sweep: boolean;
  /** Where failing cases are saved (default: test/regressions). */
  saveTo?: string;
  onCase?: (done: number, total: number) => void;
}

export interface CaseResult {
  target: string;
  seed: string;
  mutation: string;
  /** The path the reader was pointed at, relative to the case's files. */
  main: string;
  library: Verdict;
  cli?: Verdict;
}

/** Per-target tallies (the table of docs/robustness.md). */
export interface TargetTally {
  target: string;
  reader: string;
  cases: number;
  rejected: number;
  accepted: number;
  failures: number;
  cliCases: number;
  cliRejected: number;
  cliAccepted: number;
  cliFailures: number;
  codes: Record<string, number>;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  cliCases: number;
  seconds: number;
  tallies: TargetTally[];
  failures: CaseResult[];
}

function caseRng(seed: number, i: number): Rng {
  return new Rng(Number.parseInt(sha256Hex(enc.encode(`${seed}:${i}`)).slice(0, 8), 16));
}

/** Case i of a seeded run: its target, seed file and mutation (the same for the same seed and i). */
export function makeCase(targets: Target[], ctx: FuzzContext, seed: number, i: number): { target: Target; mutant: Mutant } {
  const target = targets[i % targets.length];
  const rng = caseRng(seed, i);
  const seeds = target.seeds(ctx);
  for (let attempt = 0; attempt < 20; attempt++) {
    const s = pick(rng, seeds);
    const mutator = pick(rng, target.mutators);
    let m: Mutant | null = null;
    try {
      m = mutator(s, rng);
    } catch {
      m = null; // the mutator does not apply to this seed (JSON mutations on plain text, ...)
    }
    if (m != null) return { target, mutant: target.finish?.(m, rng, ctx) ?? m };
  }
  throw new Error(`no mutation applies to ${target.name}`);
}

function sweepCases(targets: Target[], ctx: FuzzContext): Array<{ target: Target; mutant: Mutant }> {
  const out: Array<{ target: Target; mutant: Mutant }> = [];
  for (const target of targets) {
    for (const s of target.seeds(ctx)) {
      const regions = s.regions ?? [];
      const stride = Math.max(1, Math.ceil(regions.length / 40));
      for (let r = 0; r < regions.length; r += stride) {
        for (const at of [regions[r].start, regions[r].start + ((regions[r].end - regions[r].start) >> 1)]) {
          const file = s.target ?? s.main;
          if (at >= s.files[file].length) continue;
          const m: Mutant = { seed: s.name, mutation: `sweep: truncate at ${at} (${regions[r].name})`, files: { ...s.files, [file]: s.files[file].slice(0, at) }, main: s.main };
          out.push({ target, mutant: target.finish?.(m, new Rng(at), ctx) ?? m });
        }
      }
    }
  }
  return out;
}

/** The CLI sample: the same number of random cases (not sweep cases) for every target that has a command, evenly spaced. */
function pickCliCases(list: Array<{ target: Target }>, count: number, skip: number): Set<number> {
  const byTarget = new Map<Target, number[]>();
  list.forEach(({ target }, i) => {
    if (i >= skip && target.cli != null) byTarget.set(target, [...(byTarget.get(target) ?? []), i]);
  });
  const picks = new Set<number>();
  const groups = [...byTarget.values()];
  for (let round = 0; picks.size < count && round < list.length; round++) {
    for (const g of groups) {
      const per = Math.ceil(count / Math.max(groups.length, 1));
      const idx = g[Math.floor(((round % per) + 0.5) * g.length / per)];
      if (idx != null && picks.size < count) picks.add(idx);
    }
    if (picks.size >= Math.min(count, groups.reduce((s, g) => s + g.length, 0))) break;
  }
  return picks;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function saveFailure(root: string, dir: string, r: CaseResult, index: number): void {
  const to = join(root, slug(r.target), `${slug(r.seed)}-${index}`);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  cpSync(dir, join(to, 'files'), { recursive: true });
  writeFileSync(join(to, 'case.json'), `${JSON.stringify(r, null, 2)}\n`);
}

function emptyTally(t: Target): TargetTally {
  return { target: t.name, reader: t.reader, cases: 0, rejected: 0, accepted: 0, failures: 0, cliCases: 0, cliRejected: 0, cliAccepted: 0, cliFailures: 0, codes: {} };
}

/** Runs a seeded fuzz campaign; failing cases are saved as regression fixtures. */
export async function runFuzz(targets: Target[], ctx: FuzzContext, options: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'vqct-fuzz-'));
  const tallies = new Map(targets.map((t) => [t.name, emptyTally(t)]));
  const failures: CaseResult[] = [];
  const list = [...(options.sweep ? sweepCases(targets, ctx) : [])];
  for (let i = 0; i < options.cases; i++) list.push(makeCase(targets, ctx, options.seed, i));
  const cliPicks = pickCliCases(list, options.cliCases, options.sweep ? list.length - options.cases : 0);
  let cliDone = 0;
  try {
    for (let i = 0; i < list.length; i++) {
      const { target, mutant } = list[i];
      const dir = join(work, `case-${i}`);
      writeCase(dir, mutant);
      const result: CaseResult = { target: target.name, seed: mutant.seed, mutation: mutant.mutation, main: mutant.main, library: await runLibraryCase(target, dir, mutant, ctx) };
      const tally = tallies.get(target.name) as TargetTally;
      tally.cases++;
      tally[result.library.kind === 'failure' ? 'failures' : result.library.kind]++;
      if (result.library.kind === 'rejected') tally.codes[result.library.code] = (tally.codes[result.library.code] ?? 0) + 1;
      if (cliPicks.has(i)) {
        rmSync(dir, { recursive: true, force: true });
        writeCase(dir, mutant);
        const cli = runCliCase(target, dir, mutant, ctx);
        if (cli != null) {
          cliDone++;
          result.cli = cli;
          tally.cliCases++;
          if (cli.kind === 'failure') tally.cliFailures++;
          else if (cli.kind === 'rejected') tally.cliRejected++;
          else tally.cliAccepted++;
        }
      }
      if (result.library.kind === 'failure' || result.cli?.kind === 'failure') {
        failures.push(result);
        rmSync(dir, { recursive: true, force: true });
        writeCase(dir, mutant);
        saveFailure(options.saveTo ?? REGRESSIONS, dir, result, i);
      }
      rmSync(dir, { recursive: true, force: true });
      options.onCase?.(i + 1, list.length);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { seed: options.seed, cases: list.length, cliCases: cliDone, seconds: (performance.now() - t0) / 1000, tallies: [...tallies.values()], failures };
}
