"""Reasoning on held-out problems: the tool loop, the verifier, and what search adds.

Given a trained reasoner (and optionally a verifier) and a JSON Lines file of held-out procedural
traces (e.g. `svend_generate_data --test-output test.jsonl`: problem templates never seen in
training), it measures:

* the tool loop, greedy, one sample: share of tool calls that are well formed, that execute without
  error, that return the reference result, and of final answers equal to the reference (by family);
* the verifier: catch rate of corrupted traces and false alarms on clean ones (svend.reasoning.verifier);
* search: accuracy and cost (tokens, seconds per problem) of one greedy sample vs best-of-N and
  verifier-weighted majority over N samples, on the same problems.

    python benchmarks/reasoning_eval.py --reasoner runs/tiny --verifier runs/tiny-verifier --test test.jsonl \
        --limit 200 --search-limit 60 --n 4
"""
import argparse, json, platform, random
from pathlib import Path
import torch

from svend.reasoning.orchestrator import Reasoner
from svend.reasoning.verifier import evaluate_verifier
from svend.evaluation.tools import tool_use_eval, search_eval


def load(path, limit, seed=0):
    recs = [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()]
    random.Random(seed).shuffle(recs)
    return recs[:limit]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reasoner", required=True)
    ap.add_argument("--verifier")
    ap.add_argument("--test", required=True, help="held-out traces (JSON Lines)")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--verifier-limit", type=int, default=300)
    ap.add_argument("--search-limit", type=int, default=60)
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--out", default="benchmarks/results/reasoning_eval.json")
    a = ap.parse_args()
    reasoner = Reasoner.from_pretrained(a.reasoner, verifier_path=a.verifier, max_tokens=400)
    recs = load(a.test, max(a.limit, a.verifier_limit, a.search_limit))
    out = {"reasoner": a.reasoner, "verifier": a.verifier, "test": a.test,
           "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"}
    out["tool_loop"] = tool_use_eval(reasoner, recs[:a.limit])
    print(json.dumps({k: v for k, v in out["tool_loop"].items() if k != "examples"}, indent=1))
    if reasoner.verifier is not None:
        out["verifier"] = evaluate_verifier(reasoner.verifier, recs[:a.verifier_limit], progress=True)
        print(json.dumps(out["verifier"], indent=1))
        if a.search_limit:
            out["search"] = search_eval(reasoner, recs[:a.search_limit], a.n)
            print(json.dumps(out["search"], indent=1))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
