"""PyTorch peer for `deno task bench`: times training steps of the same plain LSTM language model
as lib/models/lstm_attention.ts with attention "none" (nn.Embedding + nn.LSTM(batch_first) + nn.Linear) with Adam
and global-norm clipping, on random char-level batches, the hidden state carried from
window to window (truncated BPTT).

Usage: /usr/bin/python3 scripts/bench/torch_lstm_step.py LAYERS HIDDEN EMBED BLOCK BATCH VOCAB STEPS [ROUNDS]
Prints one JSON object: {"ms_per_step", "tokens_per_second", "threads", "torch"}, from the
fastest of ROUNDS (default 1) rounds of STEPS steps.
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

L, H, E, T, B, V, steps = map(int, sys.argv[1:8])
rounds = int(sys.argv[8]) if len(sys.argv) > 8 else 1
torch.manual_seed(0)


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E, H, num_layers=L, batch_first=True)
        self.fc = nn.Linear(H, V)

    def forward(self, idx, targets, h):
        y, h = self.rnn(self.embed(idx), h)
        return F.cross_entropy(self.fc(y).view(-1, V), targets.reshape(-1)), h


model = CharLSTM()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, betas=(0.9, 0.99), weight_decay=0.0)
data = torch.randint(0, V, (B, 100_000))
state = {"h": (torch.zeros(L, B, H), torch.zeros(L, B, H)), "at": 0}


def step():
    at = state["at"]
    if at + T + 1 > data.shape[1]:
        at, state["h"] = 0, (torch.zeros(L, B, H), torch.zeros(L, B, H))
    x, y = data[:, at:at + T], data[:, at + 1:at + T + 1]
    state["at"] = at + T
    loss, h = model(x, y, state["h"])
    state["h"] = tuple(t.detach() for t in h)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()


for _ in range(3):
    step()  # warm up
best = float("inf")
for _ in range(rounds):
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    best = min(best, time.perf_counter() - t0)
ms = best * 1000 / steps
print(json.dumps({"ms_per_step": ms, "tokens_per_second": B * T / ms * 1000,
                  "threads": torch.get_num_threads(), "torch": torch.__version__}))
