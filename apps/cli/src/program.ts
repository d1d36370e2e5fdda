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
import { cliVersion } from './versions';

/**
 * The `vqct` command tree. Each command lives in its own file under
 * `commands/` and registers itself here; global options: --json, --quiet.
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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerPrior(program);
  registerInfo(program);
  registerDemo(program);
  registerTrain(program);
  registerEncode(program);
  registerDecode(program);
  registerReconstruct(program);
  registerTokens(program);
  registerEval(program);
  // Subcommands inherit exitOverride so usage errors reach our error mapping.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}
