/**
 * Command-line options of the collapse experiment (docs/RESULTS.md).
 * Parsed once here; every other module takes the resolved object.
 */
export interface CollapseOptions {
  /** Training steps of every main variant. */
  steps: number;
  /** Training steps of every codebook-size sweep run (0 = no sweep). */
  sweepSteps: number;
  /** Main variants to run (subset of VARIANT_NAMES). */
  variants: string[];
  /** Sweep points: adjective cap x noun cap pairs, e.g. "32x64,64x128". */
  sweep: Array<[number, number]>;
  /** Caps of the main comparison's prior (VQCT's K; VQ and EMA take the same K). */
  maxAdjectives: number;
  maxNouns: number;
  minCount: number;
  /** Descriptions of the default corpus to tag (0 = all, about 70k). */
  corpusLines: number;
  /** Variants trained at once, each in its own child process. */
  jobs: number;
  out: string;
  resume: boolean;
  quick: boolean;
  /** Image side fed to the tiny autoencoder (fashion-mnist is 28: padded to 32, or resized to 16). */
  size: number;
  batch: number;
  /** Per-image base learning rate; lr = base x batch (the authors' scaling). */
  baseLr: number;
  seed: number;
  trainPerClass: number;
  testPerClass: number;
  /** Held-out images used for the usage-over-training curve. */
  curveImages: number;
  /** Points on the usage-over-training curve. */
  curvePoints: number;
  /** Side for the InceptionV3 FID-like features (0 = skip the FID-like score). */
  fidSize: number;
  /** tfjs backend of the training processes. */
  backend: 'wasm' | 'cpu';
  /** Init of the `mlp` variant's layers (docs/RESULTS.md, "The MLP discrepancy"); the GCN variants keep Glorot. */
  mlpInit: 'glorot' | 'torch-linear';
  /** Hidden-layer dropout of the `mlp` variant; the GCN variants keep METHOD.md's 0.5. */
  mlpDropout: number;
}

export const VARIANT_NAMES = ['vqct', 'vq', 'ema', 'mlp', 'random'] as const;

const FULL: CollapseOptions = {
  steps: 600, sweepSteps: 300, variants: [...VARIANT_NAMES],
  sweep: [[32, 64], [128, 256], [512, 1024]],
  maxAdjectives: 256, maxNouns: 512, minCount: 10, corpusLines: 0,
  jobs: 1, out: 'docs/results', resume: false, quick: false,
  size: 32, batch: 8, baseLr: 1.25e-4, seed: 1,
  trainPerClass: 1000, testPerClass: 50, curveImages: 200, curvePoints: 15, fidSize: 75, backend: 'wasm',
  mlpInit: 'glorot', mlpDropout: 0.5,
};

/** The CI smoke: a few dozen steps, two variants, a tiny eval set, no sweep. */
const QUICK: Partial<CollapseOptions> = {
  steps: 24, sweepSteps: 0, variants: ['vqct', 'vq'], sweep: [],
  maxAdjectives: 16, maxNouns: 32, minCount: 2, corpusLines: 3000, size: 16, batch: 4,
  trainPerClass: 8, testPerClass: 2, curveImages: 8, curvePoints: 3, fidSize: 0, out: 'collapse-quick',
};

function num(name: string, v: string | undefined, int = true): number {
  const x = Number(v);
  if (v == null || !Number.isFinite(x) || (int && !Number.isInteger(x))) throw new Error(`--${name}: expected a${int ? 'n integer' : ' number'}, got ${v}`);
  return x;
}

/** Parses argv (without node and script). Throws an Error naming the bad option. */
export function parseCollapseArgs(argv: string[]): CollapseOptions {
  const o: CollapseOptions = { ...FULL };
  if (argv.includes('--quick')) Object.assign(o, QUICK, { quick: true });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick' || a === '--') continue;
    if (a === '--resume') { o.resume = true; continue; }
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const v = inline ?? argv[++i];
    const name = flag.replace(/^--/, '');
    switch (name) {
      case 'steps': o.steps = num(name, v); break;
      case 'sweep-steps': o.sweepSteps = num(name, v); break;
      case 'variants': o.variants = v.split(',').filter(Boolean); break;
      case 'sweep': o.sweep = v === 'none' || v === '' ? [] : v.split(',').map((p) => {
        const m = /^(\d+)x(\d+)$/.exec(p);
        if (m == null) throw new Error(`--sweep: expected ADJxNOUN pairs like 64x128, got ${p}`);
        return [Number(m[1]), Number(m[2])] as [number, number];
      }); break;
      case 'max-adjectives': o.maxAdjectives = num(name, v); break;
      case 'max-nouns': o.maxNouns = num(name, v); break;
      case 'min-count': o.minCount = num(name, v); break;
      case 'corpus-lines': o.corpusLines = num(name, v); break;
      case 'jobs': o.jobs = num(name, v); break;
      case 'out': o.out = v; break;
      case 'size': o.size = num(name, v); break;
      case 'batch': o.batch = num(name, v); break;
      case 'base-lr': o.baseLr = num(name, v, false); break;
      case 'seed': o.seed = num(name, v); break;
      case 'train-per-class': o.trainPerClass = num(name, v); break;
      case 'test-per-class': o.testPerClass = num(name, v); break;
      case 'curve-images': o.curveImages = num(name, v); break;
      case 'curve-points': o.curvePoints = num(name, v); break;
      case 'fid-size': o.fidSize = num(name, v); break;
      case 'backend':
        if (v !== 'wasm' && v !== 'cpu') throw new Error(`--backend: expected wasm or cpu, got ${v}`);
        o.backend = v; break;
      case 'mlp-init':
        if (v !== 'glorot' && v !== 'torch-linear') throw new Error(`--mlp-init: expected glorot or torch-linear, got ${v}`);
        o.mlpInit = v; break;
      case 'mlp-dropout':
        o.mlpDropout = num(name, v, false);
        if (o.mlpDropout < 0 || o.mlpDropout >= 1) throw new Error(`--mlp-dropout: expected a rate in [0, 1), got ${v}`);
        break;
      default: throw new Error(`unknown option ${flag} (see docs/RESULTS.md)`);
    }
  }
  for (const v of o.variants) {
    if (!(VARIANT_NAMES as readonly string[]).includes(v)) throw new Error(`--variants: unknown variant "${v}", expected some of ${VARIANT_NAMES.join(',')}`);
  }
  if (o.jobs < 1) throw new Error('--jobs: expected at least 1');
  if (![16, 32].includes(o.size)) throw new Error(`--size: expected 16 or 32 (multiples of the tiny preset's factor 4 that fashion-mnist maps to cleanly), got ${o.size}`);
  if (o.fidSize !== 0 && o.fidSize < 75) throw new Error(`--fid-size: InceptionV3 needs at least 75 (or 0 to skip), got ${o.fidSize}`);
  if (o.fidSize > 0 && 10 * o.testPerClass > 600) throw new Error('--test-per-class: the FID-like score takes at most 600 held-out images (60 per class); use --fid-size 0 for more');
  if (o.trainPerClass + o.testPerClass > 7000) throw new Error('--train-per-class + --test-per-class: fashion-mnist has 7000 images per class');
  return o;
}
