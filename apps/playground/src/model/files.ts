/**
 * Which dropped file is which: a model is `<name>.safetensors` (the checkpoint), its
 * `<name>.json` sidecar, and the prior it was trained with (another .safetensors).
 */

export interface NamedFile {
  name: string;
}

export interface ModelFileRoles<F extends NamedFile> {
  checkpoint: F;
  sidecar: F;
  prior: F;
}

export class FilesError extends Error {
  readonly code = 'E_FILES';
  constructor(message: string) {
    super(message);
    this.name = 'FilesError';
  }
}

const stem = (name: string) => name.replace(/\.[^.]+$/, '');
const ext = (name: string) => (/\.([^.]+)$/.exec(name)?.[1] ?? '').toLowerCase();

/**
 * Matches files to roles: the .json names its checkpoint by stem; the other
 * .safetensors is the prior. With two .safetensors and no matching stem, the one whose
 * name contains "prior" is the prior.
 */
export function assignModelFiles<F extends NamedFile>(files: F[]): ModelFileRoles<F> {
  const jsons = files.filter((f) => ext(f.name) === 'json');
  const tensors = files.filter((f) => ext(f.name) === 'safetensors');
  const others = files.filter((f) => !['json', 'safetensors'].includes(ext(f.name)));
  if (others.length > 0) throw new FilesError(`not a model file: ${others.map((f) => f.name).join(', ')}`);
  if (jsons.length !== 1) throw new FilesError(`expected one .json sidecar, got ${jsons.length}`);
  if (tensors.length !== 2) throw new FilesError(`expected two .safetensors files (checkpoint and prior), got ${tensors.length}`);
  const sidecar = jsons[0];
  let checkpoint = tensors.find((f) => stem(f.name) === stem(sidecar.name));
  if (checkpoint == null) {
    const notPrior = tensors.filter((f) => !/prior/i.test(f.name));
    if (notPrior.length === 1) checkpoint = notPrior[0];
  }
  const prior = tensors.find((f) => f !== checkpoint);
  if (checkpoint == null || prior == null) {
    throw new FilesError(`cannot tell the checkpoint from the prior: name the checkpoint like its sidecar (${stem(sidecar.name)}.safetensors)`);
  }
  return { checkpoint, sidecar, prior };
}
