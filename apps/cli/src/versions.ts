import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version of an installed package, or "not installed". */
export function versionOf(pkg: string): string {
  for (const from of [require, priorRequire()]) {
    try {
      return (from?.(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // try the next place
    }
  }
  return 'not installed';
}

/** Packages @vqct/prior depends on (compromise) resolve from there. */
function priorRequire(): NodeRequire | undefined {
  try {
    return createRequire(require.resolve('@vqct/prior/package.json'));
  } catch {
    return undefined;
  }
}

/** This CLI's own version (apps/cli/package.json, one folder above dist/). */
export function cliVersion(): string {
  try {
    return (require('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
