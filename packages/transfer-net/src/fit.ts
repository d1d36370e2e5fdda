import * as tf from '@tensorflow/tfjs-core';
import { InputError, ShapeError } from '@vqct/core';
import type { TransferNet } from './transfer-net';

export interface FitTransferNetOptions {
  /** Full-batch Adam steps (default 4000). */
  steps?: number;
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
 * Fits a transfer net's inference codebook (no dropout) to target codes with
 * full-batch Adam on the mean squared error: how a net is made to give given
 * words given codes (issue 17's grounding, `groundedCodebook`). Updates the
 * net's variables in place and invalidates its cached codebook; every
 * intermediate tensor is freed here (the targets stay the caller's).
 *
 * @param targets [K, e], the codes row w of the net must give
 * @example
 * const { mse } = await fitTransferNet(net, tf.tensor2d(targets, [net.numCodes, net.codeDim]));
 */
export async function fitTransferNet(net: TransferNet, targets: tf.Tensor2D, options: FitTransferNetOptions = {}): Promise<FitTransferNetResult> {
  const steps = options.steps ?? 4000;
  const peak = options.learningRate ?? 3e-3;
  if (!Number.isInteger(steps) || steps < 1) throw new InputError(`fitting a transfer net needs a positive whole number of steps, got ${steps}`);
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
  net.invalidate();
  const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(net.inferenceCodebook(), targets))));
  const result = { steps, mse: (await mse.data())[0] };
  mse.dispose();
  return result;
}
