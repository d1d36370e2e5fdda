#!/usr/bin/env python3
"""Convert a PyTorch / Lightning checkpoint of a taming VQModel + VQCT quantizer into a
vqct torch file (safetensors), which `vqct import --format torch` reads.

vqct never unpickles: a .ckpt is a pickle, so this script runs in *your* environment,
where you trust the file. It loads with torch.load(weights_only=True) (no code runs) and
only falls back to a full unpickle with --trust-pickle.

  python3 tools/torch/ckpt_to_safetensors.py last.ckpt --config configs/vqct.yaml \
      --prior prior.safetensors -o model.safetensors
  vqct import --format torch model.safetensors -o imported

What it does: takes ckpt["state_dict"] (or the dict itself), strips --strip-prefix,
renames torch_geometric < 2.0's GCNConv `weight` [in, out] to `lin.weight` [out, in],
drops the frozen LPIPS weights (loss.perceptual_loss.*) and the optimizer, casts floating
tensors to float32, and writes the metadata vqct needs: ddconfig and the quantizer's
settings (from the taming YAML --config, or --ddconfig / --embed-dim / --top-k), the
transfer net's shape (read off the GCN weights), and the prior (--prior, a vqct prior
file with the same words in the same order as the model's codebook).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vqct_torch import safetensors_io  # noqa: E402
from vqct_torch.prior import Prior  # noqa: E402


def load_state(path, trust):
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=not trust)
    except Exception as e:  # weights_only refuses custom classes (e.g. hyper-parameter objects)
        if trust:
            raise
        raise SystemExit(f'{path}: torch.load(weights_only=True) refused it ({e}); if you trust this file, rerun with --trust-pickle')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise SystemExit(f'{path}: no state_dict inside')
    return {k: v for k, v in state.items() if torch.is_tensor(v)}


def fix_names(state, prefix):
    out = {}
    for k, v in state.items():
        if prefix and k.startswith(prefix):
            k = k[len(prefix):]
        if k.startswith('loss.perceptual_loss.'):
            continue
        parts = k.split('.')
        # torch_geometric < 2.0: GCNConv.weight [in, out]; >= 2.0: GCNConv.lin.weight [out, in].
        if len(parts) >= 3 and parts[-3] == 'gcn' and parts[-2].startswith('conv') and parts[-1] == 'weight':
            k, v = '.'.join(parts[:-1] + ['lin', 'weight']), v.t()
        out[k] = v.float().contiguous() if v.is_floating_point() else v
    return out


def model_settings(a):
    ddconfig, params = None, {}
    if a.config:
        import yaml  # PyYAML: part of any taming / Lightning environment
        with open(a.config) as f:
            params = yaml.safe_load(f)['model']['params']
        ddconfig = params['ddconfig']
    if a.ddconfig:
        ddconfig = json.loads(a.ddconfig)
    if ddconfig is None:
        raise SystemExit('pass --config (the taming YAML the model was trained with) or --ddconfig JSON')
    ddconfig = dict(ddconfig, double_z=False)
    return ddconfig, {
        'embed_dim': a.embed_dim or params.get('embed_dim'),
        'top_k': a.top_k or params.get('topk', 2),
        'beta': params.get('beta', 0.25),
        'legacy': True,
    }


def transfer_settings(state):
    convs = sorted(int(k.split('.')[2][4:]) for k in state if k.startswith('quantize.gcn.conv') and k.endswith('lin.weight'))
    if not convs:
        return None
    first, last = state['quantize.gcn.conv1.lin.weight'], state[f'quantize.gcn.conv{convs[-1]}.lin.weight']
    return {'kind': 'gcn', 'features': 'words', 'layers': len(convs), 'hiddenDim': int(first.shape[0]),
            'codeDim': int(last.shape[0]), 'activation': 'relu', 'dropout': 0.5}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('ckpt')
    p.add_argument('-o', '--out', required=True)
    p.add_argument('--config', help="the taming YAML (model.params.ddconfig, embed_dim, topk, beta)")
    p.add_argument('--ddconfig', help='taming ddconfig as JSON (instead of --config)')
    p.add_argument('--embed-dim', type=int, help='e, the width of one half (quant_conv outputs 2e)')
    p.add_argument('--top-k', type=int)
    p.add_argument('--prior', help='the vqct prior file (same words, same order as the codebook) to carry along')
    p.add_argument('--strip-prefix', default='', help="e.g. 'model.' when the VQModel sits inside another module")
    p.add_argument('--trust-pickle', action='store_true', help='allow a full unpickle (runs code from the file)')
    a = p.parse_args()
    state = fix_names(load_state(a.ckpt, a.trust_pickle), a.strip_prefix)
    ddconfig, quantizer = model_settings(a)
    transfer = transfer_settings(state)
    if transfer is None and any(k.startswith('quantize.code_book_mapping.') for k in state):
        raise SystemExit('only the GCN transfer net converts: this checkpoint has the MLP mapping alone')
    prior = Prior.from_prior_file(a.prior) if a.prior else None
    if transfer is not None:
        if prior is None:
            raise SystemExit('a VQCT checkpoint needs --prior (the codebook is computed from its word vectors and graph)')
        quantizer.update(kind='vqct', k_adj=prior.k_adj, k_noun=prior.k_noun)
    else:
        k = state['quantize.embedding.weight'].shape[0]
        quantizer.update(kind='ema' if 'quantize.embedding.cluster_size' in state else 'vq', k_adj=0, k_noun=int(k))
    if quantizer['embed_dim'] is None:
        quantizer['embed_dim'] = int(transfer['codeDim'] if transfer else state['quantize.embedding.weight'].shape[1])
    md = {'format': 'vqct-torch', 'format_version': '1', 'ddconfig': json.dumps(ddconfig), 'quantizer': json.dumps(quantizer)}
    if transfer is not None:
        md['transfer'] = json.dumps(transfer)
    if prior is not None:
        pt, pm = prior.torch_entries()
        state.update(pt)
        md.update(pm)
    safetensors_io.save(a.out, state, md)
    print(f'{a.out}: {len(state)} tensors ({quantizer["kind"]}, e {quantizer["embed_dim"]}); next: vqct import --format torch {a.out} -o imported')


if __name__ == '__main__':
    main()
