import type { Command } from 'commander';
import { downsampleFactor } from '@vqct/vq';
import type { LoadedCheckpoint } from '../checkpoint';
import { loadForInference } from '../checkpoint';
import type { Output } from '../output';
import { intOption } from './parse';

/** Options every command that uses a trained checkpoint shares. */
export interface InferenceFlags {
  checkpoint: string;
  prior?: string;
  size?: number;
  background?: string;
}

/** Adds --checkpoint (required), --prior and --size to a command. */
export function withCheckpointOptions(cmd: Command, size = true): Command {
  cmd
    .requiredOption('-c, --checkpoint <path>', 'a run folder, its checkpoints/ folder, a sidecar .json, a step-N.safetensors, or a shipped model (emoji-32)')
    .option('--prior <file>', 'the prior, when it is not next to the checkpoint (it must be the one it was trained with)');
  if (size) {
    cmd.option('--size <px>', "image side the images are resized to (default: the model's resolution)", intOption('--size'));
    cmd.option('--background <colour>', 'what transparent pixels become: white (default), black, gray, #rrggbb');
  }
  return cmd;
}

/** Picks the backend, then loads the checkpoint (logging both). */
export async function openCheckpoint(flags: InferenceFlags, out: Output): Promise<LoadedCheckpoint & { factor: number; side: number; backend: string }> {
  const { useNodeBackend } = await import('@vqct/backend-node');
  const backend = await useNodeBackend();
  out.log(backend.line);
  const ck = loadForInference(flags.checkpoint, { prior: flags.prior });
  out.log(`checkpoint: ${ck.sidecarFile} (step ${ck.sidecar.step}, ${ck.model.config.quantizer}, codebook ${ck.model.config.kAdj} + ${ck.model.config.kNoun})`);
  return { ...ck, factor: downsampleFactor(ck.model.config), side: flags.size ?? ck.imageSize, backend: backend.name, dispose: ck.dispose };
}
