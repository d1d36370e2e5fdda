import type { FaultCheck } from './run-faults';
import type { TrialResult } from './kill-trials';

/** The kill -9 and fault tables of docs/robustness.md. */
export function faultTables(results: TrialResult[], checks: FaultCheck[], info: { seed: number; refMs: number; diskFullChecked: boolean }): string[] {
  const modes = [...new Set(results.map((r) => r.mode))];
  const rows = modes.map((m) => {
    const rs = results.filter((r) => r.mode === m);
    const during = [...new Set(rs.map((r) => r.killedDuring.replace(/step-\d+/g, 'step-N')))].join('; ');
    return `| ${m} | ${rs.length} | ${rs.filter((r) => r.latestReadable).length}/${rs.length} | ${rs.filter((r) => r.identical).length}/${rs.length} | ${during} |`;
  });
  const ok = results.filter((r) => r.latestReadable && r.identical).length;
  return [
    '| kill -9 when | trials | latest checkpoint readable after the kill | resumed run bit-identical to the uninterrupted one | killed while |',
    '|---|---:|---:|---:|---|',
    ...rows,
    `| **all** | **${results.length}** | ${results.filter((r) => r.latestReadable).length}/${results.length} | **${ok}/${results.length}** | |`,
    '',
    `Seed ${info.seed}; the uninterrupted run (6 steps, checkpoints at 2, 4, 6) took ${(info.refMs / 1000).toFixed(1)} s.`,
    ...results.filter((r) => !(r.latestReadable && r.identical)).map((r) => `- FAILED trial ${r.trial} (${r.mode}): ${r.note}`),
    '',
    '| fault | outcome | what happened |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.fault} | ${c.ok ? 'ok' : '**FAILED**'} | ${c.detail.replaceAll('|', '\\|')} |`),
    ...(info.diskFullChecked ? [] : ['| disk full while checkpointing | not checked | no tmpfs could be mounted here (needs root) |']),
  ];
}
