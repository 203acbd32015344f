"""Data pipeline throughput: procedural trace generation, tokenisation (render with loss masks) and packing.

    python benchmarks/data_throughput.py                 # 10,000 traces, all cores
    python benchmarks/data_throughput.py --num-examples 2000 --workers 1
"""
import argparse, json, os, platform, time
from pathlib import Path
from svend.data.synthetic import generate
from svend.data.tokenizer import train_tokenizer, sample_corpus
from svend.data.mix import tokenize_records, pack

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--num-examples", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--vocab-size", type=int, default=2048)
    ap.add_argument("--seq-len", type=int, default=1024)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "data_throughput.json"))
    a = ap.parse_args()
    t = time.perf_counter(); recs, stats = generate(a.num_examples, seed=0, workers=a.workers, progress=False)
    gen_s = time.perf_counter() - t
    texts = [x for r in recs for x in (r["question"], *[s["content"] for s in r["reasoning"]], r["answer"])]
    t = time.perf_counter(); tok = train_tokenizer(texts + sample_corpus(), vocab_size=a.vocab_size)
    tok_train_s = time.perf_counter() - t
    t = time.perf_counter(); docs, rep = tokenize_records(tok, recs); render_s = time.perf_counter() - t
    t = time.perf_counter(); packed, prep = pack(docs, a.seq_len, tok.pad_id); pack_s = time.perf_counter() - t
    result = {"benchmark": "data_throughput", "traces": len(recs), "workers": a.workers or os.cpu_count(),
              "generation_s": gen_s, "traces_per_s": len(recs) / gen_s, "duplicates_skipped": stats.get("duplicates", 0),
              "tokenizer_train_s": tok_train_s, "vocab_size": tok.vocab_size,
              "tokens": rep["tokens"], "render_tokens_per_s": rep["tokens"] / render_s,
              "pack_tokens_per_s": rep["tokens"] / pack_s, "pack": prep,
              "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"generation: {len(recs)} traces in {gen_s:.1f} s ({result['traces_per_s']:.0f}/s, {result['workers']} workers)\n"
          f"tokenizer training: {tok_train_s:.1f} s (vocab {tok.vocab_size})\n"
          f"tokenising: {rep['tokens']:,} tokens at {result['render_tokens_per_s']:,.0f} tokens/s\n"
          f"packing into {a.seq_len}: {result['pack_tokens_per_s']:,.0f} tokens/s, fill {prep['fill']:.1%}\nwritten to {a.out}")

if __name__ == "__main__":
    main()
