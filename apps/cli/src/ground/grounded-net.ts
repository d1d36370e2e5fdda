import * as tf from '@tensorflow/tfjs-core';
import type { Prior } from '@vqct/prior';
import { createTransferNet, fitTransferNet, type TransferNet } from '@vqct/transfer-net';
import type { WordGrounding } from '@vqct/vq';
import { groundedCodebook } from '@vqct/vq';

export interface GroundedNetOptions {
  hiddenDim: number;
  steps: number;
  learningRate: number;
  seed: number;
  onProgress?: (step: number, mse: number) => void;
}

export interface GroundedNet {
  /** The new transfer net (the caller disposes it). */
  net: TransferNet;
  mse: number;
  /** Words whose code is nearer its target than any other target: all K when the fit is exact enough. */
  ownNearest: number;
}

/**
 * A new transfer net (the source's kind and layers, `hiddenDim` wide) fit so
 * that each word gives the code the grounding gives it: the source's codes,
 * moved between words (`groundedCodebook`).
 */
export async function fitGroundedNet(source: TransferNet, prior: Prior, grounding: WordGrounding, options: GroundedNetOptions): Promise<GroundedNet> {
  const targets = tf.tensor2d(groundedCodebook(await source.inferenceCodebook().data(), source.codeDim, grounding), [source.numCodes, source.codeDim]);
  const net = createTransferNet(prior, { ...source.config, hiddenDim: options.hiddenDim, seed: options.seed });
  try {
    const fit = await fitTransferNet(net, targets, { steps: options.steps, learningRate: options.learningRate, onProgress: options.onProgress });
    const nearest = tf.tidy(() => {
      const c = net.inferenceCodebook();
      // |c_i - t_j|² up to the |c_i|² that every j shares: |t_j|² - 2 c_i·t_j.
      const d = tf.sub(tf.sum(tf.square(targets), 1), tf.mul(tf.matMul(c, targets, false, true), 2));
      return tf.argMin(d, 1);
    });
    const ids = await nearest.data();
    nearest.dispose();
    return { net, mse: fit.mse, ownNearest: ids.filter((j, i) => j === i).length };
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    targets.dispose();
  }
}
