import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pretrainedFiles, type ModelCard, type PretrainedName } from '@vqct/models';
import { pretrainedDir } from '@vqct/models/node';

/** The card.json of a model `@vqct/models` ships (null when the package has no card for it). */
export function readShippedCard(name: PretrainedName): ModelCard | null {
  const file = join(pretrainedDir(name), pretrainedFiles(name).card);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as ModelCard : null;
}
