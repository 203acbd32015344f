"""How fast and how right is the answer check that rewards RL and scores evaluations: the old rule against the new.

It samples a reasoner's answers to procedural problems the way RL does (8 samples at temperature 1 through the
real tool loop, 16 problems decoding in lockstep), then judges every (answer, reference) pair each way, timed:

- `simplify`: `answers_equivalent` with SymPy's `simplify` of the difference deciding (the rule before; a pair that
  takes over 10 s is stopped, counted as wrong and listed);
- `numeric`: `answers_equivalent` as it is now (exact for numbers, else values at three fixed points);
- RL's reward before: `answers_equivalent` by `simplify`, then math-verify on every answer it rejects; and
  `answer_correct` now (the numeric check; math-verify only when the reference or the answer is LaTeX).

It reports milliseconds per answer, the ratio, the verdicts that differ, and the pairs math-verify accepted that Svend's
comparison rejected (each printed, to read by eye: on procedural problems they were wrong answers).

    python benchmarks/answer_check.py --model ~/.cache/svend/quickstart/runs/reasoner/final --problems 64
"""
import argparse, json, platform, signal, time
from pathlib import Path
import sympy as sp
import torch

import svend.reasoning.answers as answers
from svend.inference.engine import Engine, load_model
from svend.reasoning.orchestrator import Reasoner
from svend.reasoning.answers import answers_equivalent, math_equal
from svend.tools.registry import default_registry
from svend.training.rl import answer_correct, load_rl_problems, rollout_seed


def simplify_same_value(a, b, up_to_constant=False):
    "The rule before: SymPy's `simplify` of the difference decides (no time bound of its own)."
    x, y = answers._expr(a), answers._expr(b)
    if x is None or y is None or isinstance(x, sp.Equality) or isinstance(y, sp.Equality): return False
    try:
        d = sp.simplify(x - y)
        return d == 0 or (up_to_constant and d.is_number)
    except Exception: return False


class Slow(Exception): pass


def timed(fn, pairs, limit_s=10):
    "Verdicts and seconds; a pair that takes more than `limit_s` counts as wrong and as `slow`."
    def alarm(*_): raise Slow()
    signal.signal(signal.SIGALRM, alarm)
    out, slow, t = [], [], time.perf_counter()
    for a, r in pairs:
        signal.alarm(limit_s)
        try: out.append(fn(a, r))
        except Slow: out.append(False); slow.append((a, r))
        finally: signal.alarm(0)
    return out, time.perf_counter() - t, slow


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="a Svend model directory (e.g. a quickstart's runs/reasoner/final)")
    ap.add_argument("--problems", type=int, default=64, help="procedural problems, 8 samples of each")
    ap.add_argument("--seed", type=int, default=7919)
    ap.add_argument("--output", default="benchmarks/results/answer_check.json")
    a = ap.parse_args()
    model, tok = load_model(a.model)
    probs = load_rl_problems(n=a.problems, seed=a.seed, log=lambda m: None)
    reasoner = Reasoner(Engine(model, tok), registry=default_registry(), max_tokens=256, max_tool_calls=4,
                        temperature=1.0)
    pairs, t = [], time.perf_counter()
    for c in range(0, len(probs), 16):   # RL's step: 16 problems x 8 samples, decoding in lockstep, its seeds
        part = [(i, k) for i in range(c, min(c + 16, len(probs))) for k in range(8)]
        res = reasoner.reason_batch([probs[i]["question"] for i, _ in part], temperature=1.0,
                                    seeds=[rollout_seed(0, 0, i, k) for i, k in part])
        pairs += [(r.answer, probs[i]["answer"]) for (i, _), r in zip(part, res)]
    decode_s = time.perf_counter() - t
    new, new_s, _ = timed(answers_equivalent, pairs)
    now = answers._same_value
    answers._same_value = simplify_same_value
    try:
        old, old_s, slow = timed(answers_equivalent, pairs)
        reward_old, reward_old_s, _ = timed(lambda x, r: answers_equivalent(x, r) or math_equal(x, r), pairs)
    finally: answers._same_value = now
    reward_new, reward_new_s, _ = timed(answer_correct, pairs)
    accepted = [(x, r) for (x, r), o, n in zip(pairs, reward_old, reward_new) if o and not n]
    n = len(pairs)
    out = {
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                   f"{torch.backends.cpu.get_cpu_capability()}",
        "model": a.model, "answers": n, "right": sum(new), "decode_seconds": round(decode_s, 2),
        "equivalent_ms_per_answer": {"simplify": round(1000 * old_s / n, 2), "numeric": round(1000 * new_s / n, 2),
                                     "ratio": round(old_s / max(new_s, 1e-9), 1)},
        "equivalent_verdicts_differ": [(x, r, o) for (x, r), o, v in zip(pairs, old, new) if o != v],
        "simplify_over_10s": slow,
        "reward_ms_per_answer": {"before": round(1000 * reward_old_s / n, 2), "now": round(1000 * reward_new_s / n, 2),
                                 "ratio": round(reward_old_s / max(reward_new_s, 1e-9), 1)},
        "math_verify_accepted_svend_rejected": accepted,
    }
    Path(a.output).parent.mkdir(parents=True, exist_ok=True)
    Path(a.output).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
