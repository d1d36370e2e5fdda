import { FormatError } from '@vqct/core';
import type { TorchLayout } from './torch-layout';

/** A tensor's name on the other side and how its values are laid out there. */
export interface TorchNameMapping {
  name: string;
  layout: TorchLayout;
}

/*
 * vqct checkpoint name                      PyTorch state_dict name (taming VQModel + VQCT quantizer)
 *   model.<module>.kernel  [kh,kw,in,out]   <module>.weight  [out,in,kh,kw]      conv
 *   model.<module>.bias                     <module>.bias
 *   model.<norm>.gamma / .beta              <norm>.weight / .bias                GroupNorm
 *   model.quantize.embedding                quantize.embedding.weight            vq / ema codebook
 *   model.quantize.cluster_size, embed_avg  quantize.embedding.cluster_size, .embed_avg (ema)
 *   transfer.gcn.<l>.weight  [in,out]       quantize.gcn.conv<l+1>.lin.weight [out,in]  (torch_geometric GCNConv)
 *   transfer.gcn.<l>.bias                   quantize.gcn.conv<l+1>.bias
 *   transfer.mlp.<l>.weight / .bias         quantize.code_book_mapping.<2l>.weight / .bias (nn.Sequential of Linear, act)
 *   disc.layer<i>.kernel / .bias            loss.discriminator.main.<c(i)>.weight / .bias, c(0) = 0, c(i) = 3i-1
 *   disc.layer<i>.gamma/beta/running_*      loss.discriminator.main.<3i>.weight/bias/running_*   (BatchNorm2d)
 *   opt.<g|d>.t                             optimizer.<g|d>.step
 *   opt.<g|d>.m.<name> / .v.<name>          optimizer.<g|d>.exp_avg.<torch name> / .exp_avg_sq.<torch name>
 * The taming names inside <module> (encoder.down.0.block.1.conv2, decoder.up.2.upsample.conv,
 * encoder.mid.attn_1.proj_out, quant_conv, ...) are already the same on both sides.
 */

const isNorm = (module: string): boolean => /(^|\.)norm[^.]*$/.test(module);

function modelToTorch(rest: string): TorchNameMapping | null {
  if (rest === 'quantize.embedding') return { name: 'quantize.embedding.weight', layout: 'copy' };
  if (rest === 'quantize.cluster_size' || rest === 'quantize.embed_avg') return { name: `quantize.embedding.${rest.slice(9)}`, layout: 'copy' };
  const m = /^(.+)\.(kernel|bias|gamma|beta)$/.exec(rest);
  if (m == null) return null;
  const [, module, param] = m;
  if (param === 'kernel') return { name: `${module}.weight`, layout: 'conv' };
  if (param === 'gamma') return { name: `${module}.weight`, layout: 'copy' };
  return { name: `${module}.bias`, layout: 'copy' };
}

function transferToTorch(rest: string): TorchNameMapping | null {
  const m = /^(gcn|mlp)\.(\d+)\.(weight|bias)$/.exec(rest);
  if (m == null) return null;
  const l = Number(m[2]);
  const layout: TorchLayout = m[3] === 'weight' ? 'linear' : 'copy';
  if (m[1] === 'gcn') return { name: m[3] === 'weight' ? `quantize.gcn.conv${l + 1}.lin.weight` : `quantize.gcn.conv${l + 1}.bias`, layout };
  return { name: `quantize.code_book_mapping.${2 * l}.${m[3]}`, layout };
}

function discToTorch(rest: string): TorchNameMapping | null {
  const m = /^layer(\d+)\.(kernel|bias|gamma|beta|running_mean|running_var)$/.exec(rest);
  if (m == null) return null;
  const i = Number(m[1]);
  const param = m[2];
  if (param === 'kernel' || param === 'bias') {
    return { name: `loss.discriminator.main.${i === 0 ? 0 : 3 * i - 1}.${param === 'kernel' ? 'weight' : 'bias'}`, layout: param === 'kernel' ? 'conv' : 'copy' };
  }
  const torchParam = param === 'gamma' ? 'weight' : param === 'beta' ? 'bias' : param;
  return { name: `loss.discriminator.main.${3 * i}.${torchParam}`, layout: 'copy' };
}

function optToTorch(rest: string): TorchNameMapping | null {
  const m = /^(g|d)\.(?:(t)|(m|v)\.(.+))$/.exec(rest);
  if (m == null) return null;
  if (m[2] != null) return { name: `optimizer.${m[1]}.step`, layout: 'copy' };
  const inner = toTorchName(m[4]);
  return { name: `optimizer.${m[1]}.${m[3] === 'm' ? 'exp_avg' : 'exp_avg_sq'}.${inner.name}`, layout: inner.layout };
}

/**
 * The PyTorch name and layout of a vqct checkpoint tensor (table above).
 * Throws FormatError for a name outside the table.
 *
 * @example toTorchName('model.encoder.conv_in.kernel'); // { name: 'encoder.conv_in.weight', layout: 'conv' }
 */
export function toTorchName(name: string): TorchNameMapping {
  const dot = name.indexOf('.');
  const group = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const mapped = group === 'model' ? modelToTorch(rest)
    : group === 'transfer' ? transferToTorch(rest)
      : group === 'disc' ? discToTorch(rest)
        : group === 'opt' ? optToTorch(rest)
          : null;
  if (mapped == null) throw new FormatError(`checkpoint tensor "${name}" has no PyTorch name (expected model.*, transfer.gcn|mlp.*, disc.layer*, opt.*)`);
  return mapped;
}

const TAMING_MODULES = /^(encoder|decoder|quant_conv|post_quant_conv)(\.|$)/;

function taming(name: string): TorchNameMapping | null {
  const m = /^(.+)\.(weight|bias)$/.exec(name);
  if (m == null || !TAMING_MODULES.test(m[1])) return null;
  const [, module, param] = m;
  if (isNorm(module)) return { name: `model.${module}.${param === 'weight' ? 'gamma' : 'beta'}`, layout: 'copy' };
  return param === 'weight' ? { name: `model.${module}.kernel`, layout: 'conv' } : { name: `model.${module}.bias`, layout: 'copy' };
}

function quantize(name: string): TorchNameMapping | null {
  if (name === 'quantize.embedding.weight') return { name: 'model.quantize.embedding', layout: 'copy' };
  if (name === 'quantize.embedding.cluster_size' || name === 'quantize.embedding.embed_avg') return { name: `model.quantize.${name.slice(19)}`, layout: 'copy' };
  const gcn = /^quantize\.gcn\.conv(\d+)\.(lin\.weight|bias)$/.exec(name);
  if (gcn != null && Number(gcn[1]) >= 1) {
    const l = Number(gcn[1]) - 1;
    return gcn[2] === 'bias' ? { name: `transfer.gcn.${l}.bias`, layout: 'copy' } : { name: `transfer.gcn.${l}.weight`, layout: 'linear' };
  }
  const mlp = /^quantize\.code_book_mapping\.(\d+)\.(weight|bias)$/.exec(name);
  if (mlp != null && Number(mlp[1]) % 2 === 0) {
    return { name: `transfer.mlp.${Number(mlp[1]) / 2}.${mlp[2]}`, layout: mlp[2] === 'weight' ? 'linear' : 'copy' };
  }
  return null;
}

function discriminator(name: string): TorchNameMapping | null {
  const m = /^loss\.discriminator\.main\.(\d+)\.(weight|bias|running_mean|running_var)$/.exec(name);
  if (m == null) return null;
  const idx = Number(m[1]);
  const param = m[2];
  if (idx === 0 || idx % 3 === 2) {
    if (param !== 'weight' && param !== 'bias') return null;
    const layer = idx === 0 ? 0 : (idx + 1) / 3;
    return param === 'weight' ? { name: `disc.layer${layer}.kernel`, layout: 'conv' } : { name: `disc.layer${layer}.bias`, layout: 'copy' };
  }
  if (idx % 3 !== 0) return null;
  const vqctParam = param === 'weight' ? 'gamma' : param === 'bias' ? 'beta' : param;
  return { name: `disc.layer${idx / 3}.${vqctParam}`, layout: 'copy' };
}

function optimizer(name: string): TorchNameMapping | null {
  const m = /^optimizer\.(g|d)\.(?:(step)|(exp_avg|exp_avg_sq)\.(.+))$/.exec(name);
  if (m == null) return null;
  if (m[2] != null) return { name: `opt.${m[1]}.t`, layout: 'copy' };
  const inner = fromTorchName(m[4]);
  return inner == null ? null : { name: `opt.${m[1]}.${m[3] === 'exp_avg' ? 'm' : 'v'}.${inner.name}`, layout: inner.layout };
}

/**
 * The vqct checkpoint name and layout of a PyTorch state_dict tensor (the
 * inverse of `toTorchName`); null for a name outside the table.
 *
 * @example fromTorchName('quantize.gcn.conv2.lin.weight'); // { name: 'transfer.gcn.1.weight', layout: 'linear' }
 */
export function fromTorchName(name: string): TorchNameMapping | null {
  return taming(name) ?? quantize(name) ?? discriminator(name) ?? optimizer(name);
}
