"""Peak memory of a training step with the plain optimizer step vs the optimizer step in backward, beside the planner.

Each measurement is a fresh process: it builds the model, trains a few steps in fp32 on the CPU (AdamW, one
micro-batch per step, no clipping: the settings under which the two modes give bit-identical weights) and reports
the growth of its peak resident memory (`ru_maxrss`) over what it held before building the model. The planner's
prediction is `svend.training.plan.breakdown` for the same shape (fp32, no CUDA context). The figure that matters is
the saving, plain minus step-in-backward, against the planner's saving (all gradients minus the largest one).
Gradient checkpointing is on by default (as in the planner's rows that need the step in backward): without it the
activations of a small model are as big as its gradients, and a plain step's peak (gradients at the end of backward)
and its activation peak (at the start) do not add up, so the saving hides; `--no-checkpointing` shows that.
Modes alternate across rounds so drift in the machine hits both alike; the median of the rounds is reported.
glibc's malloc keeps freed blocks below its (adaptive, up to 32 MB) mmap threshold in its heap, so resident memory
would not fall when a gradient is freed; `MALLOC_MMAP_THRESHOLD_=65536` makes every tensor its own mapping, returned
to the system when freed, so peak resident memory follows the bytes actually live (as CUDA's allocator stats would).

    python benchmarks/step_in_backward_memory.py                 # 50m preset (32K vocab), batch 1 x 256, 3 steps
    python benchmarks/step_in_backward_memory.py --vocab 8192 \
        --out benchmarks/results/step_in_backward_memory_vocab8k.json
    python benchmarks/step_in_backward_memory.py --no-checkpointing --out /tmp/step_in_backward_nockpt.json
    python benchmarks/step_in_backward_memory.py --preset 125m --rounds 1
"""
import argparse, json, os, platform, statistics, subprocess, sys
from pathlib import Path

SCRIPT = r'''
import json, resource, sys, torch
from svend.models.config import SvendConfig
from svend.models.transformer import Svend
from svend.training.trainer import TrainArgs, make_optimizer
from svend.training.optim_hooks import StepInBackward
preset, (batch, seq, steps), mode, ckpt, vocab = sys.argv[1], map(int, sys.argv[2:5]), sys.argv[5], sys.argv[6], \
    int(sys.argv[7])
torch.manual_seed(0)
ids = torch.randint(0, vocab, (batch, seq))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
model = Svend(SvendConfig.from_preset(preset, max_seq_len=seq, vocab_size=vocab))
model.gradient_checkpointing = ckpt == "1"
opt = make_optimizer(model, TrainArgs())
hooks = StepInBackward(model, opt) if mode == "in_backward" else None
for _ in range(steps):
    model(ids, targets=ids).backward()
    if hooks is None: opt.step(); opt.zero_grad(set_to_none=True)
print(json.dumps({"peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base}))
'''

def measure(preset, batch, seq, steps, mode, ckpt, vocab) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, preset, str(batch), str(seq), str(steps), mode, str(int(ckpt)),
                          str(vocab)],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "OMP_NUM_THREADS": "2", "MALLOC_MMAP_THRESHOLD_": "65536"})
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_bytes"]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="50m")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--vocab", type=int, default=32000, help="vocabulary (the tied embedding is the largest gradient)")
    ap.add_argument("--no-checkpointing", dest="checkpointing", action="store_false",
                    help="keep every block's activations (default: gradient checkpointing, as in the planner's "
                         "fitting rows)")
    ap.add_argument("--out", default="benchmarks/results/step_in_backward_memory.json")
    a = ap.parse_args()
    from svend.models.config import SvendConfig
    from svend.training.plan import Plan, breakdown
    cfg = SvendConfig.from_preset(a.preset, max_seq_len=a.seq, vocab_size=a.vocab)
    n = cfg.num_params()
    runs = {"plain": [], "in_backward": []}
    for r in range(a.rounds):
        order = ["plain", "in_backward"] if r % 2 == 0 else ["in_backward", "plain"]
        for mode in order: runs[mode].append(measure(a.preset, a.batch, a.seq, a.steps, mode, a.checkpointing, a.vocab))
    measured = {k: statistics.median(v) for k, v in runs.items()}
    plan = lambda k: Plan(a.preset, n, a.batch, a.seq, step_in_backward=k == "in_backward",
                          checkpointing=a.checkpointing, bf16=False, gpu=False)
    predicted = {k: sum(breakdown(cfg, plan(k)).values()) for k in runs}
    mib = lambda b: round(b / 2**20, 1)
    res = {"preset": a.preset, "params": n, "checkpointing": a.checkpointing, "vocab": a.vocab,
           "gradient_bytes_fp32": 4 * n, "batch": a.batch, "seq": a.seq, "steps": a.steps,
           "rounds": a.rounds, "device": "cpu", "machine": platform.processor() or platform.machine(),
           "measured_peak_mib": {k: mib(v) for k, v in measured.items()},
           "measured_rounds_mib": {k: [mib(x) for x in v] for k, v in runs.items()},
           "planner_peak_mib": {k: mib(v) for k, v in predicted.items()},
           "saving_mib": {"measured": mib(measured["plain"] - measured["in_backward"]),
                          "planner": mib(predicted["plain"] - predicted["in_backward"]),
                          "gradients_fp32": mib(4 * n)},
           "peak_ratio_in_backward_to_plain": round(measured["in_backward"] / measured["plain"], 3)}
    print(json.dumps(res, indent=2))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2) + "\n")

if __name__ == "__main__": main()
