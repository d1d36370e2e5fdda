import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, NumericError } from '@vqct/core';
import { hingeDiscriminatorLoss } from '../losses/hinge';
import type { LossOptions } from '../losses/options';
import { resolveLossOptions } from '../losses/options';
import type { PatchDiscriminator } from '../losses/patch-discriminator';
import type { PerceptualDistance } from '../losses/reconstruction';
import { reconstructionLoss } from '../losses/reconstruction';
import { NamedAdam } from './adam';
import type { DataParallel } from './data-parallel';
import { createGanHead, type GanHead } from './gan-head';
import type { AuxiliaryLoss, NamedWeightsOwner, StepReport, TrainStep, TrainableTokenizer } from './types';
import { usageOfTokens } from '../metrics/codebook-usage';

/** What a yielded tensor reads back as (numeric dtypes only here). */
type ReadValues = ArrayLike<number>;

export interface VqganStepOptions {
  model: TrainableTokenizer;
  /** The codebook source's weights (transfer net), checkpointed as `transfer.*`. */
  codebook?: NamedWeightsOwner;
  /** Omit to train without the GAN term (then discStart is irrelevant). */
  discriminator?: PatchDiscriminator;
  perceptual?: PerceptualDistance;
  loss?: LossOptions;
  /** Already scaled: baseLr x batch x devices. */
  learningRate: number;
  /** The learning rate of the update at a step (a schedule); default: `learningRate` at every step. */
  learningRateAt?: (step: number) => number;
  betas?: [number, number];
  epsilon?: number;
  /**
   * Multiplier of the learning rate for the codebook source's weights (`transfer.*`);
   * default 1. Below 1 the derived codebook moves slower than the autoencoder; 0
   * holds it fixed (fine-tuning a model whose words were grounded).
   */
  codebookLearningRateScale?: number;
  /** Code counts per half, for the usage figure in step reports. */
  kAdj?: number;
  kNoun?: number;
  /** An extra generator-loss term on the encodings (the caption alignment); reported under its name. */
  auxiliary?: AuxiliaryLoss;
  /**
   * Data-parallel workers (each runs this step on its share of the batch):
   * gradients, loss scalars and the adaptive weight's last-layer gradients are
   * averaged, EMA code statistics summed and the discriminator's BatchNorm
   * statistics taken over every worker's batch (SyncBatchNorm), so every rank
   * applies the update of the whole batch.
   */
  dataParallel?: DataParallel;
}

/** Means over the workers where there are some (new tensors, pushed to `owned`); else the same tensors. */
function meanOver<T extends Record<string, tf.Tensor>>(dp: DataParallel | undefined, tensors: T, owned: tf.Tensor[]): T {
  if (dp == null) return tensors;
  const got = dp.mean(tensors);
  owned.push(...Object.values(got));
  return got as T;
}

function nameVariables(groups: Array<[string, Record<string, tf.Variable>]>): Map<tf.Variable, string> {
  const names = new Map<tf.Variable, string>();
  for (const [prefix, vars] of groups) {
    for (const [k, v] of Object.entries(vars)) if (!names.has(v)) names.set(v, `${prefix}.${k}`);
  }
  return names;
}

/** The auxiliary term's total (under its name) and parts, kept out of the gradient scope; {} without one. */
function auxiliaryTerms(auxiliary: AuxiliaryLoss | undefined, batch: tf.Tensor4D, latent: tf.Tensor4D | undefined, seed: number): Record<string, tf.Scalar> {
  if (auxiliary == null) return {};
  if (latent == null) throw new ConfigError(`the ${auxiliary.name} loss needs the model's latent (forward with latent: true)`);
  const r = auxiliary.loss(batch, latent, seed);
  const out: Record<string, tf.Scalar> = { [auxiliary.name]: tf.keep(r.total) };
  for (const [k, v] of Object.entries(r.parts)) out[k] = tf.keep(v);
  return out;
}

function finite(x: number): boolean {
  return Number.isFinite(x);
}

/**
 * The VQGAN step of METHOD.md §5 for `Trainer`: a generator update on
 * L_AE = mean(rec) + w * g * [step >= discStart] + codebookWeight * L_quant,
 * then (from discStart on) a discriminator update on the hinge loss, each with
 * its own Adam (betas 0.5, 0.9). The adaptive weight w needs the last layer's
 * gradient of rec and of g separately; tfjs has no partial backward like
 * `torch.autograd.grad`, so once the discriminator is on a GAN head
 * (gan-head.ts) takes both at the reconstruction inside the one backward pass
 * and sends d rec + w * d g on through the generator (one generator pass).
 * Before discStart the discriminator is neither evaluated nor updated.
 * A non-finite loss or gradient throws NumericError before any weight changes.
 *
 * @example
 * const step = createVqganStep({ model, discriminator: disc, learningRate: 4.5e-6 * 8 });
 * const report = step.run(batch, 0, 1234);
 * // on webgl/webgpu, where synchronous read-backs stall (or fail):
 * const same = await step.runAsync(batch, 1, 1235);
 */
export function createVqganStep(options: VqganStepOptions): TrainStep {
  const { model, discriminator: disc, perceptual, codebook, dataParallel: dp } = options;
  const loss = resolveLossOptions(options.loss);
  const [beta1, beta2] = options.betas ?? [0.5, 0.9];
  const adamOptions = { learningRate: options.learningRate, beta1, beta2, epsilon: options.epsilon ?? 1e-8 };
  const names = nameVariables([
    ['model', model.namedWeights()],
    ['transfer', codebook?.namedWeights() ?? {}],
    ['disc', disc?.namedWeights() ?? {}],
  ]);
  const named = (vars: tf.Variable[], what: string): Record<string, tf.Variable> => {
    const out: Record<string, tf.Variable> = {};
    for (const v of vars) {
      const n = names.get(v);
      if (n == null) throw new ConfigError(`${what} variable "${v.name}" has no stable name (not in namedWeights()); it could not be checkpointed`);
      out[n] = v;
    }
    return out;
  };
  const genVars = named(model.trainableVariables(), 'trainable');
  const lastName = names.get(model.lastLayerWeight()) ?? '';
  if (genVars[lastName] == null) throw new ConfigError('model.lastLayerWeight() is not among model.trainableVariables()');
  const scale = options.codebookLearningRateScale ?? 1;
  if (!(scale >= 0 && Number.isFinite(scale))) throw new ConfigError(`codebookLearningRateScale must be a number >= 0, got ${scale}`);
  // A held codebook (scale 0) takes no gradient: the backward pass leaves out the transfer
  // net, and its Adam moments stay as they are (still checkpointed, so resume is unchanged).
  const genList = Object.entries(genVars).filter(([n]) => scale > 0 || !n.startsWith('transfer.')).map(([, v]) => v);
  const codebookScale = Object.fromEntries(Object.keys(genVars).filter((n) => n.startsWith('transfer.')).map((n) => [n, scale]));
  const optG = new NamedAdam(genVars, { ...adamOptions, learningRateScale: codebookScale });
  const discVars = disc != null ? named(disc.trainableVariables(), 'discriminator') : {};
  const optD = disc != null ? new NamedAdam(discVars, adamOptions) : undefined;

  const byName = (grads: tf.NamedTensorMap, vars: Record<string, tf.Variable>): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    for (const [n, v] of Object.entries(vars)) if (grads[v.name] != null) out[n] = grads[v.name];
    return out;
  };
  const guard = (what: string, values: Record<string, number>, step: number): void => {
    for (const [k, x] of Object.entries(values)) {
      if (!finite(x)) throw new NumericError(`${what} ${k} is ${x} at step ${step}; stopping before the update (weights and checkpoints untouched)`);
    }
  };

  // Pass A: the generator's loss, one forward and one backward. From discStart on,
  // the GAN head (gan-head.ts) takes the adaptive weight inside the backward pass.
  function generatorPass(batch: tf.Tensor4D, seed: number, head: GanHead | undefined, auxiliary: AuxiliaryLoss | undefined) {
    let kept: tf.Tensor[] = [];
    let parts: { l1?: tf.Scalar; perceptual?: tf.Scalar } = {};
    let aux: Record<string, tf.Scalar> = {};
    auxiliary?.prepare?.(batch);
    const a = tf.variableGrads(() => {
      const out = model.forward(batch, { training: true, seed, keepLastLayerInput: head != null, latent: auxiliary != null });
      kept = [tf.keep(out.reconstruction), tf.keep(out.quantLoss), tf.keep(out.tokens)];
      aux = auxiliaryTerms(auxiliary, batch, out.latent, seed);
      const quant = auxiliary != null ? tf.add(tf.mul(out.quantLoss, loss.codebookWeight), aux[auxiliary.name]) : tf.mul(out.quantLoss, loss.codebookWeight);
      if (head != null) return tf.add(head.apply(out.reconstruction, out.lastLayerInput as tf.Tensor4D), quant) as tf.Scalar;
      const rec = reconstructionLoss(batch, out.reconstruction, perceptual, loss.perceptualWeight);
      parts = { l1: tf.keep(rec.l1), perceptual: rec.perceptual != null ? tf.keep(rec.perceptual) : undefined };
      return tf.add(rec.rec, quant) as tf.Scalar;
    }, genList);
    const [recon, quant, tokens] = kept as [tf.Tensor4D, tf.Scalar, tf.Tensor];
    const values = head != null ? head.values() : parts;
    const dispose = (): void => {
      a.value.dispose();
      tf.dispose(a.grads);
      tf.dispose([...kept, ...Object.values(aux), ...[parts.l1, parts.perceptual].filter((t): t is tf.Scalar => t != null)]);
    };
    return { grads: a.grads, recon, quant, tokens, aux, l1: values.l1 as tf.Scalar, perceptual: values.perceptual, dispose };
  }

  // The step is written once, as a generator that yields each scalar it must read
  // back; `run` reads them synchronously, `runAsync` with `await data()` (GPU backends).
  function* steps(batch: tf.Tensor4D, step: number, seed: number): Generator<tf.Tensor, StepReport, ReadValues> {
    const discOn = disc != null && step >= loss.discStart;
    const lr = options.learningRateAt?.(step) ?? options.learningRate;
    // The auxiliary term counts from its first step on (none before: not computed, not reported).
    const auxiliary = options.auxiliary != null && step >= (options.auxiliary.startStep ?? 0) ? options.auxiliary : undefined;
    const losses: Record<string, number> = {};
    let usage: StepReport['usage'];
    const head = discOn ? createGanHead({
      batch, perceptual, perceptualWeight: loss.perceptualWeight, discriminator: disc, model,
      discWeight: loss.discWeight, maxAdaptiveWeight: loss.maxAdaptiveWeight, dataParallel: dp,
    }) : undefined;
    let pass: ReturnType<typeof generatorPass> | undefined;
    const owned: tf.Tensor[] = [];
    try {
      pass = generatorPass(batch, seed, head, auxiliary);
      // Every rank reads the losses of the whole batch (metrics, NaN guard, decisions alike).
      const scalars: { l1: tf.Tensor; quant: tf.Tensor; perceptual?: tf.Tensor; gan?: tf.Tensor } = meanOver(dp, {
        l1: pass.l1, quant: pass.quant, ...(pass.perceptual != null ? { perceptual: pass.perceptual } : {}), ...(head != null ? { gan: head.values().gan } : {}),
      }, owned);
      losses.l1 = (yield scalars.l1)[0];
      losses.codebook = (yield scalars.quant)[0];
      if (scalars.perceptual != null) losses.perceptual = (yield scalars.perceptual)[0];
      losses.rec = losses.l1 + (pass.perceptual != null ? loss.perceptualWeight * (losses.perceptual ?? 0) : 0);
      for (const [name, t] of Object.entries(pass.aux)) losses[name] = (yield t)[0];
      if (options.kAdj != null && options.kNoun != null) {
        usage = usageOfTokens(yield pass.tokens, pass.tokens.shape[pass.tokens.shape.length - 1], options.kAdj, options.kNoun);
      }
      let w = 0;
      if (head != null && scalars.gan != null) {
        losses.gan = (yield scalars.gan)[0];
        w = (yield head.values().ratio)[0] * loss.discWeight; // from the averaged last-layer gradients: the same on every rank
        losses.adaptiveWeight = w;
      }
      losses.total = losses.rec + w * (losses.gan ?? 0) + loss.codebookWeight * losses.codebook + (auxiliary != null ? losses[auxiliary.name] : 0);
      guard('generator loss', losses, step);
      // One bucketed all-reduce of the gradients before Adam (w is already global).
      const grads = meanOver(dp, byName(pass.grads, genVars), owned);
      // One finiteness check over every gradient: a NaN or an infinity anywhere makes the sum non-finite.
      const total = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(g))));
      let sum: number;
      try {
        sum = (yield total)[0];
      } finally {
        total.dispose();
      }
      guard('generator gradient', { sum }, step);
      optG.apply(grads, lr);
      model.afterStep(dp?.sum);
      if (discOn && optD != null) losses.disc = yield* discriminatorUpdate(batch, pass.recon, step, lr);
    } finally {
      pass?.dispose();
      head?.dispose();
      tf.dispose(owned);
    }
    return { losses, usage, learningRate: lr };
  }

  // The discriminator's hinge update on the real batch and the (fixed) reconstruction.
  function* discriminatorUpdate(batch: tf.Tensor4D, recon: tf.Tensor4D, step: number, lr: number): Generator<tf.Tensor, number, ReadValues> {
    const d = tf.variableGrads(() => hingeDiscriminatorLoss(
      (disc as PatchDiscriminator).apply(batch, { updateStats: true, sum: dp?.sum }),
      (disc as PatchDiscriminator).apply(recon, { updateStats: true, sum: dp?.sum }),
    ), Object.values(discVars));
    const owned: tf.Tensor[] = [];
    try {
      const global = meanOver(dp, { disc: d.value, ...byName(d.grads, discVars) }, owned);
      const { disc: discLoss, ...grads } = global;
      const value = (yield discLoss)[0];
      guard('discriminator loss', { disc: value }, step);
      (optD as NamedAdam).apply(grads, lr);
      return value;
    } finally {
      d.value.dispose();
      tf.dispose(d.grads);
      tf.dispose(owned);
    }
  }

  function run(batch: tf.Tensor4D, step: number, seed: number): StepReport {
    const gen = steps(batch, step, seed);
    let r = gen.next();
    while (!r.done) {
      let values: ReadValues;
      try {
        values = r.value.dataSync() as ArrayLike<number>;
      } catch (e) {
        r = gen.throw(e); // runs the step's clean-up, then rethrows
        continue;
      }
      r = gen.next(values);
    }
    return r.value;
  }

  async function runAsync(batch: tf.Tensor4D, step: number, seed: number): Promise<StepReport> {
    const gen = steps(batch, step, seed);
    let r = gen.next();
    while (!r.done) {
      let values: ReadValues;
      try {
        values = (await r.value.data()) as ArrayLike<number>;
      } catch (e) {
        r = gen.throw(e);
        continue;
      }
      r = gen.next(values);
    }
    return r.value;
  }

  return {
    run,
    runAsync,
    sample(batch) {
      return tf.tidy(() => {
        const out = model.forward(batch, { training: false });
        tf.dispose([out.quantLoss, out.tokens]);
        return out.reconstruction;
      });
    },
    state() {
      const out: Record<string, tf.Variable> = {};
      for (const [v, n] of names) out[n] = v;
      for (const [k, v] of Object.entries(optG.namedWeights())) out[`opt.g.${k}`] = v;
      if (optD != null) for (const [k, v] of Object.entries(optD.namedWeights())) out[`opt.d.${k}`] = v;
      return out;
    },
    restored() {
      codebook?.invalidate?.();
    },
    dispose() {
      optG.dispose();
      optD?.dispose();
    },
  };
}
