import cliProgress from 'cli-progress';
import type { Output, OutputStreams } from './output';

/** A progress display for one command; phases may change while it runs. */
export interface Progress {
  /** Shows `done` of `total` (total 0: unknown) for `phase`. */
  update(phase: string, done: number, total: number, unit?: string): void;
  /** Ends the display (call before printing results). */
  stop(): void;
}

const PLAIN_INTERVAL_MS = 2000;

function fmt(n: number, unit: string): string {
  if (unit === 'bytes') return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`;
  return `${n.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}

/**
 * A cli-progress bar on a TTY, plain "phase: done/total" lines every 2 s
 * otherwise (logs, CI), nothing with --quiet.
 *
 * @example
 * const progress = createProgress(out);
 * progress.update('tag', 1200, 80000, 'descriptions');
 * progress.stop();
 */
export function createProgress(out: Output, streams: OutputStreams = process): Progress {
  if (out.quiet) return { update() {}, stop() {} };
  if (streams.stderr.isTTY === true && process.env.CI == null) {
    let bar: cliProgress.SingleBar | undefined;
    let current = '';
    return {
      update(phase, done, total, unit = '') {
        if (phase !== current || bar == null) {
          bar?.stop();
          current = phase;
          bar = new cliProgress.SingleBar({
            format: `${phase.padEnd(18)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`,
            stream: streams.stderr as NodeJS.WriteStream,
            hideCursor: true,
            clearOnComplete: false,
          }, cliProgress.Presets.shades_classic);
          bar.start(Math.max(total, done, 1), done);
        }
        if (total > 0) bar.setTotal(Math.max(total, done));
        bar.update(done);
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
    };
  }
  let lastAt = 0;
  let lastPhase = '';
  return {
    update(phase, done, total, unit = '') {
      const now = Date.now();
      if (phase === lastPhase && now - lastAt < PLAIN_INTERVAL_MS) return;
      lastAt = now;
      lastPhase = phase;
      const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
      out.log(`${phase}: ${fmt(done, unit)}${total > 0 ? ` / ${fmt(total, unit)}` : ''}${pct}`);
    },
    stop() {},
  };
}
