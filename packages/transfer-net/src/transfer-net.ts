import * as tf from '@tensorflow/tfjs-core';
import { InputError, Rng, check } from '@vqct/core';
import { activate } from './activation';
import { priorAdjacency } from './adjacency';
import type { CodebookSourceShape } from './codebook-source';
import { randomFeatures } from './features';
import { initialLayer } from './init';
import { resolveAggregation, resolveTransferNetOptions, type ResolvedTransferNetOptions, type TransferNetOptions } from './options';
import { priorContentDigest } from './prior-content-digest';
import { SparsePropagation } from './propagation';
import { transferNetToSafetensors } from './save';
import { splitCodebook } from './split-codebook';
import { validatePrior, type TransferNetPrior } from './validate-prior';

interface Layer {
  weight: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

// Independent seed streams derived from `config.seed`.
const FEATURE_STREAM = 0x5eed_f00d;
const DROPOUT_STREAM = 0x0d0d_0e75;

/**
 * The transfer network (METHOD.md §2): fixed word vectors X [K, d] -> graph
 * convolutions over the normalized adjective–noun graph -> codebook C [K, e].
 * Satisfies @vqct/vq's `CodebookSource`. Create it with `createTransferNet`.
 *
 * Owns its variables, its constant inputs and the cached inference codebook:
 * call `dispose()` when done.
 */
export class TransferNet implements CodebookSourceShape {
  /** The resolved options. */
  readonly config: Readonly<ResolvedTransferNetOptions>;
  readonly kAdj: number;
  readonly kNoun: number;
  /** Code dimension e. */
  readonly codeDim: number;
  /** Word-vector dimension d. */
  readonly inputDim: number;
  /** K = kAdj + kNoun. */
  readonly numCodes: number;
  /** Entries of the normalized adjacency, self-loops included (0 for the MLP). */
  readonly numAdjacencyEntries: number;

  private readonly layers: Layer[];
  private readonly propagation: SparsePropagation | null;
  /** X for the MLP; Â X for the GCN (X is fixed, so the first propagation is done once). */
  private readonly input: tf.Tensor2D;
  private readonly prior: TransferNetPrior;
  private digest: string | null = null;
  private dropoutRng: Rng;
  private cached: tf.Tensor2D | null = null;
  private disposed = false;

  /** @internal Use `createTransferNet`, which validates the prior first. */
  constructor(prior: TransferNetPrior, config: ResolvedTransferNetOptions) {
    this.config = Object.freeze({ ...config });
    this.prior = prior;
    this.kAdj = prior.kAdj;
    this.kNoun = prior.kNoun;
    this.numCodes = prior.kAdj + prior.kNoun;
    this.inputDim = prior.dim;
    this.codeDim = config.codeDim;
    this.dropoutRng = new Rng((config.seed ^ DROPOUT_STREAM) >>> 0);

    const features = config.features === 'words'
      ? prior.vectors
      : randomFeatures(prior.vectors, (config.seed ^ FEATURE_STREAM) >>> 0);
    // Build the graph before allocating tensors, so a bad edge list leaks nothing.
    const adjacency = config.kind === 'gcn' ? priorAdjacency(prior) : null;
    this.numAdjacencyEntries = adjacency?.source.length ?? 0;
    this.propagation = adjacency != null ? new SparsePropagation(adjacency, resolveAggregation(config.aggregation, tf.getBackend())) : null;
    // Kept: the net owns it even when created inside someone else's tidy.
    this.input = tf.keep(tf.tidy(() => {
      const x = tf.tensor2d(features, [this.numCodes, this.inputDim], 'float32');
      return this.propagation != null ? this.propagation.apply(x) : x;
    }));
    // The input width is propagated only this once: drop its cached constants.
    this.propagation?.clearCache();

    const initRng = new Rng(config.seed);
    const widths = [this.inputDim, ...Array<number>(config.layers - 1).fill(config.hiddenDim), config.codeDim];
    // Variables survive tidy; the initial values they were made from do not.
    this.layers = tf.tidy(() => widths.slice(1).map((fanOut, l) => {
      const { weight, bias } = initialLayer(config.init ?? 'glorot', widths[l], fanOut, initRng);
      return { weight: tf.variable(tf.tensor2d(weight, [widths[l], fanOut]), true), bias: tf.variable(tf.tensor1d(bias), true) };
    }));
  }

  /**
   * The differentiable codebook for one training step, dropout on.
   * Pass `seed` to make the dropout masks reproducible (e.g. the training step);
   * otherwise the net's own seeded stream is used (see `rngState()`). `dropout: false`
   * gives the inference codebook, differentiable and owned by the caller (to fit the
   * net to targets, `fitTransferNet`).
   * @returns [K, e], created in the caller's scope: the caller owns it
   * @example
   * const { value, grads } = tf.variableGrads(() => loss(net.trainingCodebook({ seed: step })), net.trainableVariables());
   */
  trainingCodebook(options: { seed?: number; dropout?: boolean } = {}): tf.Tensor2D {
    this.assertAlive();
    if (options.dropout === false) return this.forward(false, 0);
    const seed = options.seed ?? this.dropoutRng.nextUint32();
    check(Number.isFinite(seed), () => `trainingCodebook: seed must be a finite number, got ${seed}`, InputError);
    return this.forward(true, seed);
  }

  /**
   * The inference codebook (no dropout), computed once and cached.
   * @returns [K, e], owned by the net: valid until `invalidate()` or `dispose()`; do not dispose it
   * @example
   * const c = net.inferenceCodebook();
   */
  inferenceCodebook(): tf.Tensor2D {
    this.assertAlive();
    if (this.cached == null) this.cached = tf.keep(this.forward(false, 0));
    return this.cached;
  }

  /**
   * What the last layer's weight multiplies, without dropout: Â H for the GCN (H, the
   * previous layer's output; Â X for one layer), H for the MLP. So the inference codebook
   * is `finalFeatures() · W + b` with the last layer's W and b, which `fitTransferNet`
   * solves in closed form.
   * @returns [K, width of the last layer's input], the caller owns it
   */
  finalFeatures(): tf.Tensor2D {
    this.assertAlive();
    return this.forward(false, 0, true);
  }

  /** Forgets the cached inference codebook; call after the weights changed (e.g. an optimizer step). */
  invalidate(): void {
    this.cached?.dispose();
    this.cached = null;
  }

  /** The variables a training step updates: [W0, b0, W1, b1, ...]. */
  trainableVariables(): tf.Variable[] {
    this.assertAlive();
    return this.layers.flatMap((l) => [l.weight, l.bias]);
  }

  /**
   * The weights under stable names: `gcn.0.weight` [in, out], `gcn.0.bias` [out], ...
   * (`mlp.*` for the MLP). Weight matrices are [in, out], transposed from PyTorch's Linear.
   */
  namedWeights(): Record<string, tf.Variable> {
    this.assertAlive();
    const out: Record<string, tf.Variable> = {};
    this.layers.forEach((l, i) => {
      out[`${this.config.kind}.${i}.weight`] = l.weight;
      out[`${this.config.kind}.${i}.bias`] = l.bias;
    });
    return out;
  }

  /**
   * Adjective rows and noun rows of a codebook (new tensors, the caller owns them).
   * @param codebook [K, e]
   * @returns adjective [kAdj, e], noun [kNoun, e]
   */
  splitCodebook(codebook: tf.Tensor2D): { adjective: tf.Tensor2D; noun: tf.Tensor2D } {
    check(codebook.shape[0] === this.numCodes, () => `the codebook has ${codebook.shape[0]} rows, this net has K = ${this.numCodes}`);
    return splitCodebook(codebook, this.kAdj);
  }

  /**
   * Weights + config as safetensors bytes (see `transferNetFromSafetensors`).
   * @example
   * await writeFile('transfer-net.safetensors', net.toSafetensors());
   */
  toSafetensors(): Uint8Array {
    this.assertAlive();
    return transferNetToSafetensors(this);
  }

  /** The dropout stream's state (4 uint32), to save with a training checkpoint. */
  rngState(): number[] {
    return this.dropoutRng.state();
  }

  /** Restores `rngState()` so unseeded `trainingCodebook()` calls continue the same masks. */
  setRngState(state: readonly number[]): void {
    this.dropoutRng = Rng.fromState(state);
  }

  /** SHA-256 of the prior this net was built on (see `priorContentDigest`); computed once. */
  priorContentDigest(): string {
    if (this.digest == null) this.digest = priorContentDigest(this.prior);
    return this.digest;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees the variables, the constant tensors and the cached codebook. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.invalidate();
    for (const l of this.layers) {
      l.weight.dispose();
      l.bias.dispose();
    }
    this.input.dispose();
    this.propagation?.dispose();
    this.disposed = true;
  }

  private assertAlive(): void {
    check(!this.disposed, () => 'this transfer net was disposed', InputError);
  }

  private forward(training: boolean, seed: number, finalFeatures = false): tf.Tensor2D {
    const { activation, dropout } = this.config;
    return tf.tidy(() => {
      let h = this.input;
      for (let l = 0; l < this.layers.length; l++) {
        if (finalFeatures && l === this.layers.length - 1) {
          return this.propagation == null || l === 0 ? tf.clone(h) : this.propagation.apply(h);
        }
        const { weight, bias } = this.layers[l];
        let z: tf.Tensor2D;
        if (this.propagation == null || l === 0) {
          z = tf.matMul(h, weight); // layer 0 of the GCN: Â X was precomputed
        } else if (weight.shape[0] < weight.shape[1]) {
          z = tf.matMul(this.propagation.apply(h), weight); // propagate the narrower side
        } else {
          z = this.propagation.apply(tf.matMul(h, weight)); // PyG's order: Â (H W)
        }
        z = tf.add(z, bias);
        if (l < this.layers.length - 1) {
          z = activate(z, activation);
          if (training && dropout > 0) z = tf.dropout(z, dropout, undefined, `${seed}:${l}`) as tf.Tensor2D;
        }
        h = z;
      }
      return h;
    });
  }
}

/**
 * Builds the transfer net for a prior: validates the prior (finite vectors, edges in
 * range, K > 0) and the options, initializes the weights (seeded; Glorot and zero bias
 * unless `init: 'torch-linear'`).
 *
 * @example
 * const net = createTransferNet(prior, { codeDim: 256, seed: 1 });
 * const c = net.inferenceCodebook(); // [K, 256]
 * net.dispose();
 */
export function createTransferNet(prior: TransferNetPrior, options: TransferNetOptions = {}): TransferNet {
  const config = resolveTransferNetOptions(options);
  validatePrior(prior);
  return new TransferNet(prior, config);
}
