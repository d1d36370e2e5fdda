import * as tf from '@tensorflow/tfjs-core';

/** One layer's cached keys (transposed) and values. */
export interface LayerCache {
  /** [b * heads, headSize, t] */
  keysT: tf.Tensor3D;
  /** [b * heads, t, headSize] */
  values: tf.Tensor3D;
}

/**
 * The keys and values of every position fed so far, per layer, so that the
 * next token costs one pass over one position (`TokenTransformer.step`).
 * Owns its tensors: `dispose()` when sampling is done.
 *
 * @example
 * const cache = new KvCache(config.layers);
 * const h = model.step(ids, cache); // [b, d]; cache.length === 1
 * cache.dispose();
 */
export class KvCache {
  private readonly layers: (LayerCache | null)[];
  /** Positions fed so far. */
  length = 0;

  constructor(layerCount: number) {
    this.layers = Array.from({ length: layerCount }, () => null);
  }

  get(layer: number): LayerCache | null {
    return this.layers[layer];
  }

  /** Appends one position's keys [bh, dh, 1] and values [bh, 1, dh]; returns the whole cache of that layer. Call inside tf.tidy. */
  append(layer: number, keysT: tf.Tensor3D, values: tf.Tensor3D): LayerCache {
    const old = this.layers[layer];
    const next: LayerCache = old == null
      ? { keysT: tf.keep(tf.clone(keysT)), values: tf.keep(tf.clone(values)) }
      : { keysT: tf.keep(tf.concat([old.keysT, keysT], 2)), values: tf.keep(tf.concat([old.values, values], 1)) };
    if (old != null) tf.dispose([old.keysT, old.values]);
    this.layers[layer] = next;
    return next;
  }

  dispose(): void {
    for (const c of this.layers) if (c != null) tf.dispose([c.keysT, c.values]);
    this.layers.fill(null);
    this.length = 0;
  }
}
