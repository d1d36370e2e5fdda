"""Checks @vqct/transfer-net against PyTorch Geometric's real GCNConv.

Reads the fixtures of make-pyg-fixtures.mjs with Python's `safetensors`
(which also proves Python can open our prior and weight files), rebuilds the
same network with torch_geometric.nn.GCNConv (default normalization: self-loops,
symmetric D^-1/2 (A+I) D^-1/2, duplicate edges summed) and our weights, and
compares the codebooks. Prints one JSON line; exits 1 on a mismatch.
    python3 packages/transfer-net/test/pyg/pyg_parity.py FIXTURE_DIR
"""
import json
import sys

import torch
import torch_geometric
from safetensors import safe_open
from safetensors.torch import load_file
from torch_geometric.nn import GCNConv

d = sys.argv[1] if len(sys.argv) > 1 else '.device-fixtures'
with safe_open(f'{d}/prior.safetensors', 'pt') as f:
    meta = f.metadata()
prior = load_file(f'{d}/prior.safetensors')
names = sorted(prior)
vec_key = next(k for k in names if prior[k].dim() == 2 and prior[k].dtype == torch.float32)
edge_key = next(k for k in names if prior[k].dtype == torch.int32 and prior[k].dim() == 2)
w_key = next(k for k in names if prior[k].dtype == torch.float32 and prior[k].dim() == 1 and prior[k].shape[0] == prior[edge_key].shape[0])
x = prior[vec_key].double()
ei = prior[edge_key].long().t()
ew = prior[w_key].double()
edge_index = torch.cat([ei, ei.flip(0)], 1)  # undirected: both directions
edge_weight = torch.cat([ew, ew])
results = {'torch': torch.__version__, 'pyg': torch_geometric.__version__, 'prior_tensors': names,
           'prior_metadata_keys': sorted(meta or {}), 'K': x.shape[0], 'E': ei.shape[1]}
ok = True
for name in ['gcn', 'gcn3']:
    w = load_file(f'{d}/{name}.safetensors')
    expected = load_file(f'{d}/{name}.expected.safetensors')['codebook'].double()
    layers = sorted({k.split('.')[1] for k in w if k.startswith('gcn.')}, key=int)
    h = x
    for i in layers:
        weight, bias = w[f'gcn.{i}.weight'].double(), w[f'gcn.{i}.bias'].double()
        conv = GCNConv(weight.shape[0], weight.shape[1]).double()
        with torch.no_grad():
            conv.lin.weight.copy_(weight.t())
            conv.bias.copy_(bias)
            h = conv(h, edge_index, edge_weight)
        if i != layers[-1]:
            h = torch.relu(h)
    err = (h - expected).abs().max().item()
    scale = expected.abs().max().item()
    results[name] = {'layers': len(layers), 'max_abs_err': err, 'max_abs': scale}
    ok = ok and err <= 1e-4 * max(1.0, scale)
results['ok'] = ok
print(json.dumps(results))
sys.exit(0 if ok else 1)
