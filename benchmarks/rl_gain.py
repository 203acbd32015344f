"""What reinforcement learning adds to a reasoner (issue 18): greedy answers before and after RL, same problems.

Starting from a quickstart directory (its SFT reasoner and its evaluation sets), it runs `svend_train --task rl` for
`--minutes` on procedural problems (the evaluation questions excluded), then scores the SFT reasoner and the RL one,
greedy, on the held-in and held-out-rule evaluation problems, and writes both, the change in points, and the RL run's
reward by thirds of the run. With `--rl-dir` it scores an RL run that already exists instead of training one.

    python benchmarks/rl_gain.py --quickstart ~/.cache/svend/quickstart --minutes 15 \\
        --output benchmarks/results/rl_gain.json

With `--seeds 0 1 2` it trains one run per seed and reports the mean change too: two seeds of the same command moved
held-in answers by +5.0 and +2.5 points (`rl_gain_avx2_reward_fix*.json`).

Every change comes with its 95 % interval (paired: the answers that turned right against those that turned wrong).
On 200 problems that interval is about ±4 points, as wide as the effect the issue asks for, so `--dev 1000` (the
default) also scores both models on that many fresh held-in and held-out-rule problems (`dev`, about ±1.5 points;
kept out of RL's problems). The runs above gained +0.2 and +0.4 points on them.
"""
import argparse, json, platform, statistics, subprocess, sys, time
from pathlib import Path
import torch

from svend.data.synthetic import generate
from svend.evaluation.tools import tool_use_eval, paired_change


def score(model, probs: list[dict]) -> dict:
    "Greedy answers, every miss kept (to pair two models' answers)."
    return tool_use_eval(model, probs, workers=2, max_tokens=400, batch=32, max_misses=len(probs), progress=False)


accuracy = lambda r: {k: v["answer_accuracy"] for k, v in r["by_phrasing"].items()}


def dev_sets(q: Path, n: int) -> list[Path]:
    "`n` fresh held-in and `n` held-out-rule problems (seed 999, not the quickstart's), written once under data/."
    paths = [q / "data" / f"rl_dev_{k}_{n}.jsonl" for k in ("heldin", "heldout")]
    for path, split, phr in zip(paths, ("train", "heldout"), ("held-in", "held-out")):
        if path.exists(): continue
        recs, _ = generate(n, seed=999, progress=False, **({"split": split} if split == "heldout" else {}))
        for r in recs: r["meta"]["phrasing"] = phr
        path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quickstart", required=True, help="a svend_quickstart output directory")
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--rl-dir", help="an RL run to score (default: train one in QUICKSTART/runs/rl-bench)")
    ap.add_argument("--limit", type=int, default=200, help="problems of each evaluation set")
    ap.add_argument("--output", default="benchmarks/results/rl_gain.json")
    ap.add_argument("--seeds", type=int, nargs="+", help="train one run per seed (in QUICKSTART/runs/rl-bench-seedK) "
                    "and report each and their mean: one seed moves the result by several points")
    ap.add_argument("--dev", type=int, default=1000, help="fresh problems of each phrasing to score too (0: none)")
    ap.add_argument("rl_flags", nargs="*", help="more svend_train --task rl flags (after --)")
    a = ap.parse_args()
    q = Path(a.quickstart).expanduser()
    sft = q / "runs" / "reasoner" / "final"
    evals = [q / "data" / f"eval_{n}.jsonl" for n in ("heldin", "heldout", "handwritten")]
    seeds = a.seeds or [None]
    if a.rl_dir and len(seeds) > 1: ap.error("--rl-dir scores one run: give at most one --seeds")
    load = lambda f, n=a.limit: [json.loads(l) for l in f.read_text().splitlines() if l.strip()][:n]
    probs = load(evals[0]) + load(evals[1])
    dev = dev_sets(q, a.dev) if a.dev else []
    dev_probs = sum((load(f, a.dev) for f in dev), [])
    sft_card, runs = score(sft, probs), []
    sft_dev = score(sft, dev_probs) if dev else None
    for seed in seeds:
        rl = Path(a.rl_dir) if a.rl_dir else q / "runs" / ("rl-bench" if seed is None else f"rl-bench-seed{seed}")
        cmd = ["svend_train", "--task", "rl", "--init-from", str(sft), "--minutes", str(a.minutes), "--no-wandb",
               "--output-dir", str(rl)] + sum((["--exclude", str(f)] for f in evals + dev), []) + a.rl_flags
        if seed is not None: cmd += ["--seed", str(seed)]
        if not a.rl_dir:
            t = time.time(); subprocess.run(cmd, check=True); train_s = time.time() - t
        else: train_s = None
        rl_card = score(rl / "final", probs)
        acc = {"sft": accuracy(sft_card), "rl": accuracy(rl_card)}
        if dev:
            rl_dev = score(rl / "final", dev_probs)
            dev_out = {"problems_per_set": a.dev, "greedy_answers": {"sft": accuracy(sft_dev), "rl": accuracy(rl_dev)},
                       "change": paired_change(sft_dev, rl_dev)}
        rows = [json.loads(l) for l in (rl / "metrics.jsonl").read_text().splitlines() if l.strip()]
        third = max(1, len(rows) // 3)
        thirds = lambda key: [statistics.mean(r[key] for r in rows[i:i + third]) for i in (0, third, 2 * third)
                              if rows[i:i + third]]   # (fewer than three parts for a run of one or two steps)
        runs.append({
            "command": " ".join(cmd) if not a.rl_dir else f"(an existing run, scored: {rl})", "seed": seed,
            "rl_steps": rows[-1]["step"], "rl_seconds": train_s,
            "problems_per_set": a.limit, "greedy_answers": acc,
            "change_points": {k: 100 * (acc["rl"][k] - acc["sft"][k]) for k in acc["sft"]},
            "change": paired_change(sft_card, rl_card), **({"dev": dev_out} if dev else {}),
            "reward_by_third": thirds("reward"),
            "skipped_groups": sum(r["skipped_groups"] for r in rows), "groups": sum(r["groups"] for r in rows),
            # with --rl-greedy: how often the greedy answer to the step's training problems was right
            **({"greedy_accuracy_by_third": thirds("greedy_accuracy")} if "greedy_accuracy" in rows[-1] else {}),
        })
    machine = f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}"
    if len(runs) == 1: out = {**runs[0], "machine": machine}
    else:   # several seeds: each run, and the mean change, the number to read
        out = {"runs": runs, "mean_change_points": {k: statistics.mean(r["change_points"][k] for r in runs)
                                                    for k in acc["sft"]},
               **({"mean_dev_change_points": {k: statistics.mean(r["dev"]["change"][k]["points"] for r in runs)
                                              for k in acc["sft"]}} if dev else {}), "machine": machine}
    Path(a.output).parent.mkdir(parents=True, exist_ok=True)
    Path(a.output).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__": main()
