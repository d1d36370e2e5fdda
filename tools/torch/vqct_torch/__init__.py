"""vqct's PyTorch side: the taming VQGAN + VQCT quantizer + GCN transfer net, loading and writing vqct torch files."""
from .model import VQCT, load, save, run
from .prior import Prior

__all__ = ['VQCT', 'load', 'save', 'run', 'Prior']
