import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@vqct/core';
import { loadPrior } from '@vqct/prior/node';
import { transferNetFromSafetensors } from '@vqct/transfer-net';
import { decodeTorchCheckpoint } from '@vqct/vq';
import type { Seed } from '../case';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { SAFETENSORS_MUTATORS, safetensorsRegions } from '../mutate/safetensors';
import type { FuzzContext, Target } from './target';

function stSeed(name: string, file: string, bytes: Uint8Array): Seed {
  return { name, files: { [file]: bytes }, main: file, regions: safetensorsRegions(bytes) };
}

function weightsOf(ctx: FuzzContext): Uint8Array {
  const last = JSON.parse(readFileSync(join(ctx.seeds.runDir, 'checkpoints', 'last.json'), 'utf8')) as { weightsFile: string };
  return new Uint8Array(readFileSync(join(ctx.seeds.runDir, 'checkpoints', last.weightsFile)));
}

/** The transfer net of the seed run, saved the way `net.toSafetensors()` saves it. */
let netBytes: Uint8Array | null = null;
async function transferNetBytes(ctx: FuzzContext): Promise<Uint8Array> {
  if (netBytes == null) {
    const { createTransferNet } = await import('@vqct/transfer-net');
    const net = createTransferNet(ctx.seeds.prior, { codeDim: 8 });
    netBytes = net.toSafetensors();
    net.dispose();
  }
  return netBytes;
}

/** Call once before the targets' seeds are listed (the transfer net needs a backend). */
export async function prepareSafetensorsSeeds(ctx: FuzzContext): Promise<void> {
  await transferNetBytes(ctx);
}

const MUTATORS = [...BYTE_MUTATORS, ...SAFETENSORS_MUTATORS, ...SAFETENSORS_MUTATORS];

/** `decodeSafetensors` on every kind of safetensors file vqct writes. */
export const safetensorsTarget: Target = {
  name: 'safetensors (any)',
  reader: '@vqct/core decodeSafetensors',
  seeds: (ctx) => [
    stSeed('prior', 'prior.safetensors', ctx.seeds.priorBytes),
    stSeed('transfer net', 'net.safetensors', netBytes ?? new Uint8Array()),
    stSeed('checkpoint weights', 'step.safetensors', weightsOf(ctx)),
  ],
  mutators: MUTATORS,
  run: async (dir, main) => {
    const file = join(dir, main);
    decodeSafetensors(new Uint8Array(readFileSync(file)), { source: file });
  },
};

/** `loadPrior`: the prior file of `vqct prior build`. */
export const priorTarget: Target = {
  name: 'prior .safetensors',
  reader: '@vqct/prior/node loadPrior',
  seeds: (ctx) => [stSeed('prior', 'prior.safetensors', ctx.seeds.priorBytes)],
  mutators: MUTATORS,
  run: async (dir, main) => {
    loadPrior(join(dir, main));
  },
  cli: (_dir, main) => ({ args: ['prior', 'inspect', main] }),
};

/** `transferNetFromSafetensors`: a saved transfer net, restored for its prior. */
export const transferNetTarget: Target = {
  name: 'transfer-net .safetensors',
  reader: '@vqct/transfer-net transferNetFromSafetensors',
  seeds: () => [stSeed('transfer net', 'net.safetensors', netBytes ?? new Uint8Array())],
  mutators: MUTATORS,
  run: async (dir, main, ctx) => {
    const file = join(dir, main);
    const net = transferNetFromSafetensors(new Uint8Array(readFileSync(file)), ctx.seeds.prior, { source: file });
    net.dispose();
  },
};

/** `vqct import --format torch`: the file `vqct export` writes (taming names, the prior beside the weights). */
export const torchFileTarget: Target = {
  name: 'torch file (vqct import)',
  reader: '@vqct/vq decodeTorchCheckpoint',
  seeds: (ctx) => [stSeed('torch export', 'model.torch.safetensors', ctx.seeds.torchFile)],
  mutators: MUTATORS,
  run: async (dir, main) => {
    const file = join(dir, main);
    decodeTorchCheckpoint(new Uint8Array(readFileSync(file)), { source: file });
  },
  cli: (_dir, main) => ({ args: ['import', main, '-o', 'out'], output: 'out' }),
};
