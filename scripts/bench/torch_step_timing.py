"""Shared by the recurrent PyTorch peers of `deno task bench`: time a training step the way
scripts/bench/step_timing.ts times ours (3 warm-up steps, then the fastest of ROUNDS rounds
of STEPS steps) and print the one JSON object the bench reads.
"""
import json, time
import torch


def report(step, steps, rounds, tokens_per_step):
    for _ in range(3):
        step()  # warm up
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, time.perf_counter() - t0)
    ms = best * 1000 / steps
    print(json.dumps({"ms_per_step": ms, "tokens_per_second": tokens_per_step / ms * 1000,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))


def detach(h):
    """A recurrent state without its graph: a tensor, or LSTM's (h, c)."""
    return tuple(t.detach() for t in h) if isinstance(h, tuple) else h.detach()
