/** Global output conventions every command follows. */
export interface GlobalOptions {
  /** Machine-readable result on stdout (one JSON document); progress and logs stay on stderr. */
  json?: boolean;
  /** No progress and no logs; results and errors only. */
  quiet?: boolean;
}

export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** A human line on stderr (suppressed by --quiet). */
  log(line: string): void;
  /** The command's result: `human` lines on stdout, or `data` as JSON with --json. */
  result(data: unknown, human: () => string[]): void;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Builds the Output a command writes through, from the global options. */
export function createOutput(options: GlobalOptions, streams: OutputStreams = process): Output {
  const json = options.json === true;
  const quiet = options.quiet === true;
  return {
    json,
    quiet,
    log(line) {
      if (!quiet) streams.stderr.write(`${line}\n`);
    },
    result(data, human) {
      if (json) streams.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else for (const line of human()) streams.stdout.write(`${line}\n`);
    },
  };
}
