"""taming's NLayerDiscriminator (PatchGAN, METHOD.md section 5): `main` is one Sequential.

Indices: 0 conv(+bias), 1 LeakyReLU; per further layer conv (no bias), BatchNorm2d,
LeakyReLU; one stride-1 conv + BatchNorm + LeakyReLU; a last conv(+bias) to 1 logit.
"""
import torch.nn as nn


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc=3, ndf=64, n_layers=3):
        super().__init__()
        seq = [nn.Conv2d(input_nc, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=1, padding=1, bias=False), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
        self.main = nn.Sequential(*seq)

    def forward(self, x):
        return self.main(x)

    @staticmethod
    def shape_of(state, prefix='loss.discriminator.main.'):
        """(input_nc, ndf, n_layers) of a state_dict, or None without a discriminator."""
        w0 = state.get(f'{prefix}0.weight')
        if w0 is None:
            return None
        last = max(int(k[len(prefix):].split('.')[0]) for k in state if k.startswith(prefix))
        return int(w0.shape[1]), int(w0.shape[0]), (last - 2) // 3
