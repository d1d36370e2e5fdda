import * as tf from '@tensorflow/tfjs-core';
import { InputError, ShapeError } from '@vqct/core';
import { ridgeSolve } from './ridge';
import type { TransferNet } from './transfer-net';

export interface FitTransferNetOptions {
  /** Full-batch Adam steps over every layer (default 2000; 0: only the closed-form last layer). */
  steps?: number;
  /**
   * After the Adam steps, solve the last layer's weight and bias in closed form (minimum-norm
   * ridge least squares, `ridge` relative to the features' scale): exact for every word the
   * graph lets the net tell apart (default true).
   */
  solveLastLayer?: boolean;
  /** The closed form's ridge, relative to trace(F Fᵀ) / K (default 1e-10). */
  ridge?: number;
  /** Peak learning rate, decayed along a cosine to 1% of it (default 3e-3). */
  learningRate?: number;
  /** Called every `every` steps with the step and the mean squared error. */
  onProgress?: (step: number, mse: number) => void;
  every?: number;
}

export interface FitTransferNetResult {
  steps: number;
  /** Mean squared error of the inference codebook against the targets, after the last step. */
  mse: number;
}

/**
 * Fits a transfer net's inference codebook (no dropout) to target codes: full-batch
 * Adam on the mean squared error, then the last layer in closed form. How a net is
 * made to give given words given codes (issue 17's grounding, `groundedCodebook`).
 * Words the net cannot tell apart get the mean of their targets: two words joined
 * only to each other by an edge of weight 1 have the same row of Â H, so the same
 * code. Updates the net's variables in place and invalidates its cached codebook;
 * every intermediate tensor is freed here (the targets stay the caller's).
 *
 * @param targets [K, e], the codes row w of the net must give
 * @example
 * const { mse } = await fitTransferNet(net, tf.tensor2d(targets, [net.numCodes, net.codeDim]));
 */
export async function fitTransferNet(net: TransferNet, targets: tf.Tensor2D, options: FitTransferNetOptions = {}): Promise<FitTransferNetResult> {
  const steps = options.steps ?? 2000;
  const peak = options.learningRate ?? 3e-3;
  if (!Number.isInteger(steps) || steps < 0) throw new InputError(`fitting a transfer net needs a whole number of steps >= 0, got ${steps}`);
  if (steps === 0 && options.solveLastLayer === false) throw new InputError('fitting a transfer net with 0 steps and no closed-form last layer does nothing');
  if (!(peak > 0 && Number.isFinite(peak))) throw new InputError(`fitting a transfer net needs a positive learning rate, got ${peak}`);
  if (targets.shape[0] !== net.numCodes || targets.shape[1] !== net.codeDim) {
    throw new ShapeError(`the targets are [${targets.shape.join(', ')}] but the net gives [${net.numCodes}, ${net.codeDim}]`);
  }
  const variables = net.trainableVariables();
  const moments = tf.tidy(() => variables.map((v) => ({ m: tf.variable(tf.zerosLike(v), false), s: tf.variable(tf.zerosLike(v), false) })));
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const every = options.every ?? 500;
  try {
    for (let t = 1; t <= steps; t++) {
      const lr = peak * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / steps)));
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(net.trainingCodebook({ dropout: false }), targets))) as tf.Scalar, variables);
      tf.tidy(() => variables.forEach((v, i) => {
        const g = grads[v.name];
        const { m, s } = moments[i];
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        s.assign(tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const step = tf.div(tf.div(m, 1 - beta1 ** t), tf.add(tf.sqrt(tf.div(s, 1 - beta2 ** t)), epsilon));
        v.assign(tf.sub(v, tf.mul(step, lr)));
      }));
      tf.dispose(grads);
      if (options.onProgress != null && (t % every === 0 || t === steps)) options.onProgress(t, (await value.data())[0]);
      value.dispose();
    }
  } finally {
    for (const { m, s } of moments) tf.dispose([m, s]);
  }
  if (options.solveLastLayer !== false) await solveLastLayer(net, targets, options.ridge ?? 1e-10);
  net.invalidate();
  const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(net.inferenceCodebook(), targets))));
  const result = { steps, mse: (await mse.data())[0] };
  mse.dispose();
  return result;
}

/** Sets the last layer's weight and bias to the ridge least-squares fit of the targets on `finalFeatures()`. */
async function solveLastLayer(net: TransferNet, targets: tf.Tensor2D, ridge: number): Promise<void> {
  const features = net.finalFeatures();
  const [k, width] = features.shape;
  const values = await features.data();
  features.dispose();
  const f = new Float64Array(k * (width + 1)); // a column of ones for the bias
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < width; j++) f[i * (width + 1) + j] = values[i * width + j];
    f[i * (width + 1) + width] = 1;
  }
  const e = net.codeDim;
  const theta = ridgeSolve(f, k, width + 1, Float64Array.from(await targets.data()), e, ridge);
  const variables = net.trainableVariables();
  const [weight, bias] = variables.slice(-2);
  tf.tidy(() => {
    weight.assign(tf.tensor2d(Float32Array.from(theta.subarray(0, width * e)), [width, e]));
    bias.assign(tf.tensor1d(Float32Array.from(theta.subarray(width * e))));
  });
}
