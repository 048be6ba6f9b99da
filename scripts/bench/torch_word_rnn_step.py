"""PyTorch peer for `deno task bench --only gru`: times training steps of the same word
RNN as lib/models/word_rnn.ts (pytorch/examples' word_language_model layout: nn.Embedding +
nn.GRU or nn.RNN + nn.Linear, decoder tied to the encoder, dropout) with AdamW and
global-norm clipping, on random word ids, the hidden state carried from window to window.

Usage: /usr/bin/python3 scripts/bench/torch_word_rnn_step.py CELL LAYERS HIDDEN EMBED BLOCK BATCH VOCAB DROPOUT STEPS [ROUNDS]
Prints one JSON object: {"ms_per_step", "tokens_per_second", "threads", "torch"}, from the
fastest of ROUNDS (default 1) rounds of STEPS steps.
"""
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_step_timing import detach, report

cell = sys.argv[1]
L, H, E, T, B, V = map(int, sys.argv[2:8])
p = float(sys.argv[8])
steps = int(sys.argv[9])
rounds = int(sys.argv[10]) if len(sys.argv) > 10 else 1
torch.manual_seed(0)


class WordRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(p)
        self.encoder = nn.Embedding(V, E)
        self.rnn = (nn.GRU if cell == "gru" else nn.RNN)(E, H, num_layers=L, dropout=p if L > 1 else 0)
        self.decoder = nn.Linear(H, V)
        if H == E:
            self.decoder.weight = self.encoder.weight

    def forward(self, idx, targets, h):  # idx (T, B)
        y, h = self.rnn(self.drop(self.encoder(idx)), h)
        return F.cross_entropy(self.decoder(self.drop(y)).view(-1, V), targets.reshape(-1)), h


model = WordRNN()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.99), weight_decay=0.0)
data = torch.randint(0, V, (20_000, B))
state = {"h": torch.zeros(L, B, H), "at": 0}


def step():
    at = state["at"]
    if at + T + 1 > data.shape[0]:
        at, state["h"] = 0, torch.zeros(L, B, H)
    x, y = data[at:at + T], data[at + 1:at + T + 1]
    state["at"] = at + T
    loss, h = model(x, y, state["h"])
    state["h"] = detach(h)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


report(step, steps, rounds, B * T)
