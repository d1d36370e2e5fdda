import { resolveOrThrow } from '@vqct/core';
import { z } from 'zod';

/** Activations a hidden layer can use. */
export const TRANSFER_NET_ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'swish', 'linear'] as const;
export type TransferNetActivation = (typeof TRANSFER_NET_ACTIVATIONS)[number];

/** Every option, resolved (see `TransferNetOptions` for what each one means). */
export interface ResolvedTransferNetOptions {
  /** `gcn`: graph convolutions over the adjective–noun graph (the method). `mlp`: the no-graph ablation. */
  kind: 'gcn' | 'mlp';
  /** `words`: the prior's word vectors (the method). `random`: the no-language ablation, seeded random vectors of the same shape and spread. */
  features: 'words' | 'random';
  /** Number of layers (graph convolutions or dense layers); METHOD.md: 2. */
  layers: number;
  /** Width of every hidden layer; METHOD.md: e = 256. */
  hiddenDim: number;
  /** Code dimension e (width of the last layer); METHOD.md: 256. */
  codeDim: number;
  /** Activation after every layer but the last; METHOD.md: ReLU. */
  activation: TransferNetActivation;
  /** Dropout rate on every hidden layer's output, in training only; METHOD.md: 0.5. */
  dropout: number;
  /**
   * How the layers start. `glorot`: Glorot-uniform weights and zero biases, as PyTorch
   * Geometric's GCNConv (the method, and the MLP ablation by default, so that the two
   * kinds differ only in the graph). `torch-linear`: PyTorch's default `nn.Linear`,
   * U(±1/√fanIn) for weights and biases, what a torch MLP starts from (docs/RESULTS.md,
   * "The MLP discrepancy": it keeps more of the MLP's codes in use). Optional even here:
   * settings recorded before this option (run settings, checkpoints) lack it, and
   * absent means `glorot`; `resolveTransferNetOptions` always fills it in.
   */
  init?: 'glorot' | 'torch-linear';
  /** Seed of the initialization, the random features and the dropout stream. */
  seed: number;
  /**
   * How messages are summed. `sparse-segment` uses tfjs's SparseSegmentSum, linear in
   * the number of edges on the cpu and wasm backends. `gather-scatter` is the textbook
   * gather + UnsortedSegmentSum, the one to use on webgl/webgpu (tfjs-webgpu runs
   * SparseSegmentSum on the CPU through a synchronous read-back, which headless
   * Chromium's WebGPU does not survive); tfjs-backend-cpu's UnsortedSegmentSum costs
   * O(K·E·e), so avoid it there. `auto` (default): gather-scatter on webgl/webgpu,
   * sparse-segment elsewhere, decided by the active backend when the net is created.
   * The sums are the same either way.
   */
  aggregation: 'auto' | 'sparse-segment' | 'gather-scatter';
}

/** User-facing options: any subset of `ResolvedTransferNetOptions`. */
export type TransferNetOptions = Partial<ResolvedTransferNetOptions>;

/** The defaults: the paper's network (METHOD.md §2). */
export const defaultTransferNetOptions: Readonly<ResolvedTransferNetOptions> = Object.freeze({
  kind: 'gcn',
  features: 'words',
  layers: 2,
  hiddenDim: 256,
  codeDim: 256,
  activation: 'relu',
  dropout: 0.5,
  init: 'glorot',
  seed: 0,
  aggregation: 'auto',
});

const schema = z
  .object({
    kind: z.enum(['gcn', 'mlp']),
    features: z.enum(['words', 'random']),
    layers: z.number().int().min(1).max(64),
    hiddenDim: z.number().int().min(1).max(1 << 16),
    codeDim: z.number().int().min(1).max(1 << 16),
    activation: z.enum(TRANSFER_NET_ACTIVATIONS),
    dropout: z.number().min(0).lt(1),
    init: z.enum(['glorot', 'torch-linear']),
    seed: z.number().int().min(0).max(0xffffffff),
    aggregation: z.enum(['auto', 'sparse-segment', 'gather-scatter']),
  })
  .strict();

/**
 * Fills in defaults and validates once; throws a `ConfigError` naming every bad field.
 *
 * @example
 * resolveTransferNetOptions({ kind: 'mlp', codeDim: 64 }).hiddenDim; // 256
 */
export function resolveTransferNetOptions(options: TransferNetOptions = {}, file?: string): ResolvedTransferNetOptions {
  const merged: Record<string, unknown> = { ...defaultTransferNetOptions };
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) merged[k] = v;
  return resolveOrThrow(schema, merged, 'transfer-net options', file);
}

/** GPU backends, where `aggregation: 'auto'` means gather-scatter. */
const GPU_BACKENDS = new Set(['webgl', 'webgpu']);

/** The aggregation `auto` stands for on the backend named (default: the active one). */
export function resolveAggregation(aggregation: ResolvedTransferNetOptions['aggregation'], backendName: string): 'sparse-segment' | 'gather-scatter' {
  if (aggregation !== 'auto') return aggregation;
  return GPU_BACKENDS.has(backendName) ? 'gather-scatter' : 'sparse-segment';
}
