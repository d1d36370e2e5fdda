import * as tf from '@tensorflow/tfjs-core';

/**
 * Hinge loss of the discriminator (METHOD.md §5):
 * 0.5 * (mean(relu(1 - D(x))) + mean(relu(1 + D(x^)))). Caller owns the scalar.
 *
 * @param logitsReal D(x), any shape (PatchGAN: [b, h', w', 1])
 * @param logitsFake D(x^), any shape
 * @example
 * const d = hingeDiscriminatorLoss(disc.apply(x), disc.apply(recon));
 */
export function hingeDiscriminatorLoss(logitsReal: tf.Tensor, logitsFake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(tf.relu(tf.sub(1, logitsReal)));
    const fake = tf.mean(tf.relu(tf.add(1, logitsFake)));
    return tf.mul(0.5, tf.add(real, fake));
  }) as tf.Scalar;
}

/**
 * The generator's adversarial loss, -mean(D(x^)). Caller owns the scalar.
 *
 * @example
 * const g = generatorLoss(disc.apply(recon));
 */
export function generatorLoss(logitsFake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(logitsFake))) as tf.Scalar;
}
