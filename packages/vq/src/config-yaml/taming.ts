import { ConfigError } from '@vqct/core';
import type { VqModelOptions } from '../config/types';
import type { LossOptions } from '../losses/options';
import type { PatchDiscriminatorOptions } from '../losses/patch-discriminator';
import type { TrainOptions } from '../train/options';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v != null && typeof v === 'object' && !Array.isArray(v);

/** taming `ddconfig` key -> VqModelOptions key. */
const DDCONFIG: Record<string, keyof VqModelOptions> = {
  resolution: 'resolution',
  in_channels: 'inChannels',
  out_ch: 'outChannels',
  ch: 'ch',
  ch_mult: 'chMult',
  num_res_blocks: 'numResBlocks',
  attn_resolutions: 'attnResolutions',
  z_channels: 'zChannels',
  dropout: 'dropout',
};

const LOSS: Record<string, keyof LossOptions> = {
  disc_start: 'discStart',
  disc_weight: 'discWeight',
  codebook_weight: 'codebookWeight',
  perceptual_weight: 'perceptualWeight',
};

const DISC: Record<string, keyof PatchDiscriminatorOptions> = {
  disc_in_channels: 'inChannels',
  disc_num_layers: 'layers',
  disc_ndf: 'baseFilters',
};

/** Keys with a required value: anything else cannot be honoured and is an error. */
const FIXED: Record<string, unknown> = {
  'model.params.ddconfig.double_z': false,
  'model.params.lossconfig.params.disc_conditional': false,
  'model.params.lossconfig.params.disc_loss': 'hinge',
  'model.params.lossconfig.params.use_actnorm': false,
  'model.params.lossconfig.params.pixelloss_weight': 1.0,
  'model.params.lossconfig.params.disc_factor': 1.0,
};

const WHY: Record<string, string> = {
  target: 'classes are not picked by dotted strings here',
  monitor: 'logging only',
  ckpt_path: 'use the CLI --resume/--init options',
  ignore_keys: 'checkpoint surgery is not supported',
  image_key: 'datasets yield images directly',
  colorize_nlabels: 'segmentation inputs are not supported',
  remap: 'index remapping is not supported',
  sane_index_shape: 'tokens are always [b, h, w, k + 1]',
  num_workers: 'data loading is in-process',
  wrap: 'data loading is in-process',
};

function why(path: string): string {
  const last = path.split('.').pop() ?? path;
  return WHY[last] ?? 'not used by vqct';
}

/**
 * Maps an authors' taming-style config (already parsed YAML) to vqct options.
 * Every key that has no effect is listed in `ignored` with the reason.
 * n_embed becomes kNoun (a plain VQ codebook); with the 'vqct' quantizer the
 * codebook sizes come from the prior instead, and the note says so.
 */
export function fromTaming(root: Obj): { model: VqModelOptions; train: TrainOptions; discriminator: PatchDiscriminatorOptions; ignored: string[] } {
  const ignored: string[] = [];
  const model: VqModelOptions = {};
  const loss: LossOptions = {};
  const disc: PatchDiscriminatorOptions = {};
  const train: TrainOptions = {};
  const visit = (obj: Obj, path: string, handle: (key: string, value: unknown, p: string) => boolean): void => {
    for (const [k, v] of Object.entries(obj)) {
      const p = `${path}.${k}`;
      if (p in FIXED) {
        if (v !== FIXED[p]) throw new ConfigError(`${p} = ${JSON.stringify(v)} is not supported (only ${JSON.stringify(FIXED[p])})`);
        continue;
      }
      if (!handle(k, v, p)) ignored.push(`${p}: ${why(p)}`);
    }
  };
  const m = root.model as Obj;
  visit(m, 'model', (k, v) => {
    if (k === 'base_learning_rate') { train.baseLearningRate = v as number; return true; }
    if (k === 'params' && isObj(v)) {
      visit(v, 'model.params', (pk, pv, pp) => {
        if (pk === 'embed_dim') { model.codeDim = pv as number; return true; }
        if (pk === 'n_embed') {
          model.kNoun = pv as number;
          ignored.push(`${pp}: used as kNoun of a learned codebook ('vq'/'ema'); with the 'vqct' quantizer the prior decides the codebook sizes`);
          return true;
        }
        if (pk === 'topk') { model.topK = pv as number; return true; }
        if (pk === 'beta') { model.beta = pv as number; return true; }
        if (pk === 'ddconfig' && isObj(pv)) {
          visit(pv, pp, (dk, dv) => {
            const key = DDCONFIG[dk];
            if (key == null) return false;
            (model as Obj)[key] = dv;
            return true;
          });
          return true;
        }
        if (pk === 'lossconfig' && isObj(pv)) {
          visit(pv, pp, (lk, lv, lp) => {
            if (lk !== 'params' || !isObj(lv)) return false;
            visit(lv, lp, (xk, xv) => {
              if (LOSS[xk] != null) { (loss as Obj)[LOSS[xk]] = xv; return true; }
              if (DISC[xk] != null) { (disc as Obj)[DISC[xk]] = xv; return true; }
              return false;
            });
            return true;
          });
          return true;
        }
        return false;
      });
      return true;
    }
    return false;
  });
  for (const [k, v] of Object.entries(root)) {
    if (k === 'model') continue;
    if (k === 'data' && isObj(v)) {
      visit(v, 'data', (dk, dv, dp) => {
        if (dk !== 'params' || !isObj(dv)) return false;
        visit(dv, dp, (pk, pv) => {
          if (pk === 'batch_size') { train.batchSize = pv as number; return true; }
          return false;
        });
        return true;
      });
    } else {
      ignored.push(`${k}: ${k === 'lightning' ? 'PyTorch Lightning settings are not used' : 'not used by vqct'}`);
    }
  }
  if (Object.keys(loss).length > 0) train.loss = loss;
  return { model, train, discriminator: disc, ignored };
}
