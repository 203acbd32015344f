"""Serving throughput and latency: svend_serve with continuous batching vs one request at a time.

Two `svend_serve` processes run the same `tiny` model (random weights unless --model-path: speed does
not depend on what the weights say): one with `--max-batch 32` (batching), one with `--max-batch 1`
(each request waits for the one before it: the reference). For 1, 8 and 32 concurrent clients, each
client sends `/v1/completions` requests (a short prompt, `--new` tokens with `ignore_eos`, so every
request generates the same number of tokens) until `--requests` have been answered; the servers
alternate which goes first in each round. Reported per server and concurrency: generated tokens/s,
requests/s, p50/p95 latency, and the ratio batched/one-at-a-time (target at 8 clients: >= 3x).

Hosting cost: with no GPU here, the cost per 1M tokens comes from the planner's estimate
(`svend.training.plan.plan_serving`, labelled as an estimate) for the 7b preset on A100 80GB and
H100 at assumed hourly prices, against the seed's $3 per 1M tokens target.

    python benchmarks/serve_throughput.py                   # tiny preset, 1/8/32 clients, 2 rounds
    python benchmarks/serve_throughput.py --clients 1 8 --rounds 1
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import requests
import torch

from svend.models.config import SvendConfig
from svend.models.transformer import Svend
from svend.data.tokenizer import train_tokenizer, sample_corpus
from svend.training.checkpoint import save_checkpoint
from svend.training.plan import plan_serving
from svend.serving.api import free_port


def start_server(model_dir, max_batch, env):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "svend.serving.api", "--model-path", str(model_dir), "--port", str(port),
                             "--max-batch", str(max_batch)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            requests.get(f"{url}/health", timeout=1); return proc, url
        except requests.ConnectionError: time.sleep(0.1)
    proc.kill(); raise RuntimeError("server did not start")


def load(url, clients, n_requests, new, prompt):
    "Send n_requests from `clients` threads; returns throughput and latency figures."
    lat, tokens = [], []
    def one(i):
        t = time.perf_counter()
        r = requests.post(f"{url}/v1/completions", json={"prompt": f"{prompt} {i}", "max_tokens": new, "ignore_eos": True,
                                                        "temperature": 0.8, "seed": i}, timeout=600)
        r.raise_for_status()
        lat.append(time.perf_counter() - t); tokens.append(r.json()["usage"]["completion_tokens"])
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as ex: list(ex.map(one, range(n_requests)))
    wall = time.perf_counter() - t0
    lat.sort()
    return {"clients": clients, "requests": n_requests, "seconds": wall, "tokens_per_s": sum(tokens) / wall,
            "requests_per_s": n_requests / wall, "p50_s": statistics.median(lat),
            "p95_s": lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-path", help="serve this model instead of a random tiny one")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--requests", type=int, default=0, help="requests per measurement (default: max(8, 2 x clients))")
    ap.add_argument("--new", type=int, default=64, help="tokens generated per request")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0, help="torch threads per server (default: all cores)")
    ap.add_argument("--price-a100", type=float, default=1.8, help="assumed $/h of an A100 80GB (for the estimate)")
    ap.add_argument("--price-h100", type=float, default=2.5, help="assumed $/h of an H100 80GB (for the estimate)")
    ap.add_argument("--out", default="benchmarks/results/serve_throughput.json")
    a = ap.parse_args()
    env = {**os.environ}
    if a.threads: env["OMP_NUM_THREADS"] = str(a.threads)
    with tempfile.TemporaryDirectory() as d:
        model_dir = a.model_path
        if model_dir is None:
            torch.manual_seed(0)
            tok = train_tokenizer(sample_corpus(300), vocab_size=1000)
            model = Svend(SvendConfig.from_preset("tiny"))
            model_dir = save_checkpoint(Path(d) / "tiny", model, tokenizer=tok)
        servers = {"batched": start_server(model_dir, 32, env), "one_at_a_time": start_server(model_dir, 1, env)}
        try:
            for name, (_, url) in servers.items(): load(url, 2, 4, 8, "warm up")
            runs = {c: {"batched": [], "one_at_a_time": []} for c in a.clients}
            for rnd in range(a.rounds):
                for c in a.clients:
                    order = list(servers) if rnd % 2 == 0 else list(servers)[::-1]
                    for name in order:
                        r = load(servers[name][1], c, a.requests or max(8, 2 * c), a.new, "What is")
                        runs[c][name].append(r)
                        print(f"round {rnd + 1} {c:>2} clients {name:<14} {r['tokens_per_s']:7.1f} tok/s  "
                              f"p50 {r['p50_s']:.2f}s p95 {r['p95_s']:.2f}s", flush=True)
            health = requests.get(f"{servers['batched'][1]}/health").json()
        finally:
            for proc, _ in servers.values(): proc.terminate(); proc.wait(10)
    table = []
    for c in a.clients:
        row = {"clients": c}
        for name in ("batched", "one_at_a_time"):
            rs = runs[c][name]
            row[name] = {k: statistics.median(r[k] for r in rs) for k in ("tokens_per_s", "requests_per_s", "p50_s", "p95_s")}
        row["throughput_ratio"] = row["batched"]["tokens_per_s"] / row["one_at_a_time"]["tokens_per_s"]
        table.append(row)
    cost = {f"7b on {gpu} at ${price}/h, batch {b}": plan_serving("7b", gpu, batch=b, price_per_hour=price)
            for gpu, price in (("a100-80gb", a.price_a100), ("h100-80gb", a.price_h100)) for b in (1, 32)}
    result = {"benchmark": "serve_throughput", "model": str(a.model_path or "tiny preset, random weights"),
              "new_tokens": a.new, "rounds": a.rounds, "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
              "torch_threads": a.threads or "default", "batcher_stats": health.get("batch"), "table": table,
              "target": "batched >= 3x one-at-a-time throughput at 8 clients",
              "met": next((r["throughput_ratio"] >= 3 for r in table if r["clients"] == 8), None),
              "hosting_cost_estimate": {k: {"tokens_per_s": round(v["tokens_per_s"]), "dollars_per_million_tokens": round(v["dollars_per_million_tokens"], 3),
                                            "bound": v["bound"], "label": "planner estimate, not measured"} for k, v in cost.items()},
              "seed_cost_target_dollars_per_million": 3.0}
    print()
    print(f"{'clients':>7} | {'batched tok/s':>13} {'p50':>6} {'p95':>6} | {'1-at-a-time tok/s':>17} {'p50':>6} {'p95':>6} | ratio")
    for r in table:
        b, o = r["batched"], r["one_at_a_time"]
        print(f"{r['clients']:>7} | {b['tokens_per_s']:>13.1f} {b['p50_s']:>6.2f} {b['p95_s']:>6.2f} | {o['tokens_per_s']:>17.1f} "
              f"{o['p50_s']:>6.2f} {o['p95_s']:>6.2f} | {r['throughput_ratio']:.2f}x")
    print(f"target (>= 3x at 8 clients): {'met' if result['met'] else 'NOT met'}")
    for k, v in result["hosting_cost_estimate"].items():
        print(f"{k}: ~{v['tokens_per_s']} tok/s, ${v['dollars_per_million_tokens']} per 1M tokens ({v['label']}; seed target $3)")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=1) + "\n")
    print("written", a.out)


if __name__ == "__main__":
    main()
