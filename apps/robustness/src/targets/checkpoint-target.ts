import { join } from 'node:path';
import { sha256Hex } from '@vqct/core';
import { loadCheckpoint } from '@vqct/vq/node';
import { restoreVariables } from '@vqct/vq';
import type { FileSet, Mutant, Seed } from '../case';
import { dec, enc } from '../case';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { JSON_MUTATORS } from '../mutate/json';
import { SAFETENSORS_MUTATORS, safetensorsRegions } from '../mutate/safetensors';
import { FIXTURE_IMAGES, readTree } from '../seeds';
import type { Target } from './target';

const SIDE = 'checkpoints/last.json';

function checkpointFiles(runDir: string): { files: FileSet; weights: string } {
  const files = readTree(join(runDir, 'checkpoints'), 'checkpoints/');
  const side = JSON.parse(dec.decode(files[SIDE])) as { weightsFile: string };
  return { files, weights: `checkpoints/${side.weightsFile}` };
}

/**
 * A checkpoint folder as `vqct train` leaves it (last.json, step-N.json/.safetensors,
 * prior.safetensors). Mutations hit the sidecar or the weights; mutated weights are
 * re-signed (sha256 and size written into last.json) most of the time, so the
 * safetensors checks behind the digest are reached too.
 */
export const checkpointTarget: Target = {
  name: 'checkpoint (sidecar + weights)',
  reader: '@vqct/vq/node loadCheckpoint + restoreVariables',
  seeds: (ctx) => {
    const { files, weights } = checkpointFiles(ctx.seeds.runDir);
    const sidecar: Seed = { name: 'sidecar last.json', files, main: 'checkpoints/', target: SIDE };
    const w: Seed = { name: 'weights (re-signed)', files, main: 'checkpoints/', target: weights, regions: safetensorsRegions(files[weights]) };
    return [sidecar, w];
  },
  mutators: [...BYTE_MUTATORS, ...JSON_MUTATORS, ...SAFETENSORS_MUTATORS],
  finish: (m: Mutant, rng) => {
    if (m.seed !== 'weights (re-signed)' || rng.next() < 0.2) return m;
    const side = JSON.parse(dec.decode(m.files[SIDE])) as { weightsFile: string; weightsSha256: string; weightsBytes: number };
    const w = m.files[`checkpoints/${side.weightsFile}`];
    side.weightsSha256 = sha256Hex(w);
    side.weightsBytes = w.length;
    return { ...m, mutation: `${m.mutation}, re-signed`, files: { ...m.files, [SIDE]: enc.encode(JSON.stringify(side, null, 2)) } };
  },
  run: async (dir, main, ctx) => {
    const ck = loadCheckpoint(join(dir, main), { modelConfig: ctx.modelConfig, priorDigest: ctx.priorDigest });
    restoreVariables(ck.tensors, ctx.variables, ck.file);
  },
  cli: () => ({ args: ['encode', join(FIXTURE_IMAGES, 'fmnist-bag-0.png'), '--checkpoint', 'checkpoints', '-o', 'out.json'], output: 'out.json' }),
};
