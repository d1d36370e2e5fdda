"""Command line of vqct's PyTorch side (run from tools/torch: `python3 -m vqct_torch ...`).

  init   --ddconfig JSON --quantizer JSON [--transfer JSON] [--prior prior.safetensors]
         [--discriminator IN,NDF,LAYERS] [--seed N] [--perturb STD] -o model.safetensors
         a freshly initialised model (torch's default init, seeded), as a torch file
  run    model.safetensors images.safetensors out.safetensors
         images: F32 [b, H, W, c] NHWC in [-1, 1] (and optionally I32 tokens to decode);
         writes tokens, margin, reconstruction (NHWC) and decoded
  resave in.safetensors out.safetensors
         load into the modules (strict state_dict) and write back: the way a PyTorch
         user's own save goes
"""
import argparse
import json
import sys

import torch

from . import safetensors_io
from .model import VQCT, load, run, save
from .prior import Prior


def _init(a):
    torch.manual_seed(a.seed)
    ddconfig = json.loads(a.ddconfig)
    quantizer = json.loads(a.quantizer)
    transfer = json.loads(a.transfer) if a.transfer else None
    prior = Prior.from_prior_file(a.prior) if a.prior else None
    if prior is not None:
        quantizer.setdefault('k_adj', prior.k_adj)
        quantizer.setdefault('k_noun', prior.k_noun)
    disc = tuple(int(v) for v in a.discriminator.split(',')) if a.discriminator else None
    model = VQCT(ddconfig, quantizer, transfer, prior, disc)
    if a.perturb > 0:
        # GroupNorm/BatchNorm start at 1 and 0 and GCN biases at 0: move them, so that a
        # mapping that swapped or dropped one would show in the tokens.
        g = torch.Generator().manual_seed(a.seed + 1)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if p.dim() == 1:
                    p.add_(torch.randn(p.shape, generator=g) * a.perturb)
            for name, b in model.named_buffers():
                if name.endswith('running_mean'):
                    b.add_(torch.randn(b.shape, generator=g) * a.perturb)
    save(a.out, model)


def _run(a):
    model, _ = load(a.model)
    inputs, _ = safetensors_io.load(a.images)
    out = run(model, inputs['images'].float(), inputs.get('tokens'))
    safetensors_io.save(a.out, out, {'format': 'vqct-torch-run'})


def _resave(a):
    model, extras = load(a.input)
    save(a.out, model, extras)


def main(argv=None):
    p = argparse.ArgumentParser(prog='python3 -m vqct_torch', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=1, help='torch threads (default 1)')
    sub = p.add_subparsers(dest='cmd', required=True)
    i = sub.add_parser('init')
    i.add_argument('--ddconfig', required=True)
    i.add_argument('--quantizer', required=True)
    i.add_argument('--transfer')
    i.add_argument('--prior')
    i.add_argument('--discriminator')
    i.add_argument('--seed', type=int, default=0)
    i.add_argument('--perturb', type=float, default=0.0)
    i.add_argument('-o', '--out', required=True)
    r = sub.add_parser('run')
    r.add_argument('model')
    r.add_argument('images')
    r.add_argument('out')
    s = sub.add_parser('resave')
    s.add_argument('input')
    s.add_argument('out')
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    try:
        {'init': _init, 'run': _run, 'resave': _resave}[a.cmd](a)
    except (ValueError, KeyError, RuntimeError) as e:
        print(f'vqct_torch {a.cmd}: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
