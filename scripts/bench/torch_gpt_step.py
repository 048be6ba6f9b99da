"""PyTorch peer for `deno task bench`: times training steps of the same GPT as
lib/models/gpt.ts (Hugging Face GPT-2 layout, tanh GELU, pre-LN, tied head, no bias,
no dropout) with AdamW and global-norm clipping, on random char-level batches.

Usage: /usr/bin/python3 scripts/bench/torch_gpt_step.py LAYERS HEADS EMBD BLOCK BATCH VOCAB STEPS
Prints one JSON object: {"ms_per_step", "tokens_per_second", "threads", "torch"}.
"""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

L, H, C, T, B, V, steps = map(int, sys.argv[1:8])
torch.manual_seed(0)


class LayerNorm(nn.Module):
    """Layer norm with a weight and no bias (PyTorch 1.13's nn.LayerNorm always has a bias)."""
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(C))

    def forward(self, x):
        return F.layer_norm(x, (C,), self.weight, None, 1e-5)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = LayerNorm()
        self.c_attn = nn.Linear(C, 3 * C, bias=False)
        self.c_proj = nn.Linear(C, C, bias=False)
        self.ln_2 = LayerNorm()
        self.c_fc = nn.Linear(C, 4 * C, bias=False)
        self.mlp_proj = nn.Linear(4 * C, C, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((T, T), float("-inf")), 1))

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = [z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v)]
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(C // H) + self.mask[:t, :t]).softmax(-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(b, t, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = LayerNorm()

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for blk in self.h:
            x = blk(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.view(-1, V), targets.view(-1))


model = GPT()
decay = [p for p in model.parameters() if p.dim() >= 2]
rest = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                        lr=1e-3, betas=(0.9, 0.99))
data = torch.randint(0, V, (100_000,))


def step():
    ix = torch.randint(len(data) - T - 1, (B,))
    x = torch.stack([data[i:i + T] for i in ix])
    y = torch.stack([data[i + 1:i + T + 1] for i in ix])
    loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


for _ in range(3):
    step()  # warm up
t0 = time.perf_counter()
for _ in range(steps):
    step()
ms = (time.perf_counter() - t0) * 1000 / steps
print(json.dumps({"ms_per_step": ms, "tokens_per_second": B * T / ms * 1000,
                  "threads": torch.get_num_threads(), "torch": torch.__version__}))
