import type * as tf from '@tensorflow/tfjs-core';
import type { TransferNet } from '@vqct/transfer-net';
import type { CheckpointSidecar } from '@vqct/vq';
import { encodeCheckpoint, stepWeightsFile } from '@vqct/vq';
import type { LoadedCheckpoint } from '../checkpoint';
import type { GroundingRecord } from './grounding-record';

/**
 * The grounded checkpoint: the loaded model's weights unchanged, the new
 * transfer net's weights, and the sidecar's record with the net's width and
 * seed and what grounding did. Model-only (no optimizer): `--init`, not `--resume`.
 */
export function groundedCheckpoint(ck: LoadedCheckpoint, net: TransferNet, record: GroundingRecord): { weights: Uint8Array; sidecar: CheckpointSidecar; sidecarText: string } {
  const variables: Record<string, tf.Variable> = {};
  for (const [n, v] of Object.entries(ck.model.namedWeights())) variables[`model.${n}`] = v;
  for (const [n, v] of Object.entries(net.namedWeights())) variables[`transfer.${n}`] = v;
  const { formatVersion: _f, weightsSha256: _s, weightsBytes: _b, groups: _g, createdAt: _c, ...meta } = ck.sidecar;
  const settings = ck.settings as Record<string, unknown> & { transfer?: Record<string, unknown>; prior?: Record<string, unknown> | null };
  return encodeCheckpoint(variables, {
    ...meta,
    weightsFile: stepWeightsFile(ck.sidecar.step),
    trainConfig: {
      ...settings,
      transfer: { ...settings.transfer, hiddenDim: net.config.hiddenDim, seed: net.config.seed },
      prior: settings.prior != null ? { ...settings.prior, file: 'prior.safetensors' } : null,
      grounding: record,
    },
  });
}
