"""Rollout throughput: the lockstep tool loop (`Reasoner.reason_batch`) against threads sharing a `Batcher`.

The same model answers the same questions, `--group` samples each with the same seeds, through the real tool loop
(sandboxed Python, SymPy, Z3), both ways, alternating which goes first each round:

- **batcher**: one thread per question runs `Reasoner.stream`; their one-row decoders hand each token to a `Batcher`,
  which runs one forward pass for whichever rows asked (what RL rollouts and batched evaluation used before);
- **lockstep**: `reason_batch` runs every question's loop in one thread, one forward pass per step.

Reported: tokens (sampled and tool results) per second for each, the median over rounds, and the ratio. Greedy
answers of both paths on `--greedy` questions are compared too (they should be the same tokens).

    python benchmarks/lockstep.py --model ~/.cache/svend/quickstart/runs/reasoner/final --rounds 3
"""
import argparse, json, platform, statistics, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import torch

from svend.inference.engine import Engine, load_model
from svend.inference.batching import Batcher
from svend.reasoning.orchestrator import Reasoner
from svend.tools.registry import default_registry
from svend.training.rl import load_rl_problems, rollout_seed


def batcher_path(model, tok, reg, questions, seeds, max_tokens, temperature):
    b = Batcher(model, slots=len(questions), max_len=min(model.cfg.max_seq_len, 2048), window=0.005)
    r = Reasoner(Engine(model, tok, batcher=b), registry=reg, max_tokens=max_tokens, max_tool_calls=4,
                 temperature=temperature)
    def one(job):
        q, sd = job
        for ev in r.stream(q, seed=sd): res = ev.result
        return res
    try:
        with ThreadPoolExecutor(len(questions)) as ex: return list(ex.map(one, zip(questions, seeds)))
    finally: b.stop()


def lockstep_path(model, tok, reg, questions, seeds, max_tokens, temperature):
    r = Reasoner(Engine(model, tok), registry=reg, max_tokens=max_tokens, max_tool_calls=4, temperature=temperature)
    return r.reason_batch(questions, seeds=seeds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="a Svend reasoner directory (e.g. the quickstart's)")
    ap.add_argument("--problems", type=int, default=16, help="procedural problems per round")
    ap.add_argument("--group", type=int, default=8, help="samples per problem (rows in flight: problems x group)")
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--greedy", type=int, default=32, help="questions answered greedily by both paths, compared")
    ap.add_argument("--output", default="benchmarks/results/lockstep.json")
    a = ap.parse_args()
    torch.manual_seed(0)
    model, tok = load_model(a.model)
    reg = default_registry()
    pool = load_rl_problems([], a.problems * a.rounds + a.greedy, seed=1, log=lambda m: None)
    speed = {"batcher": [], "lockstep": []}
    paths = {"batcher": batcher_path, "lockstep": lockstep_path}
    for rnd in range(a.rounds):
        probs = pool[rnd * a.problems:(rnd + 1) * a.problems]
        qs = [p["question"] for p in probs for _ in range(a.group)]
        seeds = [rollout_seed(0, rnd, i, k) for i in range(len(probs)) for k in range(a.group)]
        order = ("batcher", "lockstep") if rnd % 2 == 0 else ("lockstep", "batcher")
        for name in order:
            t = time.perf_counter()
            res = paths[name](model, tok, reg, qs, seeds, a.max_tokens, a.temperature)
            dt = time.perf_counter() - t
            tokens = sum(r.usage["completion_tokens"] + r.usage["tool_tokens"] for r in res)
            speed[name].append(tokens / dt)
            print(f"round {rnd + 1} {name}: {len(res)} rollouts, {tokens} tokens in {dt:.1f} s = {tokens / dt:.0f}/s",
                  flush=True)
    gq = [p["question"] for p in pool[-a.greedy:]] if a.greedy else []
    same = None
    if gq:
        g1 = batcher_path(model, tok, reg, gq, [0] * len(gq), a.max_tokens, 0.0)
        g2 = lockstep_path(model, tok, reg, gq, [0] * len(gq), a.max_tokens, 0.0)
        same = sum(x.ids == y.ids for x, y in zip(g1, g2)) / len(gq)
    med = {k: statistics.median(v) for k, v in speed.items()}
    out = {"command": "python benchmarks/lockstep.py --model MODEL " + " ".join(
               f"--{k.replace('_', '-')} {v}" for k, v in vars(a).items() if k not in ("model", "output")),
           "model": f"{model.cfg.num_params() / 1e6:.1f}M parameters", "rows_in_flight": a.problems * a.group,
           "tokens_per_s": speed, "median_tokens_per_s": med, "ratio_lockstep_vs_batcher": med["lockstep"] / med["batcher"],
           "greedy_same_tokens": same,
           "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"}
    Path(a.output).parent.mkdir(parents=True, exist_ok=True)
    Path(a.output).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__": main()
