/**
 * Ctrl-C / SIGTERM during training: the first signal calls `onFirst` (the run
 * then stops after the current step and saves a checkpoint); a second one
 * quits at once with 130, the last checkpoint left whole. `dispose()` removes
 * the handlers (idempotent).
 *
 * @example
 * const signals = stopOnSignals(out, progress, () => { stop = 'interrupted'; }, () => savedStep);
 * try { await trainer.run(); } finally { signals.dispose(); }
 */
export function stopOnSignals(out: { log(line: string): void }, progress: { stop(): void }, onFirst: () => void, lastCheckpoint: () => number): { dispose(): void } {
  let asked = false;
  const handlers: Array<[NodeJS.Signals, () => void]> = (['SIGINT', 'SIGTERM'] as const).map((sig) => [sig, () => {
    if (asked) {
      process.stderr.write(`\n${sig} again: quitting without a checkpoint (the last one, step ${lastCheckpoint()}, is intact)\n`);
      process.exit(130);
    }
    asked = true;
    onFirst();
    progress.stop();
    out.log(`${sig}: stopping after this step and saving a checkpoint (${sig} again to quit at once)`);
  }]);
  for (const [sig, h] of handlers) process.on(sig, h);
  return { dispose: () => { for (const [sig, h] of handlers.splice(0)) process.off(sig, h); } };
}
