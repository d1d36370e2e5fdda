"""VQCT's dual quantizer (METHOD.md section 3) and the learned-codebook baselines.

The quantizer input has 2e channels: the first e are matched to the adjective
codes (the mean of the k nearest, squared L2), the last e to the noun codes
(the nearest one). Tokens per position: k adjective ids (nearest first) then
the noun id. kind 'vqct': the codebook is the transfer net's output over the
prior (`gcn` = conv1..convL, or `code_book_mapping` for the MLP ablation);
'vq' / 'ema': a learned `embedding` (rows 0..k_adj-1 adjective codes; k_adj 0
is taming's single codebook).
"""
import torch
import torch.nn as nn

from .gcn import GCN, gcn_norm, mlp, undirected


class EmbeddingEMA(nn.Module):
    """taming's EMA codebook state: weight, cluster_size, embed_avg (not trained by gradient)."""

    def __init__(self, num_tokens, dim):
        super().__init__()
        w = torch.randn(num_tokens, dim)
        self.weight = nn.Parameter(w, requires_grad=False)
        self.cluster_size = nn.Parameter(torch.zeros(num_tokens), requires_grad=False)
        self.embed_avg = nn.Parameter(w.clone(), requires_grad=False)


def _distances(z, codes):
    # ||z||^2 - 2 z.C^T + ||C||^2, vqct's order of operations.
    return (z.pow(2).sum(1, keepdim=True) - 2 * (z @ codes.t())) + codes.pow(2).sum(1)[None, :]


class DualQuantizer(nn.Module):
    def __init__(self, quantizer, transfer=None, prior=None):
        super().__init__()
        self.kind = quantizer['kind']
        self.e = int(quantizer['embed_dim'])
        self.top_k = int(quantizer.get('top_k', 2))
        self.k_adj = int(quantizer['k_adj'])
        self.k_noun = int(quantizer['k_noun'])
        self.beta = float(quantizer.get('beta', 0.25))
        self.legacy = bool(quantizer.get('legacy', True))
        if self.kind == 'vqct':
            if prior is None:
                raise ValueError("the 'vqct' quantizer needs the prior (prior.* entries or --prior)")
            if transfer is None:
                raise ValueError("the 'vqct' quantizer needs the transfer net's options (metadata 'transfer')")
            if (prior.k_adj, prior.k_noun) != (self.k_adj, self.k_noun):
                raise ValueError(f'the prior has {prior.k_adj} + {prior.k_noun} codes, the quantizer says {self.k_adj} + {self.k_noun}')
            if transfer.get('features', 'words') != 'words':
                raise ValueError("transfer features 'random' (the no-language ablation) are vqct-seeded and not exported")
            layers = int(transfer.get('layers', 2))
            hidden = int(transfer.get('hiddenDim', self.e))
            widths = [prior.vectors.shape[1]] + [hidden] * (layers - 1) + [int(transfer.get('codeDim', self.e))]
            act = transfer.get('activation', 'relu')
            self.transfer_kind = transfer.get('kind', 'gcn')
            if self.transfer_kind == 'gcn':
                self.gcn = GCN(widths, act, float(transfer.get('dropout', 0.5)))
            else:
                self.code_book_mapping = mlp(widths, act)
            ei, ew = undirected(prior.edge_index, prior.edge_weight)
            ei, norm = gcn_norm(ei, ew, prior.vectors.shape[0])
            self.register_buffer('x', prior.vectors.clone(), persistent=False)
            self.register_buffer('edge_index', ei, persistent=False)
            self.register_buffer('norm', norm, persistent=False)
        elif self.kind == 'vq':
            k = self.k_adj + self.k_noun
            self.embedding = nn.Embedding(k, self.e)
            with torch.no_grad():
                self.embedding.weight.uniform_(-1.0 / k, 1.0 / k)
        elif self.kind == 'ema':
            self.embedding = EmbeddingEMA(self.k_adj + self.k_noun, self.e)
        else:
            raise ValueError(f'unknown quantizer kind {self.kind!r}')

    @property
    def channels(self):
        return 2 * self.e if self.k_adj > 0 else self.e

    def codebook(self):
        """[K, e]: adjective rows first."""
        if self.kind != 'vqct':
            return self.embedding.weight
        if self.transfer_kind == 'gcn':
            return self.gcn(self.x, self.edge_index, self.norm)
        return self.code_book_mapping(self.x)

    def _loss(self, z, q):
        # The authors' (taming legacy=True) placement: beta on the codebook term.
        commit, codebook = torch.mean((q.detach() - z) ** 2), torch.mean((q - z.detach()) ** 2)
        return commit + self.beta * codebook if self.legacy else codebook + self.beta * commit

    def forward(self, z):
        """z [b, channels, h, w] -> (z_q, loss, tokens int32 [b, h, w, t], margin [b, h, w]).

        In training mode z_q is straight-through (z + sg(q - z)) and loss is the sum over
        the halves of the quantizer loss (METHOD.md section 3). margin: the smallest gap
        between consecutive sorted distances that decide the tokens (k-th vs (k+1)-th
        adjective and their order, 1st vs 2nd noun): where it is ~0 the tokens depend on
        rounding (a tie).
        """
        b, c, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, c)
        codes = self.codebook()
        adj, noun = codes[:self.k_adj], codes[self.k_adj:]
        zn = flat[:, -self.e:]
        with torch.no_grad():
            dn = _distances(zn, noun)
            sn, nidx = dn.topk(min(2, noun.shape[0]), dim=1, largest=False)
        margin = sn[:, 1] - sn[:, 0] if sn.shape[1] > 1 else torch.full_like(sn[:, 0], float('inf'))
        qn = noun[nidx[:, 0]]
        loss = self._loss(zn, qn)
        if self.k_adj == 0:
            q, tokens = qn, nidx[:, :1]
        else:
            za = flat[:, :self.e]
            m = min(self.top_k + 1, adj.shape[0])
            with torch.no_grad():
                sa, aidx = _distances(za, adj).topk(m, dim=1, largest=False)
            if m > 1:
                margin = torch.minimum(margin, (sa[:, 1:] - sa[:, :-1]).min(dim=1).values)
            aidx = aidx[:, :self.top_k]
            qa = adj[aidx].mean(dim=1)
            loss = loss + self._loss(za, qa)
            q, tokens = torch.cat([qa, qn], dim=1), torch.cat([aidx, nidx[:, :1]], dim=1)
        if self.training:
            q = flat + (q - flat).detach()
        z_q = q.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous()
        return z_q, loss, tokens.reshape(b, h, w, -1).int(), margin.reshape(b, h, w)

    def lookup(self, tokens):
        """tokens int [b, h, w, t] -> z_q [b, channels, h, w]: mean of the adjective codes ; the noun code."""
        b, h, w, t = tokens.shape
        flat = tokens.reshape(-1, t).long()
        codes = self.codebook()
        qn = codes[self.k_adj:][flat[:, -1]]
        q = qn if self.k_adj == 0 else torch.cat([codes[:self.k_adj][flat[:, :-1]].mean(dim=1), qn], dim=1)
        return q.reshape(b, h, w, -1).permute(0, 3, 1, 2).contiguous()
