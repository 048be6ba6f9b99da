"""PyTorch peer for `deno task bench`: times training steps of the same GPT as
lib/models/gpt.ts (torch_gpt.py) with AdamW and global-norm clipping, on random
char-level batches.

Usage: /usr/bin/python3 scripts/bench/torch_gpt_step.py LAYERS HEADS EMBD BLOCK BATCH VOCAB STEPS
Prints one JSON object: {"ms_per_step", "tokens_per_second", "threads", "torch"}.
"""
import json, sys, time
import torch
from torch_gpt import GPT, adamw, batch

L, H, C, T, B, V, steps = map(int, sys.argv[1:8])
torch.manual_seed(0)
model = GPT(L, H, C, T, V)
opt = adamw(model, 1e-3)
data = torch.randint(0, V, (100_000,))


def step():
    x, y = batch(data, T, B)
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
