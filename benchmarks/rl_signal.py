"""Is one RL step's gradient signal or noise (issue 18)? The gradient noise scale of `svend_train --task rl`'s steps.

From a model directory (e.g. a quickstart's SFT reasoner), it makes the RL trainer's rollouts, rewards and advantages
for `--steps` independent steps without updating the model, and reports (`svend.training.rl.rl_signal`):

- the simple noise scale (McCandlish et al., 2018) of the RL gradient, in rollouts, with a lower bound: the batch at
  which a step's gradient is as much signal as noise, against the rollouts a step makes;
- how well two steps agree (mean cosine of their gradients), and how well a step agrees with the same problems
  sampled again;
- with `--sft-data`, the same for supervised batches of as many traces of the SFT data (the yardstick);
- how many rollouts `--minutes` of RL make at the measured speed, in noise scales (at most: against the lower bound).

    python benchmarks/rl_signal.py --model ~/.cache/svend/quickstart/runs/reasoner/final \\
        --sft-data ~/.cache/svend/quickstart/data/train.jsonl --output benchmarks/results/rl_signal.json
"""
import argparse, json, math, platform
from pathlib import Path
import torch

from svend.training.rl import rl_signal


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="the model RL would start from (a Svend model directory)")
    ap.add_argument("--steps", type=int, default=8, help="independent RL steps to measure (at least 2)")
    ap.add_argument("--problems-per-step", type=int, default=16)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--data", action="append", default=[], help="problems (JSON Lines); default: procedural ones")
    ap.add_argument("--exclude", action="append", default=[], help="JSON Lines whose questions are left out")
    ap.add_argument("--sft-data", action="append", default=[], help="supervised traces, for the yardstick")
    ap.add_argument("--minutes", type=float, default=15.0, help="an RL run's length, to size against the noise scale")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", default="benchmarks/results/rl_signal.json")
    a = ap.parse_args()
    out = rl_signal(a.model, a.steps, a.problems_per_step, a.group, a.data, a.exclude, a.sft_data, a.seed)
    steps = a.minutes * 60 / out["seconds_per_step"]   # rollouts and a gradient each: about a real run's step
    out["run"] = {"minutes": a.minutes, "steps": round(steps), "rollouts": round(steps * out["rollouts_per_step"])}
    ns = out["rl"]["noise_scale_low"]
    # None: too few steps to bound the noise scale from below (it may be as small as zero)
    out["run"]["rollouts_over_noise_scale_at_most"] = (out["run"]["rollouts"] / ns if 0 < ns < math.inf else
                                                       0.0 if ns == math.inf else None)
    out["machine"] = f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    Path(a.output).parent.mkdir(parents=True, exist_ok=True)
    Path(a.output).write_text(json.dumps(out, indent=1) + "\n")
    fmt = lambda x: "unbounded" if not math.isfinite(x) else f"{x:,.0f}"
    print(json.dumps(out, indent=1))
    print(f"\nRL: noise scale {fmt(out['rl']['noise_scale'])} rollouts (at least {fmt(ns)}); a step makes "
          f"{out['rollouts_per_step']}. Steps agree at {out['rl']['agreement']:.4f}; the same problems sampled "
          f"again at {out['same_problems_agreement'] or 0:.4f}.")
    if "sft" in out:
        print(f"SFT: noise scale {fmt(out['sft']['noise_scale'])} traces; batches agree at "
              f"{out['sft']['agreement']:.4f}.")
    ratio = out["run"]["rollouts_over_noise_scale_at_most"]
    print(f"{a.minutes:g} minutes of RL make about {out['run']['rollouts']:,} rollouts: "
          + (f"{ratio:.2f} noise scales at most." if ratio is not None else "too few steps to bound it (--steps 8)."))


if __name__ == "__main__": main()
