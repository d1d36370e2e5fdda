import { IoError } from '@vqct/core';
import type { PretrainedName } from './catalog';
import { pretrainedFiles } from './catalog';
import type { PretrainedBytes, PretrainedModel } from './load-files';
import { checkPretrainedName, loadPretrainedFromBytes } from './load-files';

export interface FetchPretrainedOptions {
  /**
   * The folder holding `<name>/` (default: this package's `weights/`, found
   * from the module's URL; with a bundler that does not copy it, copy
   * `node_modules/@vqct/models/weights` into your static files and point here).
   */
  baseUrl?: string | URL;
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
}

/** Where the weights folder is, relative to this module (dist/index.js). */
function defaultBase(): URL {
  return new URL('../weights/', import.meta.url);
}

/** The four files of a shipped model, fetched. */
export async function fetchPretrainedBytes(name: PretrainedName, options: FetchPretrainedOptions = {}): Promise<PretrainedBytes> {
  const base = new URL(`${name}/`, options.baseUrl ?? defaultBase());
  const get = options.fetch ?? globalThis.fetch;
  const files = pretrainedFiles(name);
  const read = async (file: string): Promise<Response> => {
    const url = new URL(file, base);
    let res: Response;
    try {
      res = await get(url);
    } catch (e) {
      throw new IoError(`cannot fetch (${(e as Error).message})`, { file: url.href, cause: e });
    }
    if (!res.ok) throw new IoError(`fetch answered ${res.status} ${res.statusText}`, { file: url.href });
    return res;
  };
  const [weights, sidecar, prior, card] = await Promise.all([read(files.weights), read(files.sidecar), read(files.prior), read(files.card)]);
  return {
    weights: new Uint8Array(await weights.arrayBuffer()),
    sidecar: await sidecar.text(),
    prior: new Uint8Array(await prior.arrayBuffer()),
    card: await card.text(),
  };
}

/**
 * A shipped model, in the browser (or anywhere with fetch): downloads its
 * files and builds it. Set a tfjs backend first (`@vqct/backend-web`).
 * In Node, `@vqct/models/node`'s `loadPretrained` reads the files instead.
 *
 * @example
 * import { loadPretrained } from '@vqct/models';
 * const emoji = await loadPretrained('emoji-32');
 * const tokens = emoji.model.encode(images); // [b, 32, 32, 3] in [-1, 1]
 */
export async function loadPretrained(name: string, options: FetchPretrainedOptions = {}): Promise<PretrainedModel> {
  const id = checkPretrainedName(name);
  return loadPretrainedFromBytes(id, await fetchPretrainedBytes(id, options));
}
