"""The whole tokenizer as taming's VQModel lays it out, and the torch file around it.

state_dict keys: encoder.*, decoder.*, quant_conv.*, post_quant_conv.*,
quantize.* (gcn.conv<l>.lin.weight / .bias, code_book_mapping.*, or embedding.*),
loss.discriminator.main.* when the file has a discriminator. A torch file adds
prior.* (see prior.py), optionally optimizer.* (carried, not used here), and
metadata: format "vqct-torch", format_version, ddconfig, quantizer, transfer.
"""
import json

import torch
import torch.nn as nn

from . import safetensors_io
from .discriminator import NLayerDiscriminator
from .prior import Prior
from .quantizer import DualQuantizer
from .taming import Decoder, Encoder

FORMAT = 'vqct-torch'
FORMAT_VERSION = '1'
# Metadata vqct writes for its own way back; carried through unchanged.
CARRIED = ('vqct_model_config', 'vqct_sidecar')


class VQCT(nn.Module):
    def __init__(self, ddconfig, quantizer, transfer=None, prior=None, discriminator=None, mid_attention=True):
        super().__init__()
        self.ddconfig, self.quantizer_config, self.transfer_config = dict(ddconfig), dict(quantizer), transfer
        self.prior = prior
        self.encoder = Encoder(**ddconfig, mid_attention=mid_attention)
        self.decoder = Decoder(**ddconfig, mid_attention=mid_attention)
        self.quantize = DualQuantizer(quantizer, transfer, prior)
        z = ddconfig['z_channels']
        self.quant_conv = nn.Conv2d(z, self.quantize.channels, 1)
        self.post_quant_conv = nn.Conv2d(self.quantize.channels, z, 1)
        if discriminator is not None:
            self.loss = nn.Module()
            self.loss.discriminator = NLayerDiscriminator(*discriminator)

    def encode(self, x):
        """x [b, c, H, W] in [-1, 1] -> (z_q, quantizer loss, tokens int32 [b, h, w, k+1], margin [b, h, w])."""
        return self.quantize(self.quant_conv(self.encoder(x)))

    def decode(self, z_q):
        return self.decoder(self.post_quant_conv(z_q))

    def decode_tokens(self, tokens):
        return self.decode(self.quantize.lookup(tokens))

    def forward(self, x):
        """Training forward, as taming's VQModel: (reconstruction, quantizer loss)."""
        z_q, loss, _, _ = self.encode(x)
        return self.decode(z_q), loss

    def reconstruct(self, x):
        return self.decode(self.encode(x)[0])


def load(path):
    """A torch file -> (model in eval mode, extras: {'optimizer': {...}, 'metadata': {...}})."""
    tensors, md = safetensors_io.load(path)
    if md.get('format') != FORMAT:
        raise ValueError(f'{path}: not a vqct torch file (metadata format {md.get("format")!r})')
    ddconfig = json.loads(md['ddconfig'])
    quantizer = json.loads(md['quantizer'])
    transfer = json.loads(md['transfer']) if 'transfer' in md else None
    vqct_config = json.loads(md.get('vqct_model_config', '{}'))
    prior = Prior.from_torch_file(tensors, md)
    state = {k: v for k, v in tensors.items() if not k.startswith(('prior.', 'optimizer.'))}
    model = VQCT(ddconfig, quantizer, transfer, prior, NLayerDiscriminator.shape_of(state), vqct_config.get('midAttention', True))
    model.load_state_dict(state, strict=True)
    extras = {
        'optimizer': {k: v for k, v in tensors.items() if k.startswith('optimizer.')},
        'metadata': {k: md[k] for k in CARRIED if k in md},
    }
    return model.eval(), extras


def save(path, model, extras=None):
    """Writes the model's state_dict, its prior and the extras `load` returned."""
    extras = extras or {}
    tensors = {k: v for k, v in model.state_dict().items()}
    md = {
        'format': FORMAT,
        'format_version': FORMAT_VERSION,
        'layout': 'NCHW; conv weights [out, in, kh, kw]; Linear weights [out, in]',
        'ddconfig': json.dumps(model.ddconfig),
        'quantizer': json.dumps(model.quantizer_config),
    }
    if model.transfer_config is not None:
        md['transfer'] = json.dumps(model.transfer_config)
    md.update(extras.get('metadata', {}))
    if model.prior is not None:
        pt, pm = model.prior.torch_entries()
        tensors.update(pt)
        md.update(pm)
    tensors.update(extras.get('optimizer', {}))
    safetensors_io.save(path, tensors, md)


def nhwc_to_nchw(x):
    return x.permute(0, 3, 1, 2).contiguous()


def nchw_to_nhwc(x):
    return x.permute(0, 2, 3, 1).contiguous()


@torch.no_grad()
def run(model, images_nhwc, tokens=None):
    """What the tests compare with vqct: tokens, margins, reconstruction (NHWC), and the decoding of given tokens."""
    z_q, _, toks, margin = model.encode(nhwc_to_nchw(images_nhwc))
    out = {'tokens': toks, 'margin': margin, 'reconstruction': nchw_to_nhwc(model.decode(z_q))}
    if tokens is not None:
        out['decoded'] = nchw_to_nhwc(model.decode_tokens(tokens))
    return out
