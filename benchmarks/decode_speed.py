"""Decode speed: Svend's engine vs transformers' `generate`, the same weights, batch 1, on this CPU.

The Svend model (the `50m` preset by default, random weights: speed does not depend on what the
weights say) is exported to a Llama-format directory and loaded by transformers'
`LlamaForCausalLM`, so both run identical weights (fp32, or both bf16 with `--dtype bfloat16`). Each round times, alternating which goes
first: greedy decoding of `--new` tokens after a `--prompt`-token prompt (no early stop: Svend with
`stop_ids=[]`, transformers with `min_new_tokens`), and a prefill of `--prefill` tokens. The
reported ratio is the median over rounds of Svend's tokens/s divided by transformers'.

Also measured: the tool loop's overhead per tool call, the time from the model closing a call to
the model resuming (parsing, sandbox round trip, feeding the result back) minus the tool's own
running time, on a small model overfitted to call `execute_python` (as in the tool-loop notebook).

    python benchmarks/decode_speed.py                      # 50m preset, 256 new tokens, 5 rounds
    python benchmarks/decode_speed.py --preset tiny --rounds 3
    python benchmarks/decode_speed.py --dtype bfloat16 --out benchmarks/results/decode_speed_bf16.json

Both decoders read every weight once per token, so at batch 1 on a CPU their speed is set by memory
bandwidth; `svend_weight_GBps` and `transformers_weight_GBps` (weight bytes x tokens/s) show how
close each gets to the machine's bandwidth.
"""
import argparse, json, platform, statistics, tempfile, time, warnings
from pathlib import Path
import torch

from svend.models.config import SvendConfig
from svend.models.transformer import Svend
from svend.models.hf import export_llama
from svend.data.tokenizer import train_tokenizer, sample_corpus
from svend.inference.engine import Engine, weight_bytes


def time_svend_decode(eng, prompt, new):
    t = time.perf_counter()
    c = eng.generate(prompt, max_tokens=new, temperature=0, stop_ids=[])[0]
    dt = time.perf_counter() - t
    assert c.completion_tokens == new
    return dt, c.ids


def time_hf_decode(hf, prompt, new):
    x = torch.tensor([prompt])
    t = time.perf_counter()
    with torch.inference_mode():
        out = hf.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=new, min_new_tokens=new,
                          do_sample=False, pad_token_id=0)
    dt = time.perf_counter() - t
    assert out.shape[1] == len(prompt) + new
    return dt, out[0, len(prompt):].tolist()


def time_prefill(fn, reps=3):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    return best


def tool_loop_overhead(calls: int = 20) -> dict:
    "Median ms per tool call spent by the loop beyond the tool's own time, on an overfitted small model."
    from svend.reasoning.orchestrator import Reasoner, toy_tool_model
    model, tok = toy_tool_model()
    r = Reasoner(Engine(model, tok), max_tokens=120)
    r.reason("What is 1234 * 5678?")   # start the sandbox
    over, tool = [], []
    for _ in range(calls):
        res = r.reason("What is 1234 * 5678?")
        assert res.answer == "7006652", res.text
        tc = res.tool_calls[0]
        over.append((tc.wall - tc.duration) * 1e3); tool.append(tc.duration * 1e3)
    return {"calls": calls, "median_overhead_ms": statistics.median(over), "median_tool_ms": statistics.median(tool),
            "overhead_ms_all": [round(x, 3) for x in over]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="50m")
    ap.add_argument("--prompt", type=int, default=32, help="prompt tokens before decoding")
    ap.add_argument("--new", type=int, default=256, help="new tokens per decode")
    ap.add_argument("--prefill", type=int, default=512, help="prompt tokens for the prefill measurement")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32", help="weights of both models")
    ap.add_argument("--out", default="benchmarks/results/decode_speed.json")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    from transformers import LlamaForCausalLM

    torch.manual_seed(0)
    cfg = SvendConfig.from_preset(a.preset)
    dtype = getattr(torch, a.dtype)
    model = Svend(cfg).eval().to(dtype)
    # The tokenizer only supplies the engine's defaults (stop_ids=[] below). It is smaller than the model's 32K
    # vocabulary, so the engine samples among its ids only: a slice of the logits, free.
    tok = train_tokenizer(sample_corpus(200), vocab_size=600)
    eng = Engine(model, tok)
    with tempfile.TemporaryDirectory() as d:
        export_llama(model, d)
        hf = LlamaForCausalLM.from_pretrained(d, dtype=dtype).eval()
    g = torch.Generator().manual_seed(1)
    prompt = torch.randint(4, cfg.vocab_size, (a.prompt,), generator=g).tolist()
    long_prompt = torch.randint(4, cfg.vocab_size, (a.prefill,), generator=g).tolist()

    time_svend_decode(eng, prompt, 8); time_hf_decode(hf, prompt, 8)   # warm up
    rows = []
    for r in range(a.rounds):
        order = ["svend", "hf"] if r % 2 == 0 else ["hf", "svend"]
        res = {}
        for who in order:
            if who == "svend":
                res["svend_s"], ids_s = time_svend_decode(eng, prompt, a.new)
                res["svend_prefill_s"] = time_prefill(lambda: eng.start(long_prompt, 1))
            else:
                res["hf_s"], ids_h = time_hf_decode(hf, prompt, a.new)
                with torch.inference_mode():
                    x = torch.tensor([long_prompt])
                    res["hf_prefill_s"] = time_prefill(lambda: hf(x, use_cache=True, logits_to_keep=1))
        res["ratio"] = res["hf_s"] / res["svend_s"]
        rows.append(res)
        print(f"round {r}: svend {a.new / res['svend_s']:7.1f} tok/s   transformers {a.new / res['hf_s']:7.1f} tok/s"
              f"   ratio {res['ratio']:.2f}x")

    med = lambda k: statistics.median(r[k] for r in rows)
    loop = tool_loop_overhead()
    summary = {
        "preset": a.preset, "params": cfg.num_params(), "dtype": a.dtype, "batch": 1,
        "prompt_tokens": a.prompt, "new_tokens": a.new, "rounds": a.rounds,
        "svend_decode_tok_s": a.new / med("svend_s"), "transformers_decode_tok_s": a.new / med("hf_s"),
        "decode_speedup_median": med("ratio"), "target": ">= 2x (issue 6)",
        "prefill_tokens": a.prefill, "svend_prefill_tok_s": a.prefill / med("svend_prefill_s"),
        "transformers_prefill_tok_s": a.prefill / med("hf_prefill_s"),
        "tool_loop": loop,
        # every decoded token reads every weight once: weight bytes x tokens/s is the memory traffic each side reaches
        "weight_bytes": weight_bytes(model),
        "svend_weight_GBps": weight_bytes(model) * a.new / med("svend_s") / 1e9,
        "transformers_weight_GBps": weight_bytes(model) * a.new / med("hf_s") / 1e9,
        "machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
        "rounds_detail": rows,
    }
    import transformers
    summary["machine"] += f", transformers {transformers.__version__}"
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds_detail"}, indent=2))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
