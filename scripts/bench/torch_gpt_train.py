"""PyTorch peer for `deno task bench --only quality`: a full char-level training run of the
same GPT as lib/models/gpt.ts (torch_gpt.py) with the same recipe as a preset (nanoGPT's
"baby" by default): 90/10 split, random windows, AdamW, warmup + cosine, clipping 1.0,
evaluation over EVAL_ITERS batches per split every EVAL_INTERVAL steps and at the end.

Usage: /usr/bin/python3 scripts/bench/torch_gpt_train.py TEXT LAYERS HEADS EMBD BLOCK BATCH
       ITERS LR MIN_LR WARMUP EVAL_INTERVAL EVAL_ITERS
Prints JSON lines: {"event":"eval", ...} and last {"event":"done", "iters", "train_loss",
"val_loss", "best_val_loss", "seconds", "tokens_per_second", "threads", "torch"}.
"""
import json, math, sys, time
import torch
from torch_gpt import GPT, adamw, batch

path = sys.argv[1]
L, H, C, T, B, iters = map(int, sys.argv[2:8])
lr, min_lr = float(sys.argv[8]), float(sys.argv[9])
warmup, eval_interval, eval_iters = map(int, sys.argv[10:13])
t_start = time.perf_counter()
torch.manual_seed(1337)
text = open(path, encoding="utf-8").read()
chars = sorted(set(text))
index = {ch: i for i, ch in enumerate(chars)}
data = torch.tensor([index[ch] for ch in text], dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]
model = GPT(L, H, C, T, len(chars))
opt = adamw(model, lr)


def lr_at(it):
    if it < warmup:
        return lr * (it + 1) / (warmup + 1)
    ratio = min(1.0, (it - warmup) / max(1, iters - warmup))
    return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (lr - min_lr)


@torch.no_grad()
def estimate(split):
    model.eval()
    losses = [model(*batch(split, T, B)).item() for _ in range(eval_iters)]
    model.train()
    return sum(losses) / len(losses)


best = float("inf")
train_seconds = 0.0
for it in range(iters + 1):
    if it % eval_interval == 0 or it == iters:
        tl, vl = estimate(train_data), estimate(val_data)
        best = min(best, vl)
        print(json.dumps({"event": "eval", "step": it, "train_loss": tl, "val_loss": vl}), flush=True)
    if it == iters:
        break
    t0 = time.perf_counter()
    for g in opt.param_groups:
        g["lr"] = lr_at(it)
    loss = model(*batch(train_data, T, B))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    train_seconds += time.perf_counter() - t0
print(json.dumps({"event": "done", "iters": iters, "train_loss": tl, "val_loss": vl, "best_val_loss": best,
                  "seconds": time.perf_counter() - t_start,
                  "tokens_per_second": iters * B * T / train_seconds,
                  "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
