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
import argparse, json, platform, random, statistics, time
from collections import Counter, defaultdict
from pathlib import Path
import torch

from svend.reasoning.orchestrator import Reasoner
from svend.reasoning.verifier import Verifier, evaluate_verifier
from svend.reasoning.search import answers_match, run_search


def load(path, limit, seed=0):
    recs = [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()]
    random.Random(seed).shuffle(recs)
    return recs[:limit]


def tool_loop_eval(reasoner, recs):
    from tqdm.auto import tqdm
    c, fam = Counter(), defaultdict(Counter)
    t0 = time.perf_counter()
    examples = []
    for r in tqdm(recs, desc="tool loop"):
        ref_calls = [s for s in r["reasoning"] if s.get("tool_call")]
        res = reasoner.reason(r["question"], verify=False)
        f = r.get("meta", {}).get("family", "?")
        c["problems"] += 1; fam[f]["problems"] += 1
        ok = answers_match(res.answer, r["answer"])
        c["answer_correct"] += ok; fam[f]["answer_correct"] += ok
        for i, tc in enumerate(res.tool_calls):
            c["calls"] += 1; fam[f]["calls"] += 1
            wf = tc.args is not None and not (tc.error or "").startswith(("tool arguments", "tool call has"))
            c["well_formed"] += wf; c["executed_ok"] += tc.ok; fam[f]["executed_ok"] += tc.ok
            ref = ref_calls[i]["tool_result"] if i < len(ref_calls) else None
            right = tc.ok and ref is not None and tc.result.strip() == str(ref).strip()
            c["reference_result"] += right
        c["expected_calls"] += len(ref_calls)
        if len(examples) < 5: examples.append(res.to_dict())
    secs = time.perf_counter() - t0
    n, calls = c["problems"], max(1, c["calls"])
    return {"problems": n, "answer_accuracy": c["answer_correct"] / n, "tool_calls": c["calls"],
            "expected_tool_calls": c["expected_calls"],
            "well_formed_rate": c["well_formed"] / calls, "executed_ok_rate": c["executed_ok"] / calls,
            "reference_result_rate": c["reference_result"] / calls, "seconds_per_problem": secs / n,
            "by_family": {k: {"problems": v["problems"], "answer_accuracy": v["answer_correct"] / v["problems"],
                              "executed_ok_rate": v["executed_ok"] / max(1, v["calls"])} for k, v in sorted(fam.items())},
            "examples": examples}


def search_eval(reasoner, recs, n):
    from tqdm.auto import tqdm
    rows = {"greedy": [], "best_of_n": [], "majority": []}
    for i, r in enumerate(tqdm(recs, desc="search")):
        t = time.perf_counter(); g = reasoner.reason(r["question"], verify=False)
        rows["greedy"].append((answers_match(g.answer, r["answer"]), g.usage["total_tokens"], time.perf_counter() - t))
        for m in ("best_of_n", "majority"):
            t = time.perf_counter(); s = run_search(reasoner, r["question"], method=m, n=n, seed=i)
            rows[m].append((answers_match(s.answer, r["answer"]), s.search["tokens"], time.perf_counter() - t))
    out = {}
    for k, v in rows.items():
        out[k] = {"accuracy": sum(a for a, _, _ in v) / len(v), "tokens_per_problem": statistics.mean(t for _, t, _ in v),
                  "seconds_per_problem": statistics.mean(s for _, _, s in v)}
    out["problems"], out["n"] = len(recs), n
    out["gain_majority_vs_greedy"] = out["majority"]["accuracy"] - out["greedy"]["accuracy"]
    out["gain_best_of_n_vs_greedy"] = out["best_of_n"]["accuracy"] - out["greedy"]["accuracy"]
    return out


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
    out["tool_loop"] = tool_loop_eval(reasoner, recs[:a.limit])
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
