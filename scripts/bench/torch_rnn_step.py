"""PyTorch peer for `deno task bench`: times training steps of the same char-level recurrent
language model as ours — nn.Embedding + nn.RNN(tanh) or nn.LSTM (batch_first) + nn.Linear,
as lib/models/char_rnn.ts and lib/models/lstm_attention.ts with attention "none" — with
AdamW and global-norm clipping, on random char-level batches, the hidden state carried from
window to window (truncated BPTT).

Usage: /usr/bin/python3 scripts/bench/torch_rnn_step.py rnn|lstm LAYERS HIDDEN EMBED BLOCK BATCH VOCAB STEPS [ROUNDS]
Prints one JSON object: {"ms_per_step", "tokens_per_second", "threads", "torch"}, from the
fastest of ROUNDS (default 1) rounds of STEPS steps.
"""
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_step_timing import detach, report

cell = sys.argv[1]
L, H, E, T, B, V, steps = map(int, sys.argv[2:9])
rounds = int(sys.argv[9]) if len(sys.argv) > 9 else 1
torch.manual_seed(0)


class CharModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.rnn = (nn.LSTM if cell == "lstm" else nn.RNN)(E, H, num_layers=L, batch_first=True)
        self.fc = nn.Linear(H, V)

    def forward(self, idx, targets, h):
        y, h = self.rnn(self.embed(idx), h)
        return F.cross_entropy(self.fc(y).view(-1, V), targets.reshape(-1)), h


def zeros():
    h = torch.zeros(L, B, H)
    return (h, torch.zeros(L, B, H)) if cell == "lstm" else h


model = CharModel()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, betas=(0.9, 0.99), weight_decay=0.0)
data = torch.randint(0, V, (B, 100_000))
state = {"h": zeros(), "at": 0}


def step():
    at = state["at"]
    if at + T + 1 > data.shape[1]:
        at, state["h"] = 0, zeros()
    x, y = data[:, at:at + T], data[:, at + 1:at + T + 1]
    state["at"] = at + T
    loss, h = model(x, y, state["h"])
    state["h"] = detach(h)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()


report(step, steps, rounds, B * T)
