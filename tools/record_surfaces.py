"""Record what every surface answers on a model (the API's streamed and JSON /v1/reason, chat, the app's
events and chat view, the three searches, svend_eval's answer_eval), to compare two versions of the code.

    python tools/record_surfaces.py --model DIR --verifier DIR --out before.json     # on the old code
    python tools/record_surfaces.py --model DIR --verifier DIR --out after.json      # on the new code
    python tools/record_surfaces.py --compare before.json after.json                 # what differs, key by key

Timings are left out; everything else (answers, events in order, tool calls, scores, search details) is kept.
The questions are the first 3 held-in and 3 held-out problems of --problems-dir (the quickstart's data) and
the seed's derivative question; "auto" runs with threshold 0.99 so that the verifier's doubt starts a search."""
import argparse, difflib, json, os, sys

VOLATILE = {"timings", "duration", "wall", "seconds", "score_seconds", "seconds_per_problem", "id", "created",
            "seconds_per_question", "seconds_per_answer", "model"}   # timings, ids, and the served model's label


def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list): return [strip(v) for v in x]
    if isinstance(x, float): return round(x, 4)
    return x


def record(model, verifier, problems_dir, out_path):
    import requests, torch
    torch.set_num_threads(2)
    from svend.serving.api import PyTorchBackend, create_app, serve_in_thread
    from svend.serving.app import ReasonSource, ChatView
    from svend.evaluation.benchmarks import answer_eval
    from svend.reasoning.orchestrator import Reasoner
    rows = [json.loads(l) for l in open(os.path.join(problems_dir, "eval_heldin.jsonl"))][:3] + \
           [json.loads(l) for l in open(os.path.join(problems_dir, "eval_heldout.jsonl"))][:3]
    qs = [r["question"] for r in rows] + ["What is the derivative of x^3 + 2x?"]
    backend = PyTorchBackend.from_pretrained(model, verifier, model_id="surfaces")
    url, server = serve_in_thread(create_app(backend))
    out = {"api_stream": [], "api_json": [], "app": [], "app_view": [], "chat": []}
    for q in qs:
        for search in (None, "auto"):
            body = dict(question=q, search=search, search_n=3, seed=5, max_tokens=300, threshold=0.99)
            r = requests.post(f"{url}/v1/reason", json={**body, "stream": True}, stream=True)
            out["api_stream"].append(strip([json.loads(l[6:]) for l in r.iter_lines()
                                            if l.startswith(b"data: ") and l != b"data: [DONE]"]))
            out["api_json"].append(strip(requests.post(f"{url}/v1/reason", json=body).json()))
        evs = list(ReasonSource(backend=backend).events(q, search="auto", width=1, max_tokens=300))
        out["app"].append(strip(evs))
        view = ChatView()
        for e in evs: view.add(e)
        out["app_view"].append(strip(view.messages))
        c = requests.post(f"{url}/v1/chat/completions",
                          json={"messages": [{"role": "user", "content": q}], "max_tokens": 200}).json()
        out["chat"].append(strip(c["choices"]))
    for search in ("best_of_n", "majority", "beam"):
        body = dict(question=qs[0], search=search, search_n=2, seed=3, max_tokens=200)
        out[f"api_{search}"] = strip(requests.post(f"{url}/v1/reason", json=body).json())
    server.should_exit = True
    reasoner = Reasoner.from_pretrained(model, verifier_path=verifier, max_tokens=300)
    probs = [{"question": r["question"], "gold": r["answer"]} for r in rows]
    out["eval"] = strip(answer_eval(reasoner, probs, progress=False))
    out["eval_auto"] = strip(answer_eval(reasoner, probs[:3], search="auto", progress=False))
    with open(out_path, "w") as f: json.dump(out, f, indent=1)
    print(f"written {out_path}: answers {[e[-1]['result']['answer'] for e in out['api_stream']]}")


def compare(a_path, b_path) -> int:
    a, b = strip(json.load(open(a_path))), strip(json.load(open(b_path)))
    differ = 0
    for k in sorted(set(a) | set(b)):
        same = a.get(k) == b.get(k)
        print(f"{k:<14} {'same' if same else 'DIFFERENT'}")
        if not same:
            differ += 1
            x, y = (json.dumps(d.get(k), indent=0).splitlines() for d in (a, b))
            print("\n".join(list(difflib.unified_diff(x, y, lineterm="", n=1))[:30]))
    return 1 if differ else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--model"); ap.add_argument("--verifier"); ap.add_argument("--out")
    ap.add_argument("--problems-dir", default=os.path.expanduser("~/.cache/svend/quickstart/data"))
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    a = ap.parse_args()
    if a.compare: sys.exit(compare(*a.compare))
    if not (a.model and a.out): ap.error("give --model and --out (and --verifier), or --compare A B")
    record(a.model, a.verifier, a.problems_dir, a.out)
