import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Prior } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { IoError } from '@vqct/core';
import type { Output } from './output';
import { runPriorBuild } from './commands/prior-build';

/** Where the default prior is cached: $VQCT_CACHE_DIR, else $XDG_CACHE_HOME/vqct, else ~/.cache/vqct. */
export function cacheDir(): string {
  return process.env.VQCT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vqct');
}

/**
 * The default prior (embedded WordNet corpus + wink GloVe-style vectors):
 * read from `path` (default: the cache) when it is there, else built into it
 * once (about a minute on 2 cores).
 *
 * @example
 * const { prior, file, built } = await defaultPrior(out);
 */
export async function defaultPrior(out: Output, path = join(cacheDir(), 'default-prior.safetensors')): Promise<{ prior: Prior; file: string; built: boolean }> {
  if (existsSync(path)) {
    out.log(`prior: reusing the default prior ${path}`);
    return { prior: loadPrior(path), file: path, built: false };
  }
  try {
    mkdirSync(join(path, '..'), { recursive: true });
  } catch (e) {
    throw new IoError(`cannot create the cache folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: join(path, '..'), cause: e });
  }
  out.log(`prior: building the default prior (WordNet glosses + wink vectors) into ${path}; later runs reuse it`);
  await runPriorBuild({ output: path }, out);
  return { prior: loadPrior(path), file: path, built: true };
}
