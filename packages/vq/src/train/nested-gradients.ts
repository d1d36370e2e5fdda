import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn`, which takes gradients of its own (tf.grad, tf.valueAndGrad), from
 * inside a custom gradient's backward function. tfjs-core (4.22) gives every
 * first-order gradient call a fresh tape and sets it to null when done; called
 * during another gradient's backward pass, that replaces the outer call's tape,
 * whose saved tensors then leak and whose clean-up fails on null. Saving and
 * restoring the engine's active tape around `fn` keeps both calls whole: the
 * inner call cleans up its own tape, the outer call its own.
 *
 * @example
 * gradFunc: (dy, [x]) => nestedGradients(() => tf.mul(tf.grad((r) => loss(r))(x), dy))
 */
export function nestedGradients<T>(fn: () => T): T {
  const state = tf.engine().state;
  const outer = state.activeTape;
  try {
    return fn();
  } finally {
    state.activeTape = outer;
  }
}
