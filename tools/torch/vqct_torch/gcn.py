"""The transfer network (METHOD.md section 2) with torch_geometric's parameter names.

GCNConv is written out by hand (no torch_geometric needed) with the same
state_dict as torch_geometric >= 2.0's GCNConv: `lin.weight` [out, in] (a
Linear without bias) and `bias` [out]. Its propagation is torch_geometric's
default gcn_norm: self-loops of weight 1 added, D the weighted in-degree,
norm = D^-1/2[src] * w * D^-1/2[dst], out[dst] += norm * (x W^T)[src]; the bias last.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    'relu': nn.ReLU,
    'leakyRelu': lambda: nn.LeakyReLU(0.01),
    'elu': nn.ELU,
    'tanh': nn.Tanh,
    'sigmoid': nn.Sigmoid,
    'swish': nn.SiLU,
    'linear': nn.Identity,
}


def glorot_(w):
    bound = math.sqrt(6.0 / (w.shape[0] + w.shape[1]))
    with torch.no_grad():
        w.uniform_(-bound, bound)


def gcn_norm(edge_index, edge_weight, num_nodes):
    """Adds self-loops (weight 1) and returns (edge_index, normalized weights)."""
    loops = torch.arange(num_nodes, dtype=edge_index.dtype)
    edge_index = torch.cat([edge_index, torch.stack([loops, loops])], dim=1)
    edge_weight = torch.cat([edge_weight, torch.ones(num_nodes, dtype=edge_weight.dtype)])
    src, dst = edge_index
    deg = torch.zeros(num_nodes, dtype=edge_weight.dtype).index_add_(0, dst, edge_weight)
    inv = deg.pow(-0.5)
    inv[torch.isinf(inv)] = 0
    return edge_index, inv[src] * edge_weight * inv[dst]


class GCNConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        glorot_(self.lin.weight)

    def forward(self, x, edge_index, norm):
        h = self.lin(x)
        src, dst = edge_index
        out = torch.zeros_like(h).index_add_(0, dst, h[src] * norm[:, None])
        return out + self.bias


def undirected(edge_index, edge_weight):
    """Each undirected pair once -> both directions (torch_geometric's to_undirected, weights kept)."""
    return torch.cat([edge_index, edge_index.flip(0)], dim=1), torch.cat([edge_weight, edge_weight])


class GCN(nn.Module):
    """conv1..convL (the authors' `quantize.gcn.conv1/conv2`), activation and dropout between."""

    def __init__(self, widths, activation='relu', dropout=0.5):
        super().__init__()
        self.layers = len(widths) - 1
        for l in range(self.layers):
            setattr(self, f'conv{l + 1}', GCNConv(widths[l], widths[l + 1]))
        self.act = ACTIVATIONS[activation]()
        self.p = dropout

    def forward(self, x, edge_index, norm):
        for l in range(self.layers):
            x = getattr(self, f'conv{l + 1}')(x, edge_index, norm)
            if l < self.layers - 1:
                x = F.dropout(self.act(x), p=self.p, training=self.training)
        return x


def mlp(widths, activation='relu'):
    """The no-graph ablation, as the authors' `code_book_mapping` Sequential (Linear at even indices)."""
    mods = []
    for l in range(len(widths) - 1):
        mods.append(nn.Linear(widths[l], widths[l + 1]))
        if l < len(widths) - 2:
            mods.append(ACTIVATIONS[activation]())
    return nn.Sequential(*mods)
