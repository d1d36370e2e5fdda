"""The codebook prior (words, word vectors, adjective-noun graph) as torch tensors.

Read from a vqct torch file's `prior.*` entries or from a vqct prior file
(prior.safetensors: vectors, edge_index [E, 2], edge_weight, counts; metadata
words, k_adj, k_noun, ...), and written back as `prior.*` entries.
"""
import json

import torch

from . import safetensors_io


class Prior:
    def __init__(self, vectors, edge_index, edge_weight, counts, metadata):
        self.vectors = vectors.float()
        self.edge_index = edge_index.long()  # [2, E]: adjective ids, noun ids
        self.edge_weight = edge_weight.float()
        self.counts = counts.int()
        self.metadata = dict(metadata)  # the prior file's own keys
        self.words = json.loads(self.metadata['words'])
        self.k_adj = int(self.metadata['k_adj'])
        self.k_noun = int(self.metadata['k_noun'])

    @staticmethod
    def from_torch_file(tensors, metadata):
        if 'prior.vectors' not in tensors:
            return None
        md = {k[len('prior.'):]: v for k, v in metadata.items() if k.startswith('prior.')}
        return Prior(tensors['prior.vectors'], tensors['prior.edge_index'], tensors['prior.edge_weight'], tensors['prior.counts'], md)

    @staticmethod
    def from_prior_file(path):
        tensors, md = safetensors_io.load(path)
        if md.get('format') != 'vqct-prior':
            raise ValueError(f'{path}: not a vqct prior (metadata format is {md.get("format")!r})')
        return Prior(tensors['vectors'], tensors['edge_index'].t().contiguous(), tensors['edge_weight'], tensors['counts'], md)

    def torch_entries(self):
        tensors = {
            'prior.vectors': self.vectors,
            'prior.edge_index': self.edge_index,
            'prior.edge_weight': self.edge_weight,
            'prior.counts': self.counts,
        }
        return tensors, {f'prior.{k}': v for k, v in self.metadata.items()}
