"""The GPT of lib/models/gpt.ts in plain PyTorch, for the benchmarks' side-by-side runs:
Hugging Face GPT-2 layout, pre-LN, tanh GELU, tied head, no bias, no dropout, and the same
optimizer setup (AdamW, decay on matrices only, β2 0.99). Imported by torch_gpt_step.py
(step timing) and torch_gpt_train.py (a full training run)."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm(nn.Module):
    """Layer norm with a weight and no bias (PyTorch 1.13's nn.LayerNorm always has a bias)."""
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.weight, None, 1e-5)


class Block(nn.Module):
    def __init__(self, n_head, c, block):
        super().__init__()
        self.n_head, self.c = n_head, c
        self.ln_1 = LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c, bias=False)
        self.c_proj = nn.Linear(c, c, bias=False)
        self.ln_2 = LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c, bias=False)
        self.mlp_proj = nn.Linear(4 * c, c, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((block, block), float("-inf")), 1))

    def forward(self, x):
        b, t, c = x.shape
        h = self.n_head
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = [z.view(b, t, h, c // h).transpose(1, 2) for z in (q, k, v)]
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(c // h) + self.mask[:t, :t]).softmax(-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, n_layer, n_head, c, block, vocab):
        super().__init__()
        self.vocab = vocab
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(block, c)
        self.h = nn.ModuleList([Block(n_head, c, block) for _ in range(n_layer)])
        self.ln_f = LayerNorm(c)
        # GPT-2 initialisation, as lib/models/gpt.ts does it.
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith(("c_proj.weight", "mlp_proj.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for blk in self.h:
            x = blk(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.view(-1, self.vocab), targets.view(-1))


def adamw(model, lr, weight_decay=0.1, betas=(0.9, 0.99)):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": rest, "weight_decay": 0.0}], lr=lr, betas=betas)


def batch(data, block, batch_size):
    ix = torch.randint(len(data) - block - 1, (batch_size,))
    x = torch.stack([data[i:i + block] for i in ix])
    y = torch.stack([data[i + 1:i + block + 1] for i in ix])
    return x, y
