import type { Command } from 'commander';
import { writeFileAtomic } from '@vqct/core/node';
import { encodeTorchCheckpoint, resolveVqModelConfig, type VqModelConfig } from '@vqct/vq';
import { readCheckpointFiles } from '../checkpoint';
import { createOutput, type GlobalOptions } from '../output';
import { checkWritable } from './prior-build';
import { checkInteropFormat } from './torch-format';

interface ExportFlags {
  format: string;
  checkpoint: string;
  prior?: string;
  output: string;
  optimizer?: boolean;
  discriminator: boolean;
}

/** `vqct export --format torch`: a checkpoint as one safetensors file with PyTorch's names and layouts. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a checkpoint for PyTorch: taming VQModel names and layouts (NCHW, OIHW), the GCN as torch_geometric's GCNConv, the prior beside them")
    .requiredOption('-c, --checkpoint <path>', 'a run folder, its checkpoints/ folder, a sidecar .json or a step-N.safetensors')
    .option('--format <name>', 'torch (the only one so far)', 'torch')
    .option('--prior <file>', 'the prior, when it is not next to the checkpoint')
    .option('-o, --output <file>', 'the .safetensors file to write', 'model.torch.safetensors')
    .option('--optimizer', 'also write the Adam moments (optimizer.*): importing it back then gives the same checkpoint byte for byte')
    .option('--no-discriminator', 'leave out the PatchGAN discriminator (loss.discriminator.*)')
    .addHelpText('after', `
Load it in PyTorch with tools/torch (python3 -m vqct_torch run ...) or your own taming VQModel:
  model.load_state_dict(safetensors.torch.load_file('model.torch.safetensors'), strict=False)
Examples:
  vqct export --format torch -c runs/photos -o photos.torch.safetensors
  vqct export -c runs/photos --optimizer -o full.safetensors`)
    .action((opts: ExportFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkInteropFormat(opts.format);
      checkWritable(opts.output);
      const ck = readCheckpointFiles(opts.checkpoint, { prior: opts.prior });
      const modelConfig: VqModelConfig = resolveVqModelConfig(ck.sidecar.modelConfig as never);
      const transfer = modelConfig.quantizer === 'vqct' && ck.settings.transfer != null ? { ...ck.settings.transfer, codeDim: modelConfig.codeDim } : null;
      const bytes = encodeTorchCheckpoint(
        { tensors: ck.tensors, sidecar: ck.sidecar, modelConfig, transfer, prior: ck.prior },
        { optimizer: opts.optimizer === true, discriminator: opts.discriminator },
      );
      writeFileAtomic(opts.output, bytes);
      const groups = Object.entries(ck.sidecar.groups).filter(([g]) => (g !== 'opt' || opts.optimizer === true) && (g !== 'disc' || opts.discriminator));
      const tensors = groups.reduce((n, [, c]) => n + c, 0);
      out.result({ output: opts.output, format: 'torch', checkpoint: ck.sidecarFile, step: ck.sidecar.step, bytes: bytes.length, groups: Object.fromEntries(groups), prior: ck.prior != null }, () => [
        `${opts.output}: ${tensors} tensors (${groups.map(([g, c]) => `${g} ${c}`).join(', ')})${ck.prior != null ? ` + the prior (K ${ck.prior.words.length})` : ''}, ${(bytes.length / 1e6).toFixed(1)} MB, step ${ck.sidecar.step}`,
      ]);
    });
}
