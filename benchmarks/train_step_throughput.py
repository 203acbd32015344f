"""Training-step throughput: Svend vs transformers' LlamaForCausalLM built from the same config.

One step = forward + loss + backward + AdamW step, fp32, on the CPU. The two models get identical
weights (the Svend model is exported to a Llama directory and loaded by transformers), identical
batches and identical optimizers; each computes its loss the way its users would (Svend:
`model(ids, targets=...)`, transformers: `model(input_ids=..., labels=...)`). Rounds alternate
which model goes first, so drift in the machine's speed hits both alike; the ratio is the median
of the per-round ratios.

Three contestants by default: Svend eager, Svend with `compile_blocks()` (torch.compile of each
block; how the trainer runs it), and transformers eager. `--compile-reference` adds transformers
under `torch.compile` too, for the like-for-like compiled comparison.

Also reported: Svend's model FLOP utilisation (MFU), its achieved FLOP/s as a fraction of a large
fp32 matmul measured in the same run.

    python benchmarks/train_step_throughput.py            # ~22M params (32K vocab, tied), batch 8 x 256 tokens
    python benchmarks/train_step_throughput.py --vocab 8192 --layers 8 --ffn 1152 --untied \
        --out benchmarks/results/train_step_throughput_vocab8k.json   # ~20M params, 8K vocab, untied
    python benchmarks/train_step_throughput.py --rounds 3 --steps 2   # quicker, noisier
    python benchmarks/train_step_throughput.py --compile-reference    # also transformers compiled
"""
import argparse, json, platform, statistics, tempfile, time, warnings
from pathlib import Path
import torch

from svend.models.config import SvendConfig
from svend.models.transformer import Svend
from svend.models.hf import export_llama


def bench_config(vocab: int = 32000, dim: int = 384, layers: int = 6, ffn: int = 1024, tied: bool = True) -> SvendConfig:
    # default: ~22M parameters shaped like Svend's small presets (32K vocabulary, tied embeddings),
    # 64-dim heads with 3 query heads per KV head
    return SvendConfig(vocab_size=vocab, dim=dim, n_layers=layers, n_heads=dim // 64, n_kv_heads=dim // 192,
                       ffn_dim=ffn, max_seq_len=1024, tie_embeddings=tied, name="bench")


def train_flops_per_token(cfg: SvendConfig, seq: int) -> float:
    "6 x matmul parameters (the embedding lookup is not a matmul) + causal attention scores and mixing."
    matmul_params = cfg.num_params() - cfg.vocab_size * cfg.dim * (0 if cfg.tie_embeddings else 1)
    attn_fwd = 2 * 2 * cfg.n_layers * (seq / 2) * cfg.n_heads * cfg.head_dim   # QK^T and PV, causal half
    return 6 * matmul_params + 3 * attn_fwd


def matmul_gflops(n: int = 2048, reps: int = 5) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds (median is reported)")
    ap.add_argument("--steps", type=int, default=3, help="timed steps per model per round")
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--dim", type=int, default=384, help="a multiple of 192 (64-dim heads, 3 per KV head)")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--untied", action="store_true", help="separate input and output embeddings")
    ap.add_argument("--compile-reference", action="store_true", help="also time transformers under torch.compile")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "train_step_throughput.json"))
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    from transformers import LlamaForCausalLM
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error(); hf_logging.disable_progress_bar()

    torch.manual_seed(0)
    cfg = bench_config(args.vocab, args.dim, args.layers, args.ffn, not args.untied)
    svend = Svend(cfg)
    svend_compiled = Svend(cfg)
    svend_compiled.load_state_dict(svend.state_dict())
    svend_compiled.compile_blocks()
    with tempfile.TemporaryDirectory() as d:
        export_llama(svend, d)
        load = lambda: LlamaForCausalLM.from_pretrained(d, torch_dtype=torch.float32, attn_implementation="sdpa").train()
        hf = load()
        hf_compiled = torch.compile(load()) if args.compile_reference else None
    n_params = cfg.num_params()
    assert n_params == sum(p.numel() for p in hf.parameters())
    B, T = args.batch, args.seq
    data = torch.randint(0, cfg.vocab_size, (args.steps, B, T + 1), generator=torch.Generator().manual_seed(1))

    def svend_step(model, opt, ids):
        loss = model(ids[:, :-1], targets=ids[:, 1:])
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()

    def hf_step(model, opt, ids):   # the same T input tokens; transformers shifts labels inside (T-1 targets)
        loss = model(input_ids=ids[:, :-1], labels=ids[:, :-1]).loss
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()

    runners = {"svend": (svend_step, svend), "svend_compiled": (svend_step, svend_compiled),
               "transformers": (hf_step, hf)}
    if hf_compiled is not None: runners["transformers_compiled"] = (hf_step, hf_compiled)
    runners = {k: (step, model, torch.optim.AdamW(model.parameters(), lr=1e-4)) for k, (step, model) in runners.items()}
    for name, (step, model, opt) in runners.items():   # warm-up: allocations, optimizer state, compilation
        t = time.perf_counter(); step(model, opt, data[0]); step(model, opt, data[0])
        print(f"warm-up {name}: {time.perf_counter() - t:.1f} s", flush=True)

    tps = {name: [] for name in runners}
    gflops = []
    for r in range(args.rounds):
        order = list(runners) if r % 2 == 0 else list(runners)[::-1]
        for name in order:
            step, model, opt = runners[name]
            t = time.perf_counter()
            for s in range(args.steps): step(model, opt, data[s])
            tps[name].append(args.steps * B * T / (time.perf_counter() - t))
        gflops.append(matmul_gflops())
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]:,.0f}" for k, v in tps.items())
              + f" tok/s; matmul {gflops[-1]:.0f} GFLOP/s", flush=True)

    def ratio(a, b):
        rs = [x / y for x, y in zip(tps[a], tps[b])]
        return {"median": statistics.median(rs), "min": min(rs), "max": max(rs)}
    flops_tok = train_flops_per_token(cfg, T)
    peak = max(gflops) * 1e9
    med = {k: statistics.median(v) for k, v in tps.items()}
    ratios = {"svend_eager_vs_transformers_eager": ratio("svend", "transformers"),
              "svend_compiled_vs_transformers_eager": ratio("svend_compiled", "transformers")}
    if hf_compiled is not None:
        ratios["svend_compiled_vs_transformers_compiled"] = ratio("svend_compiled", "transformers_compiled")
    result = {
        "benchmark": "train_step_throughput", "params": n_params, "config": cfg.to_dict(),
        "batch": B, "seq": T, "rounds": args.rounds, "steps_per_round": args.steps,
        "tokens_per_s_median": med, "ratios": ratios, "target_ratio": 1.2,
        "matmul_gflops": max(gflops), "train_flops_per_token": flops_tok,
        "mfu": {k: med[k] * flops_tok / peak for k in med},
        "machine": {"cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
                    "torch": torch.__version__, "python": platform.python_version()},
        "raw": {**tps, "matmul_gflops": gflops},
    }
    import transformers; result["machine"]["transformers"] = transformers.__version__
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print()
    for k, v in tps.items(): print(f"{k:>22}: {med[k]:8,.0f} tok/s  MFU {result['mfu'][k]:.0%}")
    for k, v in ratios.items(): print(f"{k}: {v['median']:.2f}x (min {v['min']:.2f}, max {v['max']:.2f}); target >= 1.2x")
    print(f"MFU = model FLOP/s / fp32 {2048}^3 matmul ({result['matmul_gflops']:.0f} GFLOP/s, same run)\nwritten to {args.out}")


if __name__ == "__main__":
    main()
