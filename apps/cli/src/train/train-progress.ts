import cliProgress from 'cli-progress';
import type { StepEvent } from '@vqct/vq';
import type { Output } from '../output';

const PLAIN_INTERVAL_MS = 5000;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One line about a step: losses, usage, speed, ETA. */
export function stepLine(e: StepEvent, total: number, deadline?: number): string {
  const l = e.losses;
  const eta = deadline != null ? Math.max(0, Math.min(e.etaSeconds, (deadline - Date.now()) / 1000)) : e.etaSeconds;
  const of = deadline != null && total >= 1e6 ? '' : `/${total}`;
  const usage = e.usage != null ? ` | usage adj ${(100 * e.usage.adjective).toFixed(0)}% noun ${(100 * e.usage.noun).toFixed(0)}%` : '';
  // A tokenizer's parts (l1, codebook, the caption alignment where it counts), else whatever the step reports (a transformer: noun, adjective).
  const parts = l.l1 != null ? `l1 ${l.l1.toFixed(4)}, codebook ${l.codebook?.toFixed(4)}${l.align != null ? `, align ${l.align.toFixed(4)}` : ''}` : Object.entries(l).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
  return `step ${e.step}${of} | loss ${l.total?.toFixed(4)} (${parts})${usage} | ${e.imagesPerSecond.toFixed(1)} img/s | ETA ${duration(eta)}`;
}

/** Training progress: a bar with loss, images/s and ETA on a TTY; a plain line every 5 s otherwise; nothing with --quiet. */
export function createTrainProgress(out: Output, total: number, deadline?: number, stream: NodeJS.WriteStream = process.stderr): { step(e: StepEvent): void; stop(): void } {
  if (out.quiet) return { step() {}, stop() {} };
  const timeBoxed = deadline != null && total >= 1e6;
  if (stream.isTTY === true && process.env.CI == null) {
    const bar = new cliProgress.SingleBar({
      format: 'train [{bar}] {value}/{total} | loss {loss} | {ips} img/s | ETA {etaText}',
      stream, hideCursor: true, clearOnComplete: false,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      step(e) {
        const eta = deadline != null ? Math.max(0, Math.min(e.etaSeconds, (deadline - Date.now()) / 1000)) : e.etaSeconds;
        const payload = { loss: e.losses.total?.toFixed(4) ?? '?', ips: e.imagesPerSecond.toFixed(1), etaText: duration(eta) };
        if (!started) { bar.start(timeBoxed ? 0 : total, e.step, payload); started = true; }
        if (timeBoxed) {
          // Trainer's ETA is (steps left) x (mean step time): recover the step time, project over the time left.
          const perStep = e.etaSeconds / Math.max(total - e.step, 1);
          bar.setTotal(e.step + Math.round(eta / Math.max(perStep, 1e-9)));
        }
        bar.update(e.step, payload);
      },
      stop() { if (started) bar.stop(); started = false; },
    };
  }
  let last = 0;
  return {
    step(e) {
      const now = Date.now();
      if (e.step !== total && now - last < PLAIN_INTERVAL_MS && last !== 0) return;
      last = now;
      out.log(stepLine(e, total, deadline));
    },
    stop() {},
  };
}
