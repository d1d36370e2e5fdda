import { checkpointLabel } from '../checkpoint-label';
import type { Output } from '../output';
import type { InitCheckpoint } from './init-weights';
import type { RunSettings, TrainFlags } from './settings';

/**
 * The grounded checkpoint (`vqct ground`; as checkpointLabel names it) whose transfer
 * net `init` carries: `init` itself when it was grounded, else the one its run held
 * fixed (`trainConfig.fixedCodebook`); null for a net trained as usual.
 */
export function fittedCodebookSource(init: InitCheckpoint): string | null {
  if (init.settings.grounding != null) return checkpointLabel(init.sidecarFile);
  return init.settings.fixedCodebook?.from ?? null;
}

/**
 * A grounded checkpoint's transfer net was fitted without dropout and its last layer
 * solved in closed form: dropout or Adam steps on it scatter the codes (measured on
 * emoji-32 4.0.0: l1 0.07 -> 0.9 at step 1 with dropout 0.5; 3% of the codes in use
 * within 50 steps at lr x1). So an `--init` from one (or from a run that held one)
 * keeps its codebook fixed (dropout 0, transfer lr x0) unless the flags say otherwise,
 * and a run that holds it records where it came from (`fixedCodebook`). The words
 * themselves do not carry over: which code an image uses moves with the encoder, so a
 * run that trains the encoder needs `vqct ground` again (the log says so).
 */
export function holdFittedCodebook(init: InitCheckpoint, flags: TrainFlags, settings: RunSettings, out: Output): void {
  const from = fittedCodebookSource(init);
  if (from == null) return;
  const held: string[] = [];
  if (flags.transferDropout == null) {
    settings.transfer!.dropout = 0;
    held.push('--transfer-dropout 0');
  }
  if (flags.transferLrScale == null) {
    settings.train = { ...settings.train, codebookLearningRateScale: 0 };
    held.push('--transfer-lr-scale 0');
  }
  if (held.length > 0) {
    out.log(`init: the codebook of ${init.sidecarFile} was fitted by vqct ground, so it stays as it is: ${held.join(', ')} (set them to train it); run vqct ground on the result to ground its words again`);
  }
  if (settings.train.codebookLearningRateScale === 0) settings.fixedCodebook = { from };
}
