import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FuzzReport } from './fuzz-run';

/** The fuzz table (markdown) of docs/robustness.md. */
export function fuzzTable(r: FuzzReport): string[] {
  const rows = r.tallies.map((t) => {
    const codes = Object.entries(t.codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
    const cli = t.cliCases > 0 ? `${t.cliCases} (${t.cliRejected} exit 1, ${t.cliAccepted} exit 0, ${t.cliFailures} failures)` : '-';
    return `| ${t.target} | \`${t.reader}\` | ${t.cases} | ${t.rejected} | ${t.accepted} | **${t.failures}** | ${codes || '-'} | ${cli} |`;
  });
  const sum = (k: 'cases' | 'rejected' | 'accepted' | 'failures' | 'cliCases' | 'cliFailures'): number => r.tallies.reduce((s, t) => s + t[k], 0);
  return [
    '| reader | call | cases | rejected cleanly | accepted as valid | failures | rejection codes | CLI sample |',
    '|---|---|---:|---:|---:|---:|---|---|',
    ...rows,
    `| **all** | | **${sum('cases')}** | ${sum('rejected')} | ${sum('accepted')} | **${sum('failures')}** | | ${sum('cliCases')} (${sum('cliFailures')} failures) |`,
    '',
    `Seed ${r.seed}, ${r.cases} cases in ${r.seconds.toFixed(0)} s.`,
    ...(r.failures.length > 0 ? ['', 'Failures:', ...r.failures.map((f) => `- ${f.target} / ${f.seed}: ${f.mutation}: ${f.library.kind === 'failure' ? f.library.reason : ''} ${f.cli?.kind === 'failure' ? `CLI: ${f.cli.reason}` : ''}`)] : []),
  ];
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in a markdown file. */
export function replaceSection(file: string, name: string, lines: string[]): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file} has no ${begin} ... ${end} section`);
  writeFileSync(file, `${text.slice(0, i + begin.length)}\n${lines.join('\n')}\n${text.slice(j)}`);
}
