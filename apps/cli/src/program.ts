import { Command } from 'commander';
import { registerDemo } from './commands/demo';
import { registerInfo } from './commands/info';
import { registerPrior } from './commands/prior';
import { registerTrain } from './commands/train';
import { registerEncode } from './commands/encode';
import { registerDecode } from './commands/decode';
import { registerReconstruct } from './commands/reconstruct';
import { registerTokens } from './commands/tokens';
import { registerEval } from './commands/eval';
import { registerGround } from './commands/ground';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerTransformer } from './commands/transformer';
import { registerSample } from './commands/sample';
import { registerEdit } from './commands/edit';
import { cliVersion } from './versions';

/**
 * The `vqct` command tree. Each command lives in its own file under
 * `commands/` and registers itself here; global options: --json, --quiet, --backend, --threads.
 *
 * @example
 * await buildProgram().parseAsync(['node', 'vqct', 'prior', 'inspect', 'prior.safetensors']);
 */
export function buildProgram(): Command {
  const program = new Command('vqct')
    .description('VQCT: codebook transfer with part-of-speech for vector-quantized image modeling')
    .version(cliVersion(), '-V, --version')
    .option('--json', 'print the result as JSON on stdout (progress stays on stderr)')
    .option('-q, --quiet', 'no progress or log lines')
    .option('--backend <name>', 'tensorflow-gpu, torch-cuda, tensorflow, torch, wasm, cpu or auto (default: $VQCT_BACKEND, else the best available)')
    .option('--device <name>', 'where the torch backend computes: cpu, cuda, cuda:N or auto (default: $VQCT_TORCH_DEVICE, else cuda when libtorch sees a GPU)')
    .option('--threads <n>', 'compute threads (wasm: 1-8; torch: libtorch intra-op threads) or auto (default: $VQCT_WASM_THREADS / $VQCT_TORCH_THREADS, else one per core)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // The backend adapter reads these; setting them here serves every command.
    .hook('preAction', () => {
      const { backend, threads, device } = program.opts<{ backend?: string; threads?: string; device?: string }>();
      if (backend != null) process.env.VQCT_BACKEND = backend;
      if (threads != null) {
        process.env.VQCT_WASM_THREADS = threads;
        process.env.VQCT_TORCH_THREADS = threads;
      }
      if (device != null) process.env.VQCT_TORCH_DEVICE = device;
    });
  registerPrior(program);
  registerInfo(program);
  registerDemo(program);
  registerTrain(program);
  registerEncode(program);
  registerDecode(program);
  registerReconstruct(program);
  registerTokens(program);
  registerEval(program);
  registerGround(program);
  registerExport(program);
  registerImport(program);
  registerTransformer(program);
  registerSample(program);
  registerEdit(program);
  // Subcommands inherit exitOverride so usage errors reach our error mapping.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}
