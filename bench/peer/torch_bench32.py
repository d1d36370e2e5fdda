"""PyTorch CPU peer for BENCH.md's configurations (bench-32, paper-256).

An independent PyTorch implementation of METHOD.md (VQGAN encoder/decoder,
VQCT dual quantizer, 2-layer GCN transfer net, and with --disc taming's
PatchGAN with the adaptive weight and a discriminator update), timed the same
way as the TypeScript bench: medians of >= 5 steps after 2 warm-up steps, fixed
seed; wall time and process CPU time (all threads). Prints one JSON object.
Needs Debian's python3-torch (+ libopenblas0-pthread).

    /usr/bin/python3 bench/peer/torch_bench32.py [--quick] [--config paper-256] [--disc] [--runs N]
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = '--quick' in sys.argv
torch.manual_seed(0)
# BENCH.md's peer uses every core (2 here); Debian's torch may start with 1.
torch.set_num_threads(int(os.environ.get('VQCT_TORCH_THREADS', os.cpu_count() or 1)))

def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


CONFIG = arg('--config', 'bench-32')
DISC = '--disc' in sys.argv
if CONFIG == 'paper-256':
    CH, CH_MULT, NRES, ATTN, Z, E, TOPK = 128, (1, 1, 2, 2, 4), 2, (16,), 256, 256, 2
    K_ADJ, K_NOUN, WORD_DIM, BATCH, RES = 1000, 3000, 512, 1, 256
else:
    CH, CH_MULT, NRES, ATTN, Z, E, TOPK = 64, (1, 2, 2), 1, (8,), 64, 64, 2
    K_ADJ, K_NOUN, WORD_DIM, BATCH, RES = 512, 1024, 100, 8, 32
if QUICK:
    BATCH = 2 if CONFIG == 'bench-32' else 1


def norm(c):
    return nn.GroupNorm(32, c, eps=1e-6)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.n1, self.c1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.n2, self.c2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Attn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n = norm(c)
        self.q, self.k, self.v, self.o = (nn.Conv2d(c, c, 1) for _ in range(4))

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.n(x)
        q = self.q(y).reshape(b, c, h * w).permute(0, 2, 1)
        k = self.k(y).reshape(b, c, h * w)
        a = torch.softmax(torch.bmm(q, k) * c ** -0.5, dim=2)
        v = self.v(y).reshape(b, c, h * w)
        out = torch.bmm(v, a.permute(0, 2, 1)).reshape(b, c, h, w)
        return x + self.o(out)


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = nn.Conv2d(c, c, 3, stride=2)

    def forward(self, x):
        return self.c(F.pad(x, (0, 1, 0, 1)))


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.c(F.interpolate(x, scale_factor=2.0, mode='nearest'))


def encoder():
    layers, res, cin = [nn.Conv2d(3, CH, 3, padding=1)], RES, CH
    for i, m in enumerate(CH_MULT):
        cout = CH * m
        for _ in range(NRES):
            layers.append(ResBlock(cin, cout))
            cin = cout
            if res in ATTN:
                layers.append(Attn(cin))
        if i != len(CH_MULT) - 1:
            layers.append(Down(cin))
            res //= 2
    layers += [ResBlock(cin, cin), Attn(cin), ResBlock(cin, cin), norm(cin), nn.SiLU(), nn.Conv2d(cin, Z, 3, padding=1)]
    return nn.Sequential(*layers)


def decoder():
    cin = CH * CH_MULT[-1]
    res = RES // 2 ** (len(CH_MULT) - 1)
    layers = [nn.Conv2d(Z, cin, 3, padding=1), ResBlock(cin, cin), Attn(cin), ResBlock(cin, cin)]
    for i in reversed(range(len(CH_MULT))):
        cout = CH * CH_MULT[i]
        for _ in range(NRES + 1):
            layers.append(ResBlock(cin, cout))
            cin = cout
            if res in ATTN:
                layers.append(Attn(cin))
        if i != 0:
            layers.append(Up(cin))
            res *= 2
    layers += [norm(cin), nn.SiLU(), nn.Conv2d(cin, 3, 3, padding=1)]
    return nn.Sequential(*layers)


class GCN(nn.Module):
    """Two GCNConv layers (PyG defaults) over a fixed sparse normalized adjacency."""

    def __init__(self, k, edges):
        super().__init__()
        self.x = torch.randn(k, WORD_DIM)
        src = torch.cat([edges[:, 0], edges[:, 1], torch.arange(k)])
        dst = torch.cat([edges[:, 1], edges[:, 0], torch.arange(k)])
        w = torch.ones(src.numel())
        deg = torch.zeros(k).index_add_(0, dst, w)
        val = deg[src].rsqrt() * w * deg[dst].rsqrt()
        self.a = torch.sparse_coo_tensor(torch.stack([dst, src]), val, (k, k)).coalesce()
        self.l1, self.l2 = nn.Linear(WORD_DIM, E), nn.Linear(E, E)

    def forward(self):
        h = F.relu(torch.sparse.mm(self.a, self.l1(self.x)))
        h = F.dropout(h, 0.5, self.training)
        return torch.sparse.mm(self.a, self.l2(h))


def nearest(z, codes, k):
    d = (z * z).sum(1, keepdim=True) - 2 * z @ codes.t() + (codes * codes).sum(1)[None]
    return torch.topk(d, k, dim=1, largest=False).indices


def quantize(z, codebook, beta=0.25):
    b, c, h, w = z.shape
    flat = z.permute(0, 2, 3, 1).reshape(-1, c)
    za, zn = flat[:, :E], flat[:, E:]
    ca, cn = codebook[:K_ADJ], codebook[K_ADJ:]
    qa = ca[nearest(za, ca, TOPK)].mean(1)
    qn = cn[nearest(zn, cn, 1)[:, 0]]
    loss = 0
    for q, zz in ((qa, za), (qn, zn)):
        loss = loss + F.mse_loss(q.detach(), zz) + beta * F.mse_loss(q, zz.detach())
    q = torch.cat([za + (qa - za).detach(), zn + (qn - zn).detach()], 1)
    return q.reshape(b, h, w, 2 * E).permute(0, 3, 1, 2), loss


class PatchGAN(nn.Module):
    """taming's NLayerDiscriminator: 64 base filters, 3 strided layers, BatchNorm, LeakyReLU 0.2."""

    def __init__(self, ndf=64, layers=3):
        super().__init__()
        seq = [nn.Conv2d(3, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
        mult = 1
        for n in range(1, layers + 1):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2 if n < layers else 1, 1, bias=False), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.main = nn.Sequential(*seq)

    def forward(self, x):
        return self.main(x)


enc, dec = encoder(), decoder()
quant_conv, post_conv = nn.Conv2d(Z, 2 * E, 1), nn.Conv2d(2 * E, Z, 1)
k = K_ADJ + K_NOUN
g = torch.Generator().manual_seed(0)
edges = torch.stack([torch.randint(0, K_ADJ, (4 * k,), generator=g), torch.randint(K_ADJ, k, (4 * k,), generator=g)], 1)
gcn = GCN(k, edges)
params = [*enc.parameters(), *dec.parameters(), *quant_conv.parameters(), *post_conv.parameters(), *gcn.parameters()]
opt = torch.optim.Adam(params, lr=1e-4, betas=(0.5, 0.9))
x = torch.rand(BATCH, 3, RES, RES) * 2 - 1
disc = PatchGAN() if DISC else None
opt_d = torch.optim.Adam(disc.parameters(), lr=1e-4, betas=(0.5, 0.9)) if DISC else None
last = dec[-1].weight


def train_step():
    opt.zero_grad()
    q, ql = quantize(quant_conv(enc(x)), gcn())
    rec = dec(post_conv(q))
    nll = (x - rec).abs().mean()
    loss = nll + ql
    if DISC:
        # taming's adaptive weight: ||grad_last(nll)|| / ||grad_last(g)||, then a hinge D step.
        g = -disc(rec).mean()
        gn = torch.autograd.grad(nll, last, retain_graph=True)[0]
        gg = torch.autograd.grad(g, last, retain_graph=True)[0]
        w = (gn.norm() / (gg.norm() + 1e-4)).clamp(0, 1e4).detach() * 0.8
        loss = loss + w * g
    loss.backward()
    opt.step()
    if DISC:
        opt_d.zero_grad()
        d_loss = 0.5 * (F.relu(1 - disc(x)).mean() + F.relu(1 + disc(rec.detach())).mean())
        d_loss.backward()
        opt_d.step()


def forward():
    with torch.no_grad():
        gcn.eval()
        q, _ = quantize(quant_conv(enc(x)), gcn())
        dec(post_conv(q))
        gcn.train()


zq = torch.randn(8192 // (16 if QUICK else 1), 2 * E)
cb = torch.randn(k, E)


def quant_only():
    with torch.no_grad():
        za, zn = zq[:, :E], zq[:, E:]
        cb[:K_ADJ][nearest(za, cb[:K_ADJ], TOPK)].mean(1)
        cb[K_ADJ:][nearest(zn, cb[K_ADJ:], 1)[:, 0]]


def timed(fn, warmup=2, runs=5):
    for _ in range(warmup):
        fn()
    ts, cs = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
        cs.append((time.process_time() - c0) * 1000)
    return {'median': statistics.median(ts), 'min': min(ts), 'max': max(ts), 'runs': runs, 'cpu': statistics.median(cs)}


runs = 1 if QUICK else int(arg('--runs', 5))
warm = 1 if QUICK else min(2, runs)
out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': BATCH, 'config': CONFIG, 'disc': DISC,
       'train_step_ms': timed(train_step, warm, runs)}
if not DISC and CONFIG == 'bench-32':
    out.update({'forward_ms': timed(forward, warm, runs), 'quantizer_ms': timed(quant_only, warm, runs), 'quantizer_vectors': zq.shape[0]})
print(json.dumps(out))
