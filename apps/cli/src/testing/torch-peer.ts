import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@vqct/core';

/** Debian's python3, which has PyTorch when python3-torch is installed (scripts/setup.sh). */
export const TORCH_PYTHON = '/usr/bin/python3';
/** The PyTorch side's folder (python3 -m vqct_torch runs from here). */
export const TORCH_TOOLS = fileURLToPath(new URL('../../../../tools/torch', import.meta.url));

/** Why the PyTorch tests cannot run here, or null when they can. */
export function torchMissing(): string | null {
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error != null) return `${TORCH_PYTHON} is missing`;
  return r.status === 0 ? null : `${TORCH_PYTHON} has no torch (apt-get install python3-torch)`;
}

/** Runs `python3 -m vqct_torch <args>` and throws with its stderr when it fails. */
export function vqctTorch(args: string[]): void {
  const r = spawnSync(TORCH_PYTHON, ['-m', 'vqct_torch', ...args], { cwd: TORCH_TOOLS, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 -m vqct_torch ${args[0]} failed (${r.status}): ${r.stderr}`);
}

/** Runs a Python script (from TORCH_TOOLS, with `import vqct_torch` available) with arguments; throws with its stderr when it fails. */
export function torchScript(args: string[]): string {
  const r = spawnSync(TORCH_PYTHON, args, { cwd: TORCH_TOOLS, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 ${args[0]} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Writes tensors for the Python side. */
export async function writeTensors(file: string, tensors: Record<string, tf.Tensor>): Promise<void> {
  const out: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = t.dtype === 'int32'
      ? { dtype: 'I32', shape: t.shape, data: (await t.data()) as Int32Array }
      : { dtype: 'F32', shape: t.shape, data: (await t.data()) as Float32Array };
  }
  writeFileSync(file, encodeSafetensors(out));
}

/** Reads what the Python side wrote. */
export function readTensors(file: string): Record<string, SafetensorsTensor> {
  return decodeSafetensors(new Uint8Array(readFileSync(file)), { source: file }).tensors;
}

/** What comparing vqct with PyTorch on the same images gives. */
export interface PeerComparison {
  positions: number;
  /** Positions whose tokens are the same on both sides. */
  agree: number;
  /** Positions where PyTorch's deciding distances are within `tie` of each other (the tokens depend on rounding). */
  nearTies: number;
  /** Positions that differ although they are not near ties (must be 0). */
  disagreeNotTied: number;
  maxReconstructionDiff: number;
  maxDecodedDiff: number;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}

/** Compares vqct's tokens and reconstruction with the Python side's `run` output. */
export function comparePeer(tokens: Int32Array, reconstruction: Float32Array, peer: Record<string, SafetensorsTensor>, perPosition: number, tie = 1e-4): PeerComparison {
  const pt = peer.tokens.data as Int32Array;
  const margin = peer.margin.data as Float32Array;
  const positions = margin.length;
  let agree = 0;
  let nearTies = 0;
  let disagreeNotTied = 0;
  for (let p = 0; p < positions; p++) {
    let same = true;
    for (let j = 0; j < perPosition; j++) same &&= tokens[p * perPosition + j] === pt[p * perPosition + j];
    const tied = margin[p] < tie;
    if (same) agree++;
    if (tied) nearTies++;
    if (!same && !tied) disagreeNotTied++;
  }
  return {
    positions,
    agree,
    nearTies,
    disagreeNotTied,
    maxReconstructionDiff: maxAbsDiff(reconstruction, peer.reconstruction.data as Float32Array),
    maxDecodedDiff: maxAbsDiff(reconstruction, peer.decoded.data as Float32Array),
  };
}
