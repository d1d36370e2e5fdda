import type { TransferNetOptions } from '@vqct/transfer-net';
import type { Job } from './job';

/**
 * The transfer net of a VQCT variant: `vqct` is the method (GCN over the word
 * vectors, METHOD.md's defaults), `random` the GCN over random features, `mlp`
 * the no-graph ablation with `--mlp-init` / `--mlp-dropout` (defaults: the GCN's
 * Glorot init and dropout 0.5, so that only the graph differs).
 *
 * @example
 * transferOptionsOf('mlp', { seed: 1, mlpInit: 'torch-linear', mlpDropout: 0.5 }, 32).init; // 'torch-linear'
 */
export function transferOptionsOf(variant: 'vqct' | 'mlp' | 'random', o: Pick<Job['options'], 'seed' | 'mlpInit' | 'mlpDropout'>, codeDim: number): TransferNetOptions {
  const common: TransferNetOptions = { hiddenDim: codeDim, codeDim, seed: o.seed };
  if (variant === 'mlp') return { ...common, kind: 'mlp', features: 'words', init: o.mlpInit, dropout: o.mlpDropout };
  return { ...common, kind: 'gcn', features: variant === 'random' ? 'random' : 'words' };
}
