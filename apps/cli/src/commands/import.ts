import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CheckpointError, IoError, Rng } from '@vqct/core';
import { priorDigest, type Prior } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { checkpointFromTorch, decodeTorchCheckpoint, stepWeightsFile, type CheckpointMeta, type TorchCheckpoint } from '@vqct/vq';
import { loadForInference } from '../checkpoint';
import { checkCheckpointFolderFree, writeCheckpointFolder } from '../io/checkpoint-folder';
import { createOutput, type GlobalOptions } from '../output';
import { RUN_SETTINGS_VERSION } from '../train/settings';
import { checkInteropFormat } from './torch-format';

interface ImportFlags {
  format: string;
  output: string;
  prior?: string;
  force?: boolean;
}

/** The transfer-net options a torch file may carry (anything else is dropped). */
const TRANSFER_KEYS = ['kind', 'features', 'layers', 'hiddenDim', 'codeDim', 'activation', 'dropout', 'seed', 'aggregation'];

function readTorchFile(file: string): TorchCheckpoint {
  if (!existsSync(file)) throw new IoError('no such file', { file });
  return decodeTorchCheckpoint(new Uint8Array(readFileSync(file)), { source: file });
}

function pickPrior(ck: TorchCheckpoint, flag: string | undefined, file: string): Prior | null {
  const given = flag != null ? loadPrior(flag) : null;
  if (ck.prior != null && given != null && priorDigest(ck.prior) !== priorDigest(given)) {
    throw new CheckpointError(`--prior ${flag} is not the prior this file carries (sha256 ${priorDigest(ck.prior).slice(0, 12)}...)`, { file });
  }
  const prior = ck.prior ?? given;
  if (prior == null && ck.modelConfig.quantizer === 'vqct') {
    throw new CheckpointError("the file carries no prior (prior.* entries) and the 'vqct' quantizer needs one: pass --prior prior.safetensors (the words the model was trained with)", { file });
  }
  if (prior != null && ck.modelConfig.quantizer === 'vqct' && (prior.kAdj !== ck.modelConfig.kAdj || prior.kNoun !== ck.modelConfig.kNoun)) {
    throw new CheckpointError(`the prior has ${prior.kAdj} + ${prior.kNoun} codes, the model ${ck.modelConfig.kAdj} + ${ck.modelConfig.kNoun}`, { file });
  }
  return prior;
}

/** The record of a checkpoint that starts at the imported weights (no training history). */
function freshMeta(ck: TorchCheckpoint, prior: Prior | null, file: string): CheckpointMeta {
  const transfer = ck.transfer == null ? null : Object.fromEntries(Object.entries(ck.transfer).filter(([k]) => TRANSFER_KEYS.includes(k)));
  const digest = prior != null ? priorDigest(prior) : null;
  return {
    weightsFile: stepWeightsFile(0),
    modelConfig: ck.modelConfig,
    trainConfig: {
      version: RUN_SETTINGS_VERSION,
      model: ck.modelConfig,
      transfer: ck.modelConfig.quantizer === 'vqct' ? transfer : null,
      prior: prior != null ? { file: 'prior.safetensors', digest, source: resolve(file) } : null,
      imported: { format: 'torch', file: resolve(file) },
    },
    priorDigest: digest,
    step: 0,
    epoch: 0,
    data: { seed: 0, epoch: 0, cursor: 0, skipped: 0 },
    rng: new Rng(0).state(),
    metrics: {},
  };
}

/** `vqct import --format torch`: a torch file (from `vqct export` or tools/torch) -> a vqct checkpoints folder. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('read a PyTorch safetensors file (taming VQModel names, see `vqct export`) into a vqct checkpoints folder')
    .argument('<file>', 'the .safetensors file (a Lightning .ckpt: convert it first with tools/torch/ckpt_to_safetensors.py)')
    .option('--format <name>', 'torch (the only one so far)', 'torch')
    .requiredOption('-o, --output <dir>', 'the checkpoints folder to write (last.json, step-N.safetensors/.json, prior.safetensors)')
    .option('--prior <file>', 'the prior, when the file carries none')
    .option('--force', 'overwrite a folder that already holds a checkpoint')
    .addHelpText('after', `
Examples:
  vqct import --format torch cluster-run.safetensors -o imported
  vqct tokens photo.png -c imported`)
    .action(async (file: string, opts: ImportFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkInteropFormat(opts.format);
      checkCheckpointFolderFree(opts.output, opts.force);
      const ck = readTorchFile(file);
      const prior = pickPrior(ck, opts.prior, file);
      const built = checkpointFromTorch(ck, freshMeta(ck, prior, file), file);
      if (prior != null && built.sidecar.priorDigest !== priorDigest(prior)) {
        throw new CheckpointError(`metadata vqct_sidecar says prior ${String(built.sidecar.priorDigest).slice(0, 12)}..., the file carries ${priorDigest(prior).slice(0, 12)}...`, { file });
      }
      const checkpoint = writeCheckpointFolder(opts.output, built, prior);
      // Prove it loads: every model and transfer-net tensor present with its shape.
      const { useNodeBackend } = await import('@vqct/backend-node');
      out.log((await useNodeBackend()).line);
      loadForInference(opts.output).dispose();
      out.result({ output: opts.output, checkpoint, step: built.sidecar.step, groups: built.sidecar.groups, identical: built.identical, weightsSha256: built.sidecar.weightsSha256, prior: prior != null, ignored: ck.ignored }, () => [
        `${checkpoint}: step ${built.sidecar.step}, ${Object.entries(built.sidecar.groups).map(([g, c]) => `${g} ${c}`).join(', ')}${built.identical ? ' (byte-identical to the exported checkpoint)' : ''}`,
        ...(ck.carriedSidecar != null && !built.identical ? ['  the weights differ from the exported checkpoint; its record (step, metrics, data order) was kept'] : []),
        ...ck.ignored.slice(0, 5).map((l) => `  ignored ${l}`),
      ]);
    });
}
