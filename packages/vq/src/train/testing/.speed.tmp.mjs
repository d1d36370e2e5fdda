// ../../../../tmp/vq6/speed-src.mjs
import * as tf26 from "@tensorflow/tfjs-core";
import { useNodeBackend } from "@vqct/backend-node";

// src/losses/l1.ts
import * as tf from "@tensorflow/tfjs-core";
function l1Loss(x2, y) {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(x2, y))));
}

// src/losses/hinge.ts
import * as tf2 from "@tensorflow/tfjs-core";
function hingeDiscriminatorLoss(logitsReal, logitsFake) {
  return tf2.tidy(() => {
    const real = tf2.mean(tf2.relu(tf2.sub(1, logitsReal)));
    const fake = tf2.mean(tf2.relu(tf2.add(1, logitsFake)));
    return tf2.mul(0.5, tf2.add(real, fake));
  });
}
function generatorLoss(logitsFake) {
  return tf2.tidy(() => tf2.neg(tf2.mean(logitsFake)));
}

// src/losses/adaptive-weight.ts
import * as tf3 from "@tensorflow/tfjs-core";
function adaptiveWeight(recGrad, genGrad, options) {
  const { discWeight, maxWeight = 1e4, eps = 1e-4 } = options;
  const ratio = tf3.tidy(() => {
    const r = tf3.div(tf3.norm(recGrad), tf3.add(tf3.norm(genGrad), eps));
    return tf3.clipByValue(r, 0, maxWeight);
  });
  const value = ratio.dataSync()[0];
  ratio.dispose();
  return value * discWeight;
}

// src/losses/reconstruction.ts
import * as tf4 from "@tensorflow/tfjs-core";
function reconstructionLoss(x2, recon, perceptual, perceptualWeight) {
  const l1 = l1Loss(x2, recon);
  if (perceptual == null || perceptualWeight === 0) return { rec: l1, l1 };
  const p = perceptual.distance(x2, recon);
  return { rec: tf4.add(l1, tf4.mul(p, perceptualWeight)), l1, perceptual: p };
}

// src/losses/patch-discriminator.ts
import * as tf5 from "@tensorflow/tfjs-core";
import { Rng, check, resolveOrThrow } from "@vqct/core";
import { z } from "zod";
var defaultPatchDiscriminatorOptions = {
  inChannels: 3,
  baseFilters: 64,
  layers: 3,
  seed: 0,
  bnMomentum: 0.1
};
var schema = z.strictObject({
  inChannels: z.number().int().positive(),
  baseFilters: z.number().int().positive(),
  layers: z.number().int().min(1).max(6),
  seed: z.number().int(),
  bnMomentum: z.number().gt(0).lt(1)
});
function resolvePatchDiscriminatorOptions(o = {}) {
  return resolveOrThrow(schema, { ...defaultPatchDiscriminatorOptions, ...o }, "discriminator options");
}
var BN_EPS = 1e-5;
function normalVariable(rng2, shape, mean5, std, name, trainable = true) {
  const n = shape.reduce((a, b2) => a * b2, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = mean5 + std * rng2.normal();
  return tf5.tidy(() => tf5.variable(tf5.tensor(data, shape), trainable, name));
}
var instance = 0;
var PatchDiscriminator = class {
  options;
  blocks = [];
  names = {};
  constructor(options = {}) {
    this.options = resolvePatchDiscriminatorOptions(options);
    const { inChannels, baseFilters, layers, seed } = this.options;
    const rng2 = new Rng(seed);
    const uid = `disc${instance++}`;
    let cin = inChannels;
    const plan = [{ cout: baseFilters, stride: 2, norm: false }];
    let mult = 1;
    for (let n = 1; n < layers; n++) {
      mult = Math.min(2 ** n, 8);
      plan.push({ cout: baseFilters * mult, stride: 2, norm: true });
    }
    mult = Math.min(2 ** layers, 8);
    plan.push({ cout: baseFilters * mult, stride: 1, norm: true });
    plan.push({ cout: 1, stride: 1, norm: false });
    plan.forEach((p, i) => {
      const key = `layer${i}`;
      const block = { stride: p.stride, kernel: normalVariable(rng2, [4, 4, cin, p.cout], 0, 0.02, `${uid}.${key}.kernel`) };
      this.names[`${key}.kernel`] = block.kernel;
      if (p.norm) {
        block.gamma = normalVariable(rng2, [p.cout], 1, 0.02, `${uid}.${key}.gamma`);
        block.beta = tf5.tidy(() => tf5.variable(tf5.zeros([p.cout]), true, `${uid}.${key}.beta`));
        block.mean = tf5.tidy(() => tf5.variable(tf5.zeros([p.cout]), false, `${uid}.${key}.running_mean`));
        block.variance = tf5.tidy(() => tf5.variable(tf5.ones([p.cout]), false, `${uid}.${key}.running_var`));
        Object.assign(this.names, {
          [`${key}.gamma`]: block.gamma,
          [`${key}.beta`]: block.beta,
          [`${key}.running_mean`]: block.mean,
          [`${key}.running_var`]: block.variance
        });
      } else {
        block.bias = tf5.tidy(() => tf5.variable(tf5.zeros([p.cout]), true, `${uid}.${key}.bias`));
        this.names[`${key}.bias`] = block.bias;
      }
      this.blocks.push(block);
      cin = p.cout;
    });
  }
  /**
   * Patch logits for images. Returns a new tensor (use inside tf.tidy / variableGrads).
   * @param x [b, h, w, c] in [-1, 1]; h and w at least 2^layers * 4
   * @returns [b, h', w', 1]
   */
  apply(x2, options = {}) {
    check(
      x2.rank === 4 && x2.shape[3] === this.options.inChannels,
      () => `discriminator input must be [b, h, w, ${this.options.inChannels}], got [${x2.shape.join(", ")}]`
    );
    let h = x2;
    const last = this.blocks.length - 1;
    this.blocks.forEach((b2, i) => {
      const padded = tf5.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      h = tf5.conv2d(padded, b2.kernel, b2.stride, "valid");
      if (b2.bias != null) h = tf5.add(h, b2.bias);
      if (b2.gamma != null) h = this.batchNorm(h, b2, options.updateStats === true);
      if (i !== last) h = tf5.leakyRelu(h, 0.2);
    });
    return h;
  }
  batchNorm(h, b2, updateStats) {
    const { mean: mean5, variance } = tf5.moments(h, [0, 1, 2]);
    if (updateStats) {
      const n = h.shape[0] * h.shape[1] * h.shape[2];
      const m = this.options.bnMomentum;
      tf5.tidy(() => {
        const unbiased = tf5.mul(variance, n / Math.max(n - 1, 1));
        b2.mean.assign(tf5.add(tf5.mul(b2.mean, 1 - m), tf5.mul(mean5, m)));
        b2.variance.assign(tf5.add(tf5.mul(b2.variance, 1 - m), tf5.mul(unbiased, m)));
      });
    }
    return tf5.batchNorm(h, mean5, variance, b2.beta, b2.gamma, BN_EPS);
  }
  /** Trainable variables (kernels, biases, BatchNorm scales and shifts). */
  trainableVariables() {
    return Object.values(this.names).filter((v) => v.trainable);
  }
  /** Every variable under a stable name (`layer1.gamma`, `layer1.running_mean`, ...). */
  namedWeights() {
    return { ...this.names };
  }
  dispose() {
    for (const v of Object.values(this.names)) v.dispose();
  }
};

// src/losses/options.ts
import { resolveOrThrow as resolveOrThrow2 } from "@vqct/core";
import { z as z2 } from "zod";
var defaultLossOptions = {
  perceptualWeight: 1,
  discWeight: 0.8,
  discStart: 1e4,
  codebookWeight: 1,
  maxAdaptiveWeight: 1e4
};
var lossOptionsSchema = z2.strictObject({
  perceptualWeight: z2.number().min(0),
  discWeight: z2.number().min(0),
  discStart: z2.number().int().min(0),
  codebookWeight: z2.number().min(0),
  maxAdaptiveWeight: z2.number().positive()
});
function resolveLossOptions(options = {}) {
  return resolveOrThrow2(lossOptionsSchema, { ...defaultLossOptions, ...options }, "loss options");
}

// src/train/adam.ts
import * as tf6 from "@tensorflow/tfjs-core";
var NamedAdam = class {
  constructor(variables, options) {
    this.variables = variables;
    this.options = options;
    for (const [name, variable4] of Object.entries(variables)) {
      this.m[name] = tf6.tidy(() => tf6.variable(tf6.zerosLike(variable4), false));
      this.v[name] = tf6.tidy(() => tf6.variable(tf6.zerosLike(variable4), false));
    }
    this.t = tf6.tidy(() => tf6.variable(tf6.scalar(0), false));
  }
  variables;
  options;
  m = {};
  v = {};
  t;
  /** Applies one update; `grads` are keyed like `variables` (missing = no gradient). */
  apply(grads) {
    const { learningRate, beta1, beta2, epsilon } = this.options;
    tf6.tidy(() => {
      this.t.assign(tf6.add(this.t, 1));
      const t = this.t;
      const c1 = tf6.sub(1, tf6.pow(tf6.scalar(beta1), t));
      const c2 = tf6.sub(1, tf6.pow(tf6.scalar(beta2), t));
      for (const [name, variable4] of Object.entries(this.variables)) {
        const g = grads[name];
        if (g == null) continue;
        const m = tf6.add(tf6.mul(this.m[name], beta1), tf6.mul(g, 1 - beta1));
        const v = tf6.add(tf6.mul(this.v[name], beta2), tf6.mul(tf6.square(g), 1 - beta2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        const step2 = tf6.div(tf6.div(m, c1), tf6.add(tf6.sqrt(tf6.div(v, c2)), epsilon));
        variable4.assign(tf6.sub(variable4, tf6.mul(step2, learningRate)));
      }
    });
  }
  /** Number of updates applied so far. */
  steps() {
    return this.t.dataSync()[0];
  }
  /** The optimizer state under stable names, for checkpoints. */
  namedWeights() {
    const out = { t: this.t };
    for (const name of Object.keys(this.m)) {
      out[`m.${name}`] = this.m[name];
      out[`v.${name}`] = this.v[name];
    }
    return out;
  }
  dispose() {
    for (const x2 of Object.values(this.namedWeights())) x2.dispose();
  }
};

// src/train/vqgan-step.ts
import * as tf7 from "@tensorflow/tfjs-core";
import { ConfigError, NumericError } from "@vqct/core";

// src/metrics/codebook-usage.ts
import { ShapeError } from "@vqct/core";
var CodebookUsage = class {
  constructor(kAdj, kNoun) {
    this.kAdj = kAdj;
    this.kNoun = kNoun;
    this.adj = new Float64Array(kAdj);
    this.noun = new Float64Array(kNoun);
  }
  kAdj;
  kNoun;
  adj;
  noun;
  /** Adds token data, `perPosition` = k + 1 values per position. */
  add(tokens, perPosition) {
    const k = perPosition - 1;
    for (let i = 0; i < tokens.length; i += perPosition) {
      for (let j = 0; j < k; j++) this.bump(this.adj, tokens[i + j], "adjective");
      this.bump(this.noun, tokens[i + k], "noun");
    }
  }
  bump(counts, index, half) {
    if (!(index >= 0 && index < counts.length)) {
      throw new ShapeError(`${half} token ${index} is outside [0, ${counts.length})`);
    }
    counts[index] += 1;
  }
  result() {
    return { adjective: summarize(this.adj), noun: summarize(this.noun) };
  }
};
function summarize(counts) {
  let used = 0;
  let total = 0;
  for (const c of counts) {
    if (c > 0) used++;
    total += c;
  }
  let h = 0;
  if (total > 0) {
    for (const c of counts) if (c > 0) h -= c / total * Math.log(c / total);
  }
  return { used, usage: counts.length > 0 ? used / counts.length : 0, perplexity: total > 0 ? Math.exp(h) : 0 };
}
function tokenUsage(tokens, kAdj, kNoun) {
  const u = new CodebookUsage(kAdj, kNoun);
  u.add(tokens.dataSync(), tokens.shape[tokens.shape.length - 1]);
  const r = u.result();
  return { adjective: r.adjective.usage, noun: r.noun.usage };
}

// src/train/vqgan-step.ts
function nameVariables(groups) {
  const names = /* @__PURE__ */ new Map();
  for (const [prefix, vars] of groups) {
    for (const [k, v] of Object.entries(vars)) if (!names.has(v)) names.set(v, `${prefix}.${k}`);
  }
  return names;
}
function finite(x2) {
  return Number.isFinite(x2);
}
function createVqganStep(options) {
  const { model: model2, discriminator: disc2, perceptual, codebook } = options;
  const loss = resolveLossOptions(options.loss);
  const [beta1, beta2] = options.betas ?? [0.5, 0.9];
  const adamOptions = { learningRate: options.learningRate, beta1, beta2, epsilon: options.epsilon ?? 1e-8 };
  const names = nameVariables([
    ["model", model2.namedWeights()],
    ["transfer", codebook?.namedWeights() ?? {}],
    ["disc", disc2?.namedWeights() ?? {}]
  ]);
  const named = (vars, what) => {
    const out = {};
    for (const v of vars) {
      const n = names.get(v);
      if (n == null) throw new ConfigError(`${what} variable "${v.name}" has no stable name (not in namedWeights()); it could not be checkpointed`);
      out[n] = v;
    }
    return out;
  };
  const genVars = named(model2.trainableVariables(), "trainable");
  const genList = Object.values(genVars);
  const lastName = names.get(model2.lastLayerWeight()) ?? "";
  if (genVars[lastName] == null) throw new ConfigError("model.lastLayerWeight() is not among model.trainableVariables()");
  const optG = new NamedAdam(genVars, adamOptions);
  const discVars = disc2 != null ? named(disc2.trainableVariables(), "discriminator") : {};
  const optD = disc2 != null ? new NamedAdam(discVars, adamOptions) : void 0;
  const byName = (grads, vars) => {
    const out = {};
    for (const [n, v] of Object.entries(vars)) if (grads[v.name] != null) out[n] = grads[v.name];
    return out;
  };
  const guard = (what, values, step2) => {
    for (const [k, x2] of Object.entries(values)) {
      if (!finite(x2)) throw new NumericError(`${what} ${k} is ${x2} at step ${step2}; stopping before the update (weights and checkpoints untouched)`);
    }
  };
  function run(batch, step2, seed) {
    const discOn = disc2 != null && step2 >= loss.discStart;
    const losses = {};
    let usage;
    let kept = [];
    const a = tf7.variableGrads(() => {
      const out = model2.forward(batch, { training: true, seed });
      const parts = reconstructionLoss(batch, out.reconstruction, perceptual, loss.perceptualWeight);
      kept = [tf7.keep(out.reconstruction), tf7.keep(parts.l1), tf7.keep(out.quantLoss), tf7.keep(out.tokens)];
      if (parts.perceptual != null) kept.push(tf7.keep(parts.perceptual));
      return tf7.add(parts.rec, tf7.mul(out.quantLoss, loss.codebookWeight));
    }, genList);
    const [recon, l1, quant, tokens, perc] = kept;
    let b2;
    try {
      losses.l1 = l1.dataSync()[0];
      losses.codebook = quant.dataSync()[0];
      if (perc != null) losses.perceptual = perc.dataSync()[0];
      losses.rec = losses.l1 + (perc != null ? loss.perceptualWeight * (losses.perceptual ?? 0) : 0);
      if (options.kAdj != null && options.kNoun != null) usage = tokenUsage(tokens, options.kAdj, options.kNoun);
      let w = 0;
      if (discOn) {
        b2 = tf7.variableGrads(() => {
          const out = model2.forward(batch, { training: true, seed });
          const g = generatorLoss(disc2.apply(out.reconstruction));
          return g;
        }, genList);
        losses.gan = b2.value.dataSync()[0];
        w = adaptiveWeight(a.grads[model2.lastLayerWeight().name], b2.grads[model2.lastLayerWeight().name], {
          discWeight: loss.discWeight,
          maxWeight: loss.maxAdaptiveWeight
        });
        losses.adaptiveWeight = w;
      }
      losses.total = losses.rec + w * (losses.gan ?? 0) + loss.codebookWeight * losses.codebook;
      guard("generator loss", losses, step2);
      const gradsA = byName(a.grads, genVars);
      const gradsB = b2 != null ? byName(b2.grads, genVars) : void 0;
      const grads = tf7.tidy(() => {
        const out = {};
        for (const [n, g] of Object.entries(gradsA)) {
          out[n] = gradsB?.[n] != null ? tf7.add(g, tf7.mul(gradsB[n], w)) : tf7.clone(g);
        }
        return out;
      });
      try {
        const sq = tf7.tidy(() => tf7.addN(Object.values(grads).map((g) => tf7.sum(tf7.square(g)))));
        const gn = sq.dataSync()[0];
        sq.dispose();
        guard("generator gradient", { norm: gn }, step2);
        optG.apply(grads);
      } finally {
        tf7.dispose(grads);
      }
      model2.afterStep();
      if (discOn && optD != null) {
        const d = tf7.variableGrads(() => hingeDiscriminatorLoss(
          disc2.apply(batch, { updateStats: true }),
          disc2.apply(recon, { updateStats: true })
        ), Object.values(discVars));
        try {
          losses.disc = d.value.dataSync()[0];
          guard("discriminator loss", { disc: losses.disc }, step2);
          optD.apply(byName(d.grads, discVars));
        } finally {
          d.value.dispose();
          tf7.dispose(d.grads);
        }
      }
    } finally {
      a.value.dispose();
      tf7.dispose(a.grads);
      if (b2 != null) {
        b2.value.dispose();
        tf7.dispose(b2.grads);
      }
      tf7.dispose(kept);
    }
    return { losses, usage };
  }
  return {
    run,
    sample(batch) {
      return tf7.tidy(() => {
        const out = model2.forward(batch, { training: false });
        tf7.dispose([out.quantLoss, out.tokens]);
        return out.reconstruction;
      });
    },
    state() {
      const out = {};
      for (const [v, n] of names) out[n] = v;
      for (const [k, v] of Object.entries(optG.namedWeights())) out[`opt.g.${k}`] = v;
      if (optD != null) for (const [k, v] of Object.entries(optD.namedWeights())) out[`opt.d.${k}`] = v;
      return out;
    },
    dispose() {
      optG.dispose();
      optD?.dispose();
    }
  };
}

// src/config/resolve-config.ts
import { ConfigError as ConfigError2, resolveOrThrow as resolveOrThrow3 } from "@vqct/core";
import { z as z3 } from "zod";

// src/config/presets.ts
var common = {
  inChannels: 3,
  outChannels: 3,
  midAttention: true,
  dropout: 0,
  quantizer: "vqct",
  topK: 2,
  beta: 0.25,
  betaPlacement: "authors",
  emaDecay: 0.99,
  emaEpsilon: 1e-5,
  distanceBlockElements: 1 << 21
};
var VQ_MODEL_PRESETS = Object.freeze({
  tiny: {
    ...common,
    resolution: 32,
    ch: 32,
    chMult: [1, 2, 2],
    numResBlocks: 1,
    attnResolutions: [],
    zChannels: 32,
    codeDim: 32,
    kAdj: 64,
    kNoun: 128
  },
  "bench-32": {
    ...common,
    resolution: 32,
    ch: 64,
    chMult: [1, 2, 2],
    numResBlocks: 1,
    attnResolutions: [8],
    zChannels: 64,
    codeDim: 64,
    kAdj: 512,
    kNoun: 1024
  },
  "paper-256": {
    ...common,
    resolution: 256,
    ch: 128,
    chMult: [1, 1, 2, 2, 4],
    numResBlocks: 2,
    attnResolutions: [16],
    zChannels: 256,
    codeDim: 256,
    kAdj: 1e3,
    kNoun: 3e3
  }
});

// src/config/resolve-config.ts
var posInt = z3.number().int().positive();
var schema2 = z3.object({
  resolution: posInt,
  inChannels: posInt,
  outChannels: posInt,
  ch: posInt,
  chMult: z3.array(posInt).min(1),
  numResBlocks: z3.number().int().min(0),
  attnResolutions: z3.array(posInt),
  midAttention: z3.boolean(),
  zChannels: posInt,
  dropout: z3.number().min(0).lt(1),
  quantizer: z3.enum(["vqct", "vq", "ema"]),
  codeDim: posInt,
  topK: posInt,
  beta: z3.number().min(0),
  betaPlacement: z3.enum(["authors", "vqvae"]),
  kAdj: z3.number().int().min(0),
  kNoun: posInt,
  emaDecay: z3.number().gt(0).lt(1),
  emaEpsilon: z3.number().positive(),
  distanceBlockElements: posInt
}).strict();
var defaultVqModelConfig = Object.freeze({ ...VQ_MODEL_PRESETS["paper-256"] });
function groupsOk(c) {
  return c % 32 === 0;
}
function resolveVqModelConfig(options = {}) {
  const opts = typeof options === "string" ? { preset: options } : { ...options };
  const presetName = opts.preset ?? "paper-256";
  const preset = VQ_MODEL_PRESETS[presetName];
  if (preset == null) {
    throw new ConfigError2(`invalid VqModel config:
  preset: unknown preset ${JSON.stringify(presetName)}; expected one of ${Object.keys(VQ_MODEL_PRESETS).join(", ")}`);
  }
  delete opts.preset;
  const config = resolveOrThrow3(schema2, { ...preset, ...opts }, "VqModel config");
  const errors = [];
  const levels = config.chMult.length;
  const factor = 2 ** (levels - 1);
  if (config.resolution % factor !== 0) {
    errors.push(`resolution: ${config.resolution} is not divisible by the downsampling factor ${factor} (2^(chMult.length-1))`);
  }
  const widths = /* @__PURE__ */ new Set([config.ch, ...config.chMult.map((m) => m * config.ch)]);
  for (const c of widths) {
    if (!groupsOk(c)) errors.push(`ch/chMult: channel count ${c} is not divisible by GroupNorm's 32 groups`);
  }
  if (config.kAdj > 0 && config.topK > config.kAdj && config.quantizer !== "vqct") {
    errors.push(`topK: ${config.topK} exceeds kAdj ${config.kAdj}; expected topK <= kAdj`);
  }
  if (config.quantizer === "vqct" && config.kAdj === 0) {
    errors.push("kAdj: 0 is only allowed for the learned quantizers (vq, ema); vqct always has an adjective half");
  }
  if (errors.length > 0) throw new ConfigError2(`invalid VqModel config:
  ${errors.join("\n  ")}`);
  return config;
}
function downsampleFactor(config) {
  return 2 ** (config.chMult.length - 1);
}

// src/quantizer/vqct-quantizer.ts
import * as tf14 from "@tensorflow/tfjs-core";
import { ConfigError as ConfigError4 } from "@vqct/core";

// src/quantizer/layout-from-config.ts
import { ConfigError as ConfigError3 } from "@vqct/core";
function layoutFromConfig(config, sizes, codebookTerm) {
  if (sizes.kNoun < 1) throw new ConfigError3(`kNoun: ${sizes.kNoun}; expected at least 1 noun code`);
  if (sizes.kAdj < 0) throw new ConfigError3(`kAdj: ${sizes.kAdj}; expected 0 or more adjective codes`);
  if (sizes.kAdj > 0 && config.topK > sizes.kAdj) {
    throw new ConfigError3(`topK: ${config.topK} exceeds the ${sizes.kAdj} adjective codes; expected topK <= kAdj`);
  }
  return {
    kAdj: sizes.kAdj,
    kNoun: sizes.kNoun,
    codeDim: config.codeDim,
    topK: config.topK,
    beta: config.beta,
    betaPlacement: config.betaPlacement,
    distanceBlockElements: config.distanceBlockElements,
    codebookTerm
  };
}

// src/quantizer/two-half.ts
import * as tf13 from "@tensorflow/tfjs-core";
import { check as check2, InputError, ShapeError as ShapeError2 } from "@vqct/core";

// src/quantizer/gather-codes.ts
import * as tf10 from "@tensorflow/tfjs-core";

// src/quantizer/nearest-codes.ts
import * as tf8 from "@tensorflow/tfjs-core";
function rowsPerBlock(numCodes, blockElements) {
  return Math.max(1, Math.floor(blockElements / Math.max(1, numCodes)));
}
function searchBlock(zb, codesT, codeNorms, k) {
  const numCodes = codesT.shape[1];
  let d = tf8.add(
    tf8.sub(tf8.sum(tf8.square(zb), 1, true), tf8.mul(tf8.scalar(2), tf8.matMul(zb, codesT))),
    codeNorms
  );
  const picks = [];
  for (let j = 0; j < k; j++) {
    const idx = tf8.argMin(d, 1);
    picks.push(idx);
    if (j + 1 < k) {
      const picked = tf8.cast(tf8.oneHot(idx, numCodes), "bool");
      d = tf8.where(picked, tf8.fill(d.shape, Infinity), d);
    }
  }
  return tf8.stack(picks, 1);
}
function search(z4, codes, k, blockElements) {
  const codesT = tf8.transpose(codes);
  const codeNorms = tf8.reshape(tf8.sum(tf8.square(codes), 1), [1, codes.shape[0]]);
  const n = z4.shape[0];
  const rows = rowsPerBlock(codes.shape[0], blockElements);
  if (rows >= n) return searchBlock(z4, codesT, codeNorms, k);
  const blocks = [];
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    blocks.push(tf8.tidy(() => searchBlock(tf8.slice(z4, [r, 0], [size, -1]), codesT, codeNorms, k)));
  }
  return tf8.concat(blocks, 0);
}
function nearestCodes(z4, codes, k, blockElements = 1 << 21) {
  const op = tf8.customGrad((...args) => {
    const [zz, cc] = args;
    return {
      value: search(zz, cc, k, blockElements),
      gradFunc: () => [tf8.zerosLike(zz), tf8.zerosLike(cc)]
    };
  });
  return op(z4, codes);
}

// src/quantizer/one-hot.ts
import * as tf9 from "@tensorflow/tfjs-core";
function oneHotFloat(indices, depth) {
  return tf9.tidy(() => tf9.cast(tf9.oneHot(indices, depth), "float32"));
}

// src/quantizer/gather-codes.ts
function meanOfRows(codes, idx) {
  const k = idx.shape[1];
  if (k === 1) return tf10.gather(codes, tf10.reshape(idx, [idx.shape[0]]));
  return tf10.mean(tf10.gather(codes, idx), 1);
}
function scatterGrad(dq, idx, numCodes, blockElements) {
  const [n, k] = idx.shape;
  const rows = rowsPerBlock(numCodes, blockElements);
  let total = null;
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    const part = tf10.tidy(() => {
      const ib = tf10.slice(idx, [r, 0], [size, k]);
      let m = tf10.sum(oneHotFloat(ib, numCodes), 1);
      if (k > 1) m = tf10.div(m, tf10.scalar(k));
      return tf10.matMul(tf10.transpose(m), tf10.slice(dq, [r, 0], [size, -1]));
    });
    if (total == null) total = part;
    else {
      const next = tf10.add(total, part);
      total.dispose();
      part.dispose();
      total = next;
    }
  }
  return total ?? tf10.zeros([numCodes, dq.shape[1]]);
}
function gatherCodes(codes, idx, blockElements = 1 << 21) {
  const numCodes = codes.shape[0];
  const op = tf10.customGrad((...args) => {
    const [cc, ii, save] = args;
    save([ii]);
    return {
      value: meanOfRows(cc, ii),
      gradFunc: (dy, saved) => [
        scatterGrad(dy, saved[0], numCodes, blockElements),
        tf10.zeros(saved[0].shape, "float32")
      ]
    };
  });
  return op(codes, idx);
}

// src/quantizer/quantizer-loss.ts
import * as tf12 from "@tensorflow/tfjs-core";

// src/quantizer/stop-gradient.ts
import * as tf11 from "@tensorflow/tfjs-core";
var sg = tf11.customGrad((...args) => {
  const x2 = args[0];
  return {
    value: tf11.clone(x2),
    gradFunc: (dy) => tf11.zerosLike(dy)
  };
});
function stopGradient(x2) {
  return sg(x2);
}
var st = tf11.customGrad((...args) => {
  const [, q] = args;
  return {
    // The value is q itself (not z + (q - z), which rounds), so the training
    // output equals the inference output and the token round trip stays exact.
    value: tf11.clone(q),
    gradFunc: (dy) => [tf11.clone(dy), tf11.zerosLike(q)]
  };
});
function straightThrough(z4, q) {
  return st(z4, q);
}

// src/quantizer/quantizer-loss.ts
function quantizerLoss(z4, q, beta, placement, options = {}) {
  return tf12.tidy(() => {
    const commitment = tf12.mean(tf12.square(tf12.sub(stopGradient(q), z4)));
    const commitWeight = placement === "authors" ? 1 : beta;
    const weightedCommitment = tf12.mul(commitment, tf12.scalar(commitWeight));
    if (options.codebookTerm === false) return weightedCommitment;
    const codebook = tf12.mean(tf12.square(tf12.sub(q, stopGradient(z4))));
    const codebookWeight = placement === "authors" ? beta : 1;
    return tf12.add(weightedCommitment, tf12.mul(codebook, tf12.scalar(codebookWeight)));
  });
}

// src/quantizer/two-half.ts
function channelsOf(layout) {
  return layout.kAdj > 0 ? 2 * layout.codeDim : layout.codeDim;
}
function tokensPerPositionOf(layout) {
  return layout.kAdj > 0 ? layout.topK + 1 : 1;
}
function splitCodebook(codebook, kAdj) {
  const [k, e] = codebook.shape;
  if (kAdj === 0) return { adjective: null, noun: tf13.clone(codebook) };
  return {
    adjective: tf13.slice(codebook, [0, 0], [kAdj, e]),
    noun: tf13.slice(codebook, [kAdj, 0], [k - kAdj, e])
  };
}
function quantizeTwoHalves(z4, codes, layout, training) {
  const channels = channelsOf(layout);
  check2(
    z4.rank === 4 && z4.shape[3] === channels,
    () => `quantizer input must be [b, h, w, ${channels}] (${layout.kAdj > 0 ? "2e" : "e"} with e = ${layout.codeDim}), got [${z4.shape.join(", ")}]`
  );
  const [b2, h, w] = z4.shape;
  const n = b2 * h * w;
  const e = layout.codeDim;
  const flat = tf13.reshape(z4, [n, channels]);
  const block = layout.distanceBlockElements;
  const zAdjective = codes.adjective ? tf13.slice(flat, [0, 0], [n, e]) : null;
  const zNoun = codes.adjective ? tf13.slice(flat, [0, e], [n, e]) : flat;
  const adjective = codes.adjective && zAdjective ? nearestCodes(zAdjective, codes.adjective, layout.topK, block) : null;
  const noun = nearestCodes(zNoun, codes.noun, 1, block);
  const qNoun = gatherCodes(codes.noun, noun, block);
  const nounLoss = quantizerLoss(zNoun, qNoun, layout.beta, layout.betaPlacement, { codebookTerm: layout.codebookTerm });
  let q = qNoun;
  let adjLoss = tf13.scalar(0);
  let idx = noun;
  if (codes.adjective && adjective && zAdjective) {
    const qAdj = gatherCodes(codes.adjective, adjective, block);
    adjLoss = quantizerLoss(zAdjective, qAdj, layout.beta, layout.betaPlacement, { codebookTerm: layout.codebookTerm });
    q = tf13.concat([qAdj, qNoun], 1);
    idx = tf13.concat([adjective, noun], 1);
  }
  const out = training ? straightThrough(flat, q) : q;
  return {
    quantized: tf13.reshape(out, [b2, h, w, channels]),
    loss: tf13.add(adjLoss, nounLoss),
    parts: { adjective: adjLoss, noun: nounLoss },
    tokens: tf13.reshape(idx, [b2, h, w, idx.shape[1]]),
    assignments: { zAdjective, zNoun, adjective, noun }
  };
}
function checkTokens(tokens, layout) {
  const t = tokensPerPositionOf(layout);
  check2(tokens.rank === 4 && tokens.shape[3] === t, () => `tokens must be [b, h, w, ${t}], got [${tokens.shape.join(", ")}]`);
  check2(tokens.dtype === "int32", () => `tokens must be int32, got ${tokens.dtype}`, ShapeError2);
  if (tokens.size === 0) return;
  const [minAdj, maxAdj, minNoun, maxNoun] = tf13.tidy(() => {
    const flat = tf13.reshape(tokens, [-1, t]);
    const nouns = tf13.slice(flat, [0, t - 1], [-1, 1]);
    const adjs = t > 1 ? tf13.slice(flat, [0, 0], [-1, t - 1]) : tf13.zeros([1], "int32");
    return tf13.stack([tf13.min(adjs), tf13.max(adjs), tf13.min(nouns), tf13.max(nouns)]).dataSync();
  });
  if (t > 1 && (minAdj < 0 || maxAdj >= layout.kAdj)) {
    throw new InputError(`adjective token out of range: got values in [${minAdj}, ${maxAdj}], expected 0..${layout.kAdj - 1}`);
  }
  if (minNoun < 0 || maxNoun >= layout.kNoun) {
    throw new InputError(`noun token out of range: got values in [${minNoun}, ${maxNoun}], expected 0..${layout.kNoun - 1}`);
  }
}
function lookupTwoHalves(tokens, codes, layout) {
  checkTokens(tokens, layout);
  return tf13.tidy(() => {
    const [b2, h, w, t] = tokens.shape;
    const flat = tf13.reshape(tokens, [b2 * h * w, t]);
    const block = layout.distanceBlockElements;
    const qNoun = gatherCodes(codes.noun, tf13.slice(flat, [0, t - 1], [-1, 1]), block);
    const q = codes.adjective ? tf13.concat([gatherCodes(codes.adjective, tf13.slice(flat, [0, 0], [-1, t - 1]), block), qNoun], 1) : qNoun;
    return tf13.reshape(q, [b2, h, w, channelsOf(layout)]);
  });
}
function withoutAssignments(r) {
  return { quantized: r.quantized, loss: r.loss, parts: r.parts, tokens: r.tokens };
}

// src/quantizer/vqct-quantizer.ts
var VqctQuantizer = class {
  constructor(config, source) {
    this.source = source;
    if (source.codeDim !== config.codeDim) {
      throw new ConfigError4(`codeDim: the config says ${config.codeDim} but the codebook source gives codes of ${source.codeDim}; expected them equal`);
    }
    if (source.kAdj < 1) throw new ConfigError4(`the codebook source has ${source.kAdj} adjective codes; VQCT needs at least topK = ${config.topK}`);
    this.layout = layoutFromConfig(config, { kAdj: source.kAdj, kNoun: source.kNoun }, true);
    this.kAdj = source.kAdj;
    this.kNoun = source.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
  }
  source;
  kind = "vqct";
  kAdj;
  kNoun;
  codeDim;
  topK;
  channels;
  tokensPerPosition;
  layout;
  codebook(options) {
    const c = options.training ? this.source.trainingCodebook({ seed: options.seed }) : this.source.inferenceCodebook();
    const [k, e] = c.shape;
    if (k !== this.kAdj + this.kNoun || e !== this.codeDim) {
      throw new ConfigError4(`the codebook source returned [${k}, ${e}], expected [${this.kAdj + this.kNoun}, ${this.codeDim}] (kAdj + kNoun, codeDim)`);
    }
    return c;
  }
  quantize(z4, options) {
    return tf14.tidy(() => {
      const codes = splitCodebook(this.codebook(options), this.kAdj);
      return withoutAssignments(quantizeTwoHalves(z4, codes, this.layout, options.training));
    });
  }
  lookup(tokens) {
    return tf14.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.codebook({ training: false }), this.kAdj), this.layout));
  }
  trainableVariables() {
    return this.source.trainableVariables();
  }
  namedWeights() {
    return {};
  }
  afterStep() {
    this.source.invalidate();
  }
  dispose() {
  }
};

// src/quantizer/vector-quantizer.ts
import * as tf15 from "@tensorflow/tfjs-core";
var VectorQuantizer = class {
  kind = "vq";
  kAdj;
  kNoun;
  codeDim;
  topK;
  channels;
  tokensPerPosition;
  /** [kAdj + kNoun, e] */
  embedding;
  layout;
  name;
  constructor(config, store, prefix = "quantize") {
    this.layout = layoutFromConfig(config, config, true);
    this.kAdj = config.kAdj;
    this.kNoun = config.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
    const k = config.kAdj + config.kNoun;
    this.name = `${prefix}.embedding`;
    this.embedding = store.create(this.name, [k, config.codeDim], { kind: "uniform", bound: 1 / k });
  }
  quantize(z4, options) {
    return tf15.tidy(() => {
      const codes = splitCodebook(this.embedding, this.kAdj);
      return withoutAssignments(quantizeTwoHalves(z4, codes, this.layout, options.training));
    });
  }
  lookup(tokens) {
    return tf15.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.embedding, this.kAdj), this.layout));
  }
  trainableVariables() {
    return [this.embedding];
  }
  namedWeights() {
    return { [this.name]: this.embedding };
  }
  afterStep() {
  }
  /** The variable belongs to the ParamStore, which disposes it. */
  dispose() {
  }
};

// src/quantizer/ema-vector-quantizer.ts
import * as tf16 from "@tensorflow/tfjs-core";
var EmaVectorQuantizer = class {
  kind = "ema";
  kAdj;
  kNoun;
  codeDim;
  topK;
  channels;
  tokensPerPosition;
  embedding;
  clusterSize;
  embedAvg;
  layout;
  decay;
  epsilon;
  prefix;
  pending = [];
  constructor(config, store, prefix = "quantize") {
    this.layout = layoutFromConfig(config, config, false);
    this.kAdj = config.kAdj;
    this.kNoun = config.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
    this.decay = config.emaDecay;
    this.epsilon = config.emaEpsilon;
    this.prefix = prefix;
    const k = config.kAdj + config.kNoun;
    this.embedding = store.create(`${prefix}.embedding`, [k, config.codeDim], { kind: "normal", std: 1 }, false);
    this.clusterSize = store.create(`${prefix}.cluster_size`, [k], { kind: "constant", value: 0 }, false);
    this.embedAvg = store.create(`${prefix}.embed_avg`, [k, config.codeDim], { kind: "constant", value: 0 }, false);
    this.embedAvg.assign(this.embedding);
  }
  quantize(z4, options) {
    return tf16.tidy(() => {
      const codes = splitCodebook(this.embedding, this.kAdj);
      const r = quantizeTwoHalves(z4, codes, this.layout, options.training);
      if (options.training) this.record(r.assignments);
      return withoutAssignments(r);
    });
  }
  /** Keeps detached copies of the last training forward's vectors and picks until afterStep(). */
  record(a) {
    this.clearPending();
    const keep3 = (t) => tf16.keep(tf16.clone(t));
    if (a.zAdjective && a.adjective) this.pending.push({ z: keep3(a.zAdjective), idx: keep3(a.adjective), rows: [0, this.kAdj] });
    this.pending.push({ z: keep3(a.zNoun), idx: keep3(a.noun), rows: [this.kAdj, this.kAdj + this.kNoun] });
  }
  clearPending() {
    for (const p of this.pending) {
      p.z.dispose();
      p.idx.dispose();
    }
    this.pending = [];
  }
  lookup(tokens) {
    return tf16.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.embedding, this.kAdj), this.layout));
  }
  trainableVariables() {
    return [];
  }
  namedWeights() {
    return {
      [`${this.prefix}.embedding`]: this.embedding,
      [`${this.prefix}.cluster_size`]: this.clusterSize,
      [`${this.prefix}.embed_avg`]: this.embedAvg
    };
  }
  /** Applies the EMA update from the last training forward (no-op without one). */
  afterStep() {
    if (this.pending.length === 0) return;
    tf16.tidy(() => {
      const sizes = [];
      const avgs = [];
      const embeds = [];
      for (const p of this.pending) {
        const [r0, r1] = p.rows;
        const kh = r1 - r0;
        const { counts, sums } = assignmentStats(p.z, p.idx, kh, this.layout.distanceBlockElements);
        const d = tf16.scalar(this.decay);
        const oneMinus = tf16.scalar(1 - this.decay);
        const cs = tf16.add(tf16.mul(tf16.slice(this.clusterSize, [r0], [kh]), d), tf16.mul(counts, oneMinus));
        const ea = tf16.add(tf16.mul(tf16.slice(this.embedAvg, [r0, 0], [kh, -1]), d), tf16.mul(sums, oneMinus));
        const n = tf16.sum(cs);
        const eps = tf16.scalar(this.epsilon);
        const smoothed = tf16.mul(tf16.div(tf16.add(cs, eps), tf16.add(n, tf16.mul(eps, tf16.scalar(kh)))), n);
        sizes.push(cs);
        avgs.push(ea);
        embeds.push(tf16.div(ea, tf16.reshape(smoothed, [kh, 1])));
      }
      this.clusterSize.assign(tf16.concat(sizes, 0));
      this.embedAvg.assign(tf16.concat(avgs, 0));
      this.embedding.assign(tf16.concat(embeds, 0));
    });
    this.clearPending();
  }
  dispose() {
    this.clearPending();
  }
};
function assignmentStats(z4, idx, numCodes, blockElements) {
  const [n, k] = idx.shape;
  const rows = rowsPerBlock(numCodes, blockElements);
  let counts = tf16.zeros([numCodes]);
  let sums = tf16.zeros([numCodes, z4.shape[1]]);
  for (let r = 0; r < n; r += rows) {
    const size = Math.min(rows, n - r);
    const m = tf16.div(tf16.sum(oneHotFloat(tf16.slice(idx, [r, 0], [size, k]), numCodes), 1), tf16.scalar(k));
    counts = tf16.add(counts, tf16.sum(m, 0));
    sums = tf16.add(sums, tf16.matMul(tf16.transpose(m), tf16.slice(z4, [r, 0], [size, -1])));
  }
  return { counts, sums };
}

// src/quantizer/create-quantizer.ts
import { ConfigError as ConfigError5 } from "@vqct/core";
function createQuantizer(config, store, codebook) {
  switch (config.quantizer) {
    case "vqct":
      if (codebook == null) {
        throw new ConfigError5("quantizer: 'vqct' needs a codebook source (createVqModel(config, { codebook })); use quantizer 'vq' or 'ema' for a learned codebook");
      }
      return new VqctQuantizer(config, codebook);
    case "vq":
    case "ema":
      if (codebook != null) {
        throw new ConfigError5(`quantizer: '${config.quantizer}' learns its own codebook but a codebook source was given; expected quantizer 'vqct'`);
      }
      return config.quantizer === "vq" ? new VectorQuantizer(config, store) : new EmaVectorQuantizer(config, store);
  }
}

// src/model/param-store.ts
import * as tf17 from "@tensorflow/tfjs-core";
import { ConfigError as ConfigError6, Rng as Rng2 } from "@vqct/core";
function hashName(name) {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
function initValues(size, init, seed, name) {
  const values = new Float32Array(size);
  if (init.kind === "constant") return values.fill(init.value);
  const rng2 = new Rng2((seed ^ hashName(name)) >>> 0);
  if (init.kind === "uniform") for (let i = 0; i < size; i++) values[i] = (rng2.next() * 2 - 1) * init.bound;
  else for (let i = 0; i < size; i++) values[i] = rng2.normal() * init.std;
  return values;
}
var ParamStore = class {
  constructor(seed) {
    this.seed = seed;
  }
  seed;
  vars = /* @__PURE__ */ new Map();
  create(name, shape, init, trainable = true) {
    if (this.vars.has(name)) throw new ConfigError6(`parameter ${name} is defined twice`);
    const size = shape.reduce((a, b2) => a * b2, 1);
    const variable4 = tf17.tidy(() => tf17.variable(tf17.tensor(initValues(size, init, this.seed, name), shape), trainable));
    this.vars.set(name, { variable: variable4, trainable });
    return variable4;
  }
  /** Every variable, trainable or not, by name (insertion order). */
  named() {
    const out = {};
    for (const [name, { variable: variable4 }] of this.vars) out[name] = variable4;
    return out;
  }
  trainable() {
    return [...this.vars.values()].filter((v) => v.trainable).map((v) => v.variable);
  }
  dispose() {
    for (const { variable: variable4 } of this.vars.values()) variable4.dispose();
    this.vars.clear();
  }
};

// src/model/vq-model.ts
import * as tf25 from "@tensorflow/tfjs-core";
import { check as check3, ShapeError as ShapeError3 } from "@vqct/core";

// src/model/decoder.ts
import * as tf23 from "@tensorflow/tfjs-core";

// src/model/layers/attn-block.ts
import * as tf20 from "@tensorflow/tfjs-core";

// src/model/layers/conv2d.ts
import * as tf18 from "@tensorflow/tfjs-core";
var Conv2d = class {
  constructor(store, name, inChannels, outChannels, options) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    const k = options.kernelSize;
    const bound = 1 / Math.sqrt(inChannels * k * k);
    this.kernel = store.create(`${name}.kernel`, [k, k, inChannels, outChannels], { kind: "uniform", bound });
    this.bias = store.create(`${name}.bias`, [outChannels], { kind: "uniform", bound });
    this.stride = options.stride ?? 1;
    this.pad = options.pad ?? (k === 1 ? "valid" : "same");
  }
  inChannels;
  outChannels;
  kernel;
  bias;
  stride;
  pad;
  /** @param x [b, h, w, in] @returns [b, h', w', out] */
  apply(x2) {
    return tf18.fused.conv2d({
      x: x2,
      filter: this.kernel,
      strides: this.stride,
      pad: this.pad,
      bias: this.bias
    });
  }
};

// src/model/layers/group-norm.ts
import * as tf19 from "@tensorflow/tfjs-core";
var GroupNorm = class {
  constructor(store, name, channels, groups = 32, epsilon = 1e-6) {
    this.channels = channels;
    this.groups = groups;
    this.epsilon = epsilon;
    this.gamma = store.create(`${name}.gamma`, [channels], { kind: "constant", value: 1 });
    this.beta = store.create(`${name}.beta`, [channels], { kind: "constant", value: 0 });
  }
  channels;
  groups;
  epsilon;
  gamma;
  beta;
  /** @param x [b, h, w, c] */
  apply(x2) {
    return tf19.tidy(() => {
      const [b2, h, w, c] = x2.shape;
      const grouped = tf19.reshape(x2, [b2, h * w, this.groups, c / this.groups]);
      const { mean: mean5, variance } = tf19.moments(grouped, [1, 3], true);
      const normed = tf19.mul(tf19.sub(grouped, mean5), tf19.rsqrt(tf19.add(variance, tf19.scalar(this.epsilon))));
      return tf19.add(tf19.mul(tf19.reshape(normed, [b2, h, w, c]), this.gamma), this.beta);
    });
  }
};
function swish(x2) {
  return tf19.tidy(() => tf19.mul(x2, tf19.sigmoid(x2)));
}

// src/model/layers/attn-block.ts
var AttnBlock = class {
  constructor(store, name, channels) {
    this.channels = channels;
    this.norm = new GroupNorm(store, `${name}.norm`, channels);
    this.q = new Conv2d(store, `${name}.q`, channels, channels, { kernelSize: 1 });
    this.k = new Conv2d(store, `${name}.k`, channels, channels, { kernelSize: 1 });
    this.v = new Conv2d(store, `${name}.v`, channels, channels, { kernelSize: 1 });
    this.proj = new Conv2d(store, `${name}.proj_out`, channels, channels, { kernelSize: 1 });
  }
  channels;
  norm;
  q;
  k;
  v;
  proj;
  /** @param x [b, h, w, c] */
  apply(x2) {
    return tf20.tidy(() => {
      const [b2, h, w, c] = x2.shape;
      const n = this.norm.apply(x2);
      const q = tf20.reshape(this.q.apply(n), [b2, h * w, c]);
      const kT = tf20.transpose(tf20.reshape(this.k.apply(n), [b2, h * w, c]), [0, 2, 1]);
      const v = tf20.reshape(this.v.apply(n), [b2, h * w, c]);
      const weights = tf20.softmax(tf20.mul(tf20.matMul(q, kT), tf20.scalar(1 / Math.sqrt(c))));
      const attended = tf20.reshape(tf20.matMul(weights, v), [b2, h, w, c]);
      return tf20.add(x2, this.proj.apply(attended));
    });
  }
};

// src/model/layers/resnet-block.ts
import * as tf21 from "@tensorflow/tfjs-core";
var ResnetBlock = class {
  constructor(store, name, inChannels, outChannels, dropout2) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.dropout = dropout2;
    this.norm1 = new GroupNorm(store, `${name}.norm1`, inChannels);
    this.conv1 = new Conv2d(store, `${name}.conv1`, inChannels, outChannels, { kernelSize: 3 });
    this.norm2 = new GroupNorm(store, `${name}.norm2`, outChannels);
    this.conv2 = new Conv2d(store, `${name}.conv2`, outChannels, outChannels, { kernelSize: 3 });
    this.shortcut = inChannels !== outChannels ? new Conv2d(store, `${name}.nin_shortcut`, inChannels, outChannels, { kernelSize: 1 }) : null;
  }
  inChannels;
  outChannels;
  dropout;
  norm1;
  conv1;
  norm2;
  conv2;
  shortcut;
  /** @param x [b, h, w, in] @returns [b, h, w, out] */
  apply(x2, ctx) {
    return tf21.tidy(() => {
      let h = this.conv1.apply(swish(this.norm1.apply(x2)));
      h = swish(this.norm2.apply(h));
      if (ctx.training && this.dropout > 0) h = tf21.dropout(h, this.dropout, void 0, ctx.nextSeed());
      h = this.conv2.apply(h);
      return tf21.add(this.shortcut ? this.shortcut.apply(x2) : x2, h);
    });
  }
};

// src/model/layers/resample.ts
import * as tf22 from "@tensorflow/tfjs-core";
var Downsample = class {
  conv;
  constructor(store, name, channels) {
    this.conv = new Conv2d(store, `${name}.conv`, channels, channels, { kernelSize: 3, stride: 2, pad: "valid" });
  }
  /** @param x [b, h, w, c] @returns [b, h/2, w/2, c] */
  apply(x2) {
    return tf22.tidy(() => this.conv.apply(tf22.pad(x2, [[0, 0], [0, 1], [0, 1], [0, 0]])));
  }
};
var nearest2x = tf22.customGrad((...args) => {
  const x2 = args[0];
  const [b2, h, w, c] = x2.shape;
  return {
    value: tf22.reshape(tf22.broadcastTo(tf22.reshape(x2, [b2, h, 1, w, 1, c]), [b2, h, 2, w, 2, c]), [b2, 2 * h, 2 * w, c]),
    gradFunc: (dy) => tf22.sum(tf22.reshape(dy, [b2, h, 2, w, 2, c]), [2, 4])
  };
});
function upsampleNearest2x(x2) {
  return nearest2x(x2);
}
var Upsample = class {
  conv;
  constructor(store, name, channels) {
    this.conv = new Conv2d(store, `${name}.conv`, channels, channels, { kernelSize: 3 });
  }
  /** @param x [b, h, w, c] @returns [b, 2h, 2w, c] */
  apply(x2) {
    return tf22.tidy(() => this.conv.apply(upsampleNearest2x(x2)));
  }
};

// src/model/decoder.ts
var Decoder = class {
  convIn;
  mid;
  /** Coarsest level first (the order they run in). */
  levels = [];
  normOut;
  convOut;
  /** The final conv's kernel [3, 3, blockIn, outChannels] (the adaptive GAN weight's "last layer"). */
  lastLayerWeight;
  constructor(store, config, prefix = "decoder") {
    const { ch, chMult, numResBlocks, attnResolutions, dropout: dropout2 } = config;
    const n = chMult.length;
    let blockIn = ch * chMult[n - 1];
    let res = config.resolution / 2 ** (n - 1);
    this.convIn = new Conv2d(store, `${prefix}.conv_in`, config.zChannels, blockIn, { kernelSize: 3 });
    this.mid = {
      block1: new ResnetBlock(store, `${prefix}.mid.block_1`, blockIn, blockIn, dropout2),
      attn: config.midAttention ? new AttnBlock(store, `${prefix}.mid.attn_1`, blockIn) : null,
      block2: new ResnetBlock(store, `${prefix}.mid.block_2`, blockIn, blockIn, dropout2)
    };
    for (let i = n - 1; i >= 0; i--) {
      const level = { blocks: [], attns: [], upsample: null };
      const blockOut = ch * chMult[i];
      for (let j = 0; j < numResBlocks + 1; j++) {
        level.blocks.push(new ResnetBlock(store, `${prefix}.up.${i}.block.${j}`, blockIn, blockOut, dropout2));
        blockIn = blockOut;
        if (attnResolutions.includes(res)) level.attns.push(new AttnBlock(store, `${prefix}.up.${i}.attn.${j}`, blockIn));
      }
      if (i !== 0) {
        level.upsample = new Upsample(store, `${prefix}.up.${i}.upsample`, blockIn);
        res = res * 2;
      }
      this.levels.push(level);
    }
    this.normOut = new GroupNorm(store, `${prefix}.norm_out`, blockIn);
    this.convOut = new Conv2d(store, `${prefix}.conv_out`, blockIn, config.outChannels, { kernelSize: 3 });
    this.lastLayerWeight = this.convOut.kernel;
  }
  /** @param z [b, h, w, zChannels] @returns [b, h*f, w*f, outChannels] */
  apply(z4, ctx) {
    return tf23.tidy(() => {
      let h = this.convIn.apply(z4);
      h = this.mid.block1.apply(h, ctx);
      if (this.mid.attn) h = this.mid.attn.apply(h);
      h = this.mid.block2.apply(h, ctx);
      for (const level of this.levels) {
        level.blocks.forEach((block, j) => {
          h = block.apply(h, ctx);
          if (level.attns.length > 0) h = level.attns[j].apply(h);
        });
        if (level.upsample) h = level.upsample.apply(h);
      }
      return this.convOut.apply(swish(this.normOut.apply(h)));
    });
  }
};

// src/model/encoder.ts
import * as tf24 from "@tensorflow/tfjs-core";
var Encoder = class {
  convIn;
  levels = [];
  mid;
  normOut;
  convOut;
  constructor(store, config, prefix = "encoder") {
    const { ch, chMult, numResBlocks, attnResolutions, dropout: dropout2 } = config;
    this.convIn = new Conv2d(store, `${prefix}.conv_in`, config.inChannels, ch, { kernelSize: 3 });
    let res = config.resolution;
    let blockIn = ch;
    const inMult = [1, ...chMult];
    chMult.forEach((mult, i) => {
      const level = { blocks: [], attns: [], downsample: null };
      blockIn = ch * inMult[i];
      const blockOut = ch * mult;
      for (let j = 0; j < numResBlocks; j++) {
        level.blocks.push(new ResnetBlock(store, `${prefix}.down.${i}.block.${j}`, blockIn, blockOut, dropout2));
        blockIn = blockOut;
        if (attnResolutions.includes(res)) level.attns.push(new AttnBlock(store, `${prefix}.down.${i}.attn.${j}`, blockIn));
      }
      if (i !== chMult.length - 1) {
        level.downsample = new Downsample(store, `${prefix}.down.${i}.downsample`, blockIn);
        res = res / 2;
      }
      this.levels.push(level);
    });
    this.mid = {
      block1: new ResnetBlock(store, `${prefix}.mid.block_1`, blockIn, blockIn, dropout2),
      attn: config.midAttention ? new AttnBlock(store, `${prefix}.mid.attn_1`, blockIn) : null,
      block2: new ResnetBlock(store, `${prefix}.mid.block_2`, blockIn, blockIn, dropout2)
    };
    this.normOut = new GroupNorm(store, `${prefix}.norm_out`, blockIn);
    this.convOut = new Conv2d(store, `${prefix}.conv_out`, blockIn, config.zChannels, { kernelSize: 3 });
  }
  /** @param x [b, h, w, inChannels] @returns [b, h/f, w/f, zChannels], f = 2^(levels-1) */
  apply(x2, ctx) {
    return tf24.tidy(() => {
      let h = this.convIn.apply(x2);
      for (const level of this.levels) {
        level.blocks.forEach((block, j) => {
          h = block.apply(h, ctx);
          if (level.attns.length > 0) h = level.attns[j].apply(h);
        });
        if (level.downsample) h = level.downsample.apply(h);
      }
      h = this.mid.block1.apply(h, ctx);
      if (this.mid.attn) h = this.mid.attn.apply(h);
      h = this.mid.block2.apply(h, ctx);
      return this.convOut.apply(swish(this.normOut.apply(h)));
    });
  }
};

// src/model/layers/context.ts
function forwardContext(training, seed = 0) {
  let counter = 0;
  return {
    training,
    nextSeed: () => ((seed >>> 0) * 1000003 + ++counter * 7919) % 2147483647
  };
}

// src/model/vq-model.ts
var VqModel = class {
  config;
  quantizer;
  store;
  encoder;
  decoder;
  quantConv;
  postQuantConv;
  constructor(config, options = {}) {
    this.store = new ParamStore(options.seed ?? 0);
    try {
      const base = resolveVqModelConfig(config);
      this.quantizer = createQuantizer(base, this.store, options.codebook);
      this.config = { ...base, kAdj: this.quantizer.kAdj, kNoun: this.quantizer.kNoun };
      this.encoder = new Encoder(this.store, this.config);
      this.quantConv = new Conv2d(this.store, "quant_conv", this.config.zChannels, this.quantizer.channels, { kernelSize: 1 });
      this.postQuantConv = new Conv2d(this.store, "post_quant_conv", this.quantizer.channels, this.config.zChannels, { kernelSize: 1 });
      this.decoder = new Decoder(this.store, this.config);
    } catch (e) {
      this.store.dispose();
      throw e;
    }
  }
  /** Token grid [h', w'] for an image of h x w. */
  tokenGridShape(height, width) {
    const f = downsampleFactor(this.config);
    return [height / f, width / f];
  }
  checkImages(images) {
    const f = downsampleFactor(this.config);
    const c = this.config.inChannels;
    check3(images.rank === 4, () => `images must be [b, h, w, ${c}] (NHWC), got rank ${images.rank} [${images.shape.join(", ")}]`);
    const [, h, w, ch] = images.shape;
    check3(ch === c, () => `images must have ${c} channels (inChannels), got [${images.shape.join(", ")}]`);
    check3(h % f === 0 && w % f === 0 && h > 0 && w > 0, () => `image sides must be positive multiples of the downsampling factor ${f}, got ${h}x${w}`);
    check3(images.dtype === "float32", () => `images must be float32 in [-1, 1], got ${images.dtype}`, ShapeError3);
  }
  quantInput(images, training, seed) {
    return this.quantConv.apply(this.encoder.apply(images, forwardContext(training, seed)));
  }
  decode(quantized, training, seed) {
    return this.decoder.apply(this.postQuantConv.apply(quantized), forwardContext(training, seed === void 0 ? void 0 : seed + 1));
  }
  /**
   * Encoder -> quantizer -> decoder. Returns new tensors (the caller owns
   * them; normally inside tf.tidy or tf.variableGrads).
   * @param images [b, h, w, inChannels] in [-1, 1]
   * @example
   * const { value, grads } = tf.variableGrads(() => {
   *   const out = model.forward(x, { training: true, seed: step });
   *   return tf.add(tf.mean(tf.abs(tf.sub(x, out.reconstruction))), out.quantLoss);
   * }, model.trainableVariables());
   */
  forward(images, options) {
    this.checkImages(images);
    return tf25.tidy(() => {
      const q = this.quantizer.quantize(this.quantInput(images, options.training, options.seed), options);
      return {
        reconstruction: this.decode(q.quantized, options.training, options.seed),
        quantLoss: q.loss,
        parts: q.parts,
        tokens: q.tokens
      };
    });
  }
  /**
   * Images -> tokens: k adjective indices (0..kAdj-1) then 1 noun index (0..kNoun-1) per position.
   * @param images [b, h, w, inChannels] @returns int32 [b, h/f, w/f, k+1]
   * @example const tokens = model.encode(images); // [1, 8, 8, 3] for tiny
   */
  encode(images) {
    this.checkImages(images);
    return tf25.tidy(() => this.quantizer.quantize(this.quantInput(images, false), { training: false }).tokens);
  }
  /**
   * Tokens -> images; `decodeTokens(encode(x))` equals `reconstruct(x)` exactly.
   * @param tokens int32 [b, h', w', k+1] @returns [b, h'*f, w'*f, outChannels]
   * @example const images = model.decodeTokens(model.encode(x));
   */
  decodeTokens(tokens) {
    return tf25.tidy(() => this.decode(this.quantizer.lookup(tokens), false));
  }
  /**
   * Inference reconstruction.
   * @param images [b, h, w, inChannels] @returns [b, h, w, outChannels]
   * @example const y = model.reconstruct(x);
   */
  reconstruct(images) {
    this.checkImages(images);
    return tf25.tidy(() => this.decode(this.quantizer.quantize(this.quantInput(images, false), { training: false }).quantized, false));
  }
  /** Encoder, decoder, quant convs, a learned codebook if any, plus the codebook source's variables. */
  trainableVariables() {
    return [...this.store.trainable(), ...this.config.quantizer === "vqct" ? this.quantizer.trainableVariables() : []];
  }
  /** The decoder's final conv kernel [3, 3, ch, outChannels] (for the adaptive GAN weight). */
  lastLayerWeight() {
    return this.decoder.lastLayerWeight;
  }
  /** Every variable the model owns (EMA buffers too), by stable name, e.g. `encoder.down.0.block.0.conv1.kernel`. Not the codebook source's. */
  namedWeights() {
    return this.store.named();
  }
  /** Number of values in the model's own variables (trainable or not). */
  parameterCount() {
    return Object.values(this.store.named()).reduce((n, v) => n + v.size, 0);
  }
  /** Call after each optimizer step: EMA codebook updates, and the codebook source's cache is invalidated. */
  afterStep() {
    this.quantizer.afterStep();
  }
  /** Frees the model's variables (not the codebook source, which its creator disposes). */
  dispose() {
    this.quantizer.dispose();
    this.store.dispose();
  }
};
function createVqModel(config, options = {}) {
  return new VqModel(config, options);
}

// ../../../../tmp/vq6/speed-src.mjs
import { createTransferNet } from "@vqct/transfer-net";
import { Rng as Rng3 } from "@vqct/core";
await useNodeBackend({ backend: process.argv[2] });
var cfg = resolveVqModelConfig(process.argv[3] ?? "tiny");
var K = cfg.kAdj + cfg.kNoun;
var dim = 16;
var rng = new Rng3(1);
var vectors = Float32Array.from({ length: K * dim }, () => rng.normal());
var E = 4 * K;
var edgeIndex = new Int32Array(E * 2);
for (let e = 0; e < E; e++) {
  edgeIndex[2 * e] = rng.int(cfg.kAdj);
  edgeIndex[2 * e + 1] = cfg.kAdj + rng.int(cfg.kNoun);
}
var prior = { words: Array.from({ length: K }, (_, i) => `w${i}`), kAdj: cfg.kAdj, kNoun: cfg.kNoun, dim, vectors, edgeIndex, edgeWeight: new Float32Array(E).fill(1), counts: new Int32Array(K).fill(1), meta: { formatVersion: 1, corpusDigest: "x", embeddingSource: "random", minCount: 1 } };
var net = createTransferNet(prior, { codeDim: cfg.codeDim, hiddenDim: 64, seed: 1 });
var model = createVqModel(cfg, { codebook: net, seed: 1 });
var b = Number(process.argv[4] ?? 4);
var disc = new PatchDiscriminator({ inChannels: 3, seed: 1 });
var step = createVqganStep({ model, codebook: net, discriminator: disc, learningRate: 1e-4, loss: { discStart: Number(process.argv[5] ?? 0) } });
var x = tf26.randomUniform([b, cfg.resolution, cfg.resolution, 3], -1, 1);
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  const r = step.run(x, i, i);
  console.log(i, (performance.now() - t).toFixed(0), "ms", JSON.stringify(r.losses));
}
