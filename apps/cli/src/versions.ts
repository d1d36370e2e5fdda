import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The version of an installed package, or "not installed". */
export function versionOf(pkg: string): string {
  for (const from of [require, priorRequire()]) {
    if (from == null) continue;
    try {
      return (from(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // Its "exports" may hide package.json: walk up from the entry point.
      try {
        for (let d = dirname(from.resolve(pkg)); d !== dirname(d); d = dirname(d)) {
          const f = join(d, 'package.json');
          if (!existsSync(f)) continue;
          const json = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
          if (json.name === pkg && json.version != null) return json.version;
        }
      } catch {
        // not here
      }
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
