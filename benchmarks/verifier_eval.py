"""The verifier and search table of issue 16, outside the quickstart.

Given a quickstart output directory (its `reasoner/`, `verifier/` and `data/eval_*.jsonl`), or a reasoner, a
verifier and files of held-out problems, it measures:

* corrupted traces (svend.reasoning.verifier.evaluate_verifier): catch rate, false alarms on the clean traces,
  catch rate per corruption kind, first wrong step located, AUC;
* natural errors and search (svend.evaluation.tools.search_eval): a greedy answer and N samples per problem;
  the verifier's AUC between the samples with right and with wrong answers; accuracy, tokens and seconds per
  problem of greedy, plain majority, verifier-weighted majority, best-of-N (and, with --beam, step-level beam);

and what the vote would need: the weighted majority a verifier of each within-question AUC would reach on the same
pool (svend.evaluation.tools.vote_needs). Prints the table and writes everything to --out (with the pool: each
problem's samples, answers and scores), the plot beside it (.png).

    python benchmarks/verifier_eval.py --run ~/.svend/quickstart --problems 200 --n 8 --workers 2
    python benchmarks/verifier_eval.py --run ~/.svend/quickstart --temperature 0.6
    python benchmarks/verifier_eval.py --reasoner R --verifier V --problems-file a.jsonl --problems-file b.jsonl
"""
import argparse, json, platform, time
from pathlib import Path
import torch

from svend.reasoning.orchestrator import Reasoner
from svend.reasoning.verifier import evaluate_verifier
from svend.evaluation.tools import search_eval


def load(path) -> list[dict]:
    return [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()]


def table(v: dict, se: dict) -> str:
    pct = lambda x: "n/a" if x is None else f"{x:.1%}"
    L = ["| corrupted traces | |", "|---|---|",
         f"| caught | {pct(v['catch_rate'])} of {v['corrupted']} |",
         f"| false alarms | {pct(v['false_alarm_rate'])} of {v['clean']} |",
         *(f"| caught: {k} | {pct(x)} |" for k, x in v["catch_rate_by_kind"].items()),
         f"| first wrong step located (of catches) | {pct(v['first_error_located'])} |",
         *(f"| located: {k} | {pct(x)} |" for k, x in v.get("located_by_kind", {}).items()),
         f"| AUC clean against corrupted | {v['auc']:.3f} |"]
    if h := v.get("hybrid"):   # its own rows: the learned verifier's figures above stand alone
        L += [f"| hybrid (verifier or tool calls re-run): caught | {pct(h['catch_rate'])} |",
              f"| hybrid: false alarms | {pct(h['false_alarm_rate'])} |",
              f"| hybrid: first wrong step located | {pct(h['first_error_located'])} |"]
    L.append("")
    nat = se["natural"]
    L += [f"Natural errors: {nat['samples']} samples, {nat['right']} right, {nat['wrong']} wrong; AUC "
          + ("n/a" if nat["auc"] is None else f"{nat['auc']:.3f}")
          + ("" if nat.get("auc_within") is None else
             f"; within one question (what a vote needs; {nat['questions_with_both']} questions with both) "
             f"{nat['auc_within']:.3f}")
          + ("" if nat.get("auc_within_contested") is None else
             f"; within the {nat['questions_contested']} questions a vote can win (majority wrong, a sample right) "
             f"{nat['auc_within_contested']:.3f}"), "",
          f"| method ({se['problems']} problems, N = {se['n']}, T = {se['temperature']}) | accuracy | tokens / problem "
          "| s / problem |",
          "|---|---|---|---|"]
    for m in ("greedy", "majority", "weighted_majority", "best_of_n", "beam", "any_of_n"):
        if m in se:
            L.append(f"| {m} | {pct(se[m]['accuracy'])} | {se[m]['tokens_per_problem']:.0f} | "
                     f"{se[m]['seconds_per_problem']:.2f} |")
    if vn := se.get("vote_needs"):
        need = lambda k: "none (above any of N)" if vn["needs"][k] is None else f"{vn['needs'][k]:.2f}"
        L += ["", f"What the vote needs (simulated, independent errors, {vn['draws']} draws): within-question AUC "
              f"{need('weighted_vs_majority')} for majority + 3 points, {need('weighted_vs_greedy')} for greedy + 8"
              + ("" if vn.get("weighted_at_measured_auc") is None else
                 f"; at this verifier's within AUC such a verifier answers {pct(vn['weighted_at_measured_auc'])}")]
    return "\n".join(L)


def plot(se: dict, path: Path) -> Path:
    """The weighted majority against the verifier's within-question AUC (simulated), with greedy, majority, the
    ceiling, the targets and this verifier."""
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    vn, nat = se["vote_needs"], se["natural"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(vn["aucs"], [100 * x for x in vn["weighted_majority"]], label="weighted majority, simulated verifier")
    ax.plot(vn["aucs"], [100 * x for x in vn["best_of_n"]], ls=":", label="best-of-N, simulated verifier")
    below = vn["greedy"] <= vn["majority"]   # the lower of the two is labelled under its line: they are often close
    for y, name, style, up in ((vn["any_of_n"], "any of N (ceiling)", "-", True),
                               (vn["majority"], "plain majority", "--", below), (vn["greedy"], "greedy", "-.", not below)):
        ax.axhline(100 * y, color="grey", ls=style, lw=1)
        ax.text(0.505, 100 * y + (0.4 if up else -0.4), name, fontsize=8, va="bottom" if up else "top")
    for y, name in ((vn["greedy"] + 0.08, "target: greedy + 8"), (vn["majority"] + 0.03, "target: majority + 3")):
        ax.axhline(100 * y, color="tab:red", ls="--", lw=0.8); ax.text(0.505, 100 * y + 0.4, name, fontsize=8,
                                                                      color="tab:red")
    if nat.get("auc_within") is not None:
        ax.plot([nat["auc_within"]], [100 * se["weighted_majority"]["accuracy"]], "o", color="black",
                label="this verifier (measured)")
    ax.set(xlabel="verifier's AUC within one question", ylabel="accuracy (%)", xlim=(0.5, 1.0),
           title=f"What the vote needs ({se['problems']} problems, N = {se['n']})")
    ax.legend(loc="lower right", fontsize=8); fig.tight_layout(); fig.savefig(path, dpi=110); plt.close(fig)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--run", help="a quickstart output directory (reasoner/, verifier/, data/eval_*.jsonl)")
    ap.add_argument("--reasoner", help="reasoner directory (default: RUN/reasoner)")
    ap.add_argument("--verifier", help="verifier directory (default: RUN/verifier)")
    ap.add_argument("--problems-file", action="append", default=[],
                    help="held-out problems, JSON Lines with question and answer (repeatable; default: RUN's "
                         "held-in and held-out evaluation sets, half of --problems from each)")
    ap.add_argument("--problems", type=int, default=200, help="problems for natural errors and search")
    ap.add_argument("--n", type=int, default=8, help="samples per problem")
    ap.add_argument("--corrupted", type=int, default=150, help="traces scored clean and corrupted")
    ap.add_argument("--workers", type=int, default=2, help="one-thread processes sharing the search")
    ap.add_argument("--beam", action="store_true", help="also run step-level beam search (costly)")
    ap.add_argument("--temperature", type=float, help="the samples' temperature (default: search's own, 0.8)")
    ap.add_argument("--out", default="benchmarks/results/verifier_eval.json")
    a = ap.parse_args(argv)
    if not a.run and not (a.reasoner and a.verifier and a.problems_file):
        ap.error("give --run, or --reasoner, --verifier and --problems-file")
    run = Path(a.run).expanduser() if a.run else None
    reasoner_dir, verifier_dir = Path(a.reasoner or run / "reasoner"), Path(a.verifier or run / "verifier")
    files = a.problems_file or [run / "data" / "eval_heldin.jsonl", run / "data" / "eval_heldout.jsonl"]
    sets = [load(f) for f in files]
    per = -(-a.problems // len(sets))
    problems = [r for s in sets for r in s[:per]][:a.problems]
    t = time.perf_counter()
    reasoner = Reasoner.from_pretrained(reasoner_dir, verifier_path=verifier_dir, max_tokens=400)
    v = evaluate_verifier(reasoner.verifier, sets[0][:a.corrupted], progress=True, rerun=True,
                          registry=reasoner.registry)
    se = search_eval(reasoner_dir, problems, n=a.n, workers=a.workers, verifier_path=verifier_dir, beam=a.beam,
                     temperature=a.temperature, keep_pool=True)
    out = {"reasoner": str(reasoner_dir), "verifier": str(verifier_dir), "problems_files": [str(f) for f in files],
           "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
           "minutes": (time.perf_counter() - t) / 60, "verifier": v, "search": se}
    print(table(v, se))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    if se.get("vote_needs"): print(f"plot {plot(se, Path(a.out).with_suffix('.png'))}")
    print(f"written {a.out} ({out['minutes']:.1f} min)")


if __name__ == "__main__":
    main()
