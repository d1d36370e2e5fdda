import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, ConfigError, Rng } from '@vqct/core';

/** How a parameter starts. `uniform`: U(-bound, bound) (PyTorch's default for conv weights and biases with bound 1/sqrt(fan_in)). */
export type ParamInit =
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number }
  | { kind: 'constant'; value: number };

/** FNV-1a: a stable 32-bit hash of a parameter name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function initValues(size: number, init: ParamInit, seed: number, name: string): Float32Array {
  const values = new Float32Array(size);
  if (init.kind === 'constant') return values.fill(init.value);
  // One generator per parameter, seeded by (model seed, name): the same name
  // gets the same values whatever else the model contains.
  const rng = new Rng((seed ^ hashName(name)) >>> 0);
  if (init.kind === 'uniform') for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * init.bound;
  else for (let i = 0; i < size; i++) values[i] = rng.normal() * init.std;
  return values;
}

/**
 * Creates and owns a model's variables under stable dotted names
 * (`encoder.down.0.block.0.conv1.kernel`), with seeded deterministic init.
 * Variables are created without tfjs names (tfjs names are global, and two
 * models must be able to coexist). `dispose()` frees them all.
 *
 * @example
 * const store = new ParamStore(42);
 * const w = store.create('conv.kernel', [3, 3, 8, 8], { kind: 'uniform', bound: 1 / Math.sqrt(72) });
 */
export class ParamStore {
  private readonly vars = new Map<string, { variable: tf.Variable; trainable: boolean }>();

  /** `expect`: the only shapes parameters may have (checked before allocating; see CreateVqModelOptions.expectShapes). */
  constructor(readonly seed: number, private readonly expect?: { shapes: Record<string, readonly number[]>; file?: string }) {}

  create(name: string, shape: number[], init: ParamInit, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new ConfigError(`parameter ${name} is defined twice`);
    if (this.expect != null) {
      const want = this.expect.shapes[name];
      if (want == null || want.length !== shape.length || want.some((d, i) => d !== shape[i])) {
        throw new CheckpointError(
          `the model config does not match the weights: "${name}" would be [${shape.join(', ')}], the weights have ${want == null ? 'no such tensor' : `[${want.join(', ')}]`}`,
          { file: this.expect.file },
        );
      }
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const variable = tf.tidy(() => tf.variable(tf.tensor(initValues(size, init, this.seed, name), shape), trainable));
    this.vars.set(name, { variable, trainable });
    return variable;
  }

  /** Every variable, trainable or not, by name (insertion order). */
  named(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [name, { variable }] of this.vars) out[name] = variable;
    return out;
  }

  trainable(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable).map((v) => v.variable);
  }

  dispose(): void {
    for (const { variable } of this.vars.values()) variable.dispose();
    this.vars.clear();
  }
}
