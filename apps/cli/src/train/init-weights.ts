import type { Prior } from '@vqct/prior';
import { CheckpointError } from '@vqct/core';
import { priorDigest } from '@vqct/prior';
import type { TransferNet } from '@vqct/transfer-net';
import type { VqModel } from '@vqct/vq';
import { restoreVariables } from '@vqct/vq';
import { group, readCheckpointFiles, type CheckpointFiles } from '../checkpoint';

/** What `--init` read: the checkpoint's files, and where its prior is. */
export type InitCheckpoint = CheckpointFiles;

/** Reads `--init` (a run, a sidecar or a shipped model name); CheckpointError names what is wrong. */
export function readInitCheckpoint(path: string): InitCheckpoint {
  return readCheckpointFiles(path);
}

/**
 * The hidden width of an `--init` checkpoint's transfer net, read from its saved weights
 * (`transfer.<kind>.0.weight` [in, hidden] of a net with more than one layer); null
 * without one. A run started from it builds its net this wide unless --transfer-hidden
 * says otherwise (a grounded model's net is wider than the preset's).
 */
export function initTransferHidden(init: InitCheckpoint): number | null {
  for (const kind of ['gcn', 'mlp']) {
    const first = init.tensors[`transfer.${kind}.0.weight`];
    if (first != null && init.tensors[`transfer.${kind}.1.weight`] != null) return first.shape[1];
  }
  return null;
}

/**
 * Copies an `--init` checkpoint's model and transfer-net weights into a new
 * run's (the optimizer, the discriminator and the step start afresh). The
 * run's prior must be the checkpoint's: its codes are the rows of that prior.
 */
export function restoreInitWeights(init: InitCheckpoint, model: VqModel, net: TransferNet | null, prior: Prior | null): void {
  if (init.sidecar.priorDigest != null && (prior == null || priorDigest(prior) !== init.sidecar.priorDigest)) {
    throw new CheckpointError('--init: the run\'s prior is not the one this checkpoint was trained with (leave out --prior to use the checkpoint\'s)', { file: init.sidecarFile });
  }
  restoreVariables(group(init.tensors, 'model'), model.namedWeights(), init.weightsFile);
  if (net != null) {
    restoreVariables(group(init.tensors, 'transfer'), net.namedWeights(), init.weightsFile);
    net.invalidate();
  }
}
