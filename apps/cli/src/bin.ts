import { CommanderError } from 'commander';
import { EXIT_OK, EXIT_USER, mapError } from './errors';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the usage problem (or the help/version asked for).
      return e.exitCode === 0 ? EXIT_OK : EXIT_USER;
    }
    const { exitCode, message } = mapError(e);
    process.stderr.write(`${message}\n`);
    if (process.env.VQCT_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    return exitCode;
  }
}

process.exitCode = await main(process.argv);
