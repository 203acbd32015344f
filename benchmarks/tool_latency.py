"""Tool-call latency through the registry and the full sandbox, against the naive approach.

Warm latency per call (median and p95 over --calls calls) for a trivial execute_python call, a
symbolic_math diff and a small logic_solver problem, each with every isolation layer in force.
Side by side, in the same run: the naive approach, a fresh `python -c` subprocess per call that
imports what it needs (SymPy, Z3). Targets: median <= 50 ms per tool, and symbolic_math >= 10x
faster than naive. Then concurrency: 8 callers at once of a CPU-bound call of about 200 ms (a pure
Python loop, calibrated on this machine), against the same 8 calls one at a time, on a pool of
one worker per core (target: >= 1.6x faster on 2 cores). Then --leak-calls calls, after which no
processes, open files or temporary directories may be left behind.

    python benchmarks/tool_latency.py                 # 200 calls per tool, 30 naive, 500 for the leak check
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from svend.tools.registry import default_registry
from svend.tools.sandbox import Sandbox, descendants

CASES = {
    "execute_python": ({"code": "1 + 1"}, "print(1 + 1)"),
    "symbolic_math": ({"operation": "diff", "expression": "x**3 + 2*x"},
                      "import sympy; print(sympy.diff(sympy.sympify('x**3 + 2*x')))"),
    "logic_solver": ({"variables": {"x": "Int", "y": "Int"}, "constraints": ["x + y == 10", "x - y == 2"]},
                     "import z3; x, y = z3.Ints('x y'); s = z3.Solver(); s.add(x + y == 10, x - y == 2); s.check(); print(s.model())"),
}

def pct(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))]

def cpu_loop(seconds: float) -> str:
    "Python code that spins for about `seconds` of CPU on this machine (calibrated in-process)."
    n, t = 200_000, 0.0
    while t < 0.05:
        n *= 2; t0 = time.process_time(); exec(f"x = 0\nfor i in range({n}): x += i", {}); t = time.process_time() - t0
    return f"x = 0\nfor i in range({int(n * seconds / t)}): x += i\nx > 0"

def concurrency(reg, workers: int, callers: int = 8, repeats: int = 5) -> dict:
    "8 callers at once vs the same calls one at a time (median of `repeats` rounds each)."
    code = cpu_loop(0.2)
    call = lambda _: reg.execute("execute_python", {"code": code})
    one = call(0); assert one.ok, one
    serial, parallel = [], []
    for _ in range(repeats):
        t = time.perf_counter(); rs = [call(i) for i in range(callers)]; serial.append(time.perf_counter() - t)
        assert all(r.ok for r in rs)
        with ThreadPoolExecutor(callers) as ex:
            t = time.perf_counter(); rs = list(ex.map(call, range(callers))); parallel.append(time.perf_counter() - t)
        assert all(r.ok for r in rs)
    row = {"callers": callers, "workers": workers, "call_ms": one.duration * 1000,
           "serial_s": statistics.median(serial), "concurrent_s": statistics.median(parallel)}
    row["speedup"] = row["serial_s"] / row["concurrent_s"]
    print(f"{callers} callers of a {row['call_ms']:.0f} ms CPU-bound call on {workers} workers: one at a time "
          f"{row['serial_s']:.2f} s, at once {row['concurrent_s']:.2f} s: {row['speedup']:.2f}x", flush=True)
    return row

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--naive-calls", type=int, default=30)
    ap.add_argument("--leak-calls", type=int, default=500)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "tool_latency.json"))
    args = ap.parse_args()

    tmp_before = {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("svend")}
    sandbox = Sandbox().start()
    reg = default_registry(sandbox)
    print("sandbox layers:", sandbox.layers)
    result = {"benchmark": "tool_latency", "layers": sandbox.layers,
              "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                          "python": platform.python_version()}, "tools": {}}
    for name, (tool_args, naive_code) in CASES.items():
        for _ in range(5): assert reg.execute(name, tool_args).ok   # warm-up
        ms = []
        for _ in range(args.calls):
            t = time.perf_counter(); r = reg.execute(name, tool_args); ms.append((time.perf_counter() - t) * 1000)
            assert r.ok, r
        naive = []
        for _ in range(args.naive_calls):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", naive_code], check=True, capture_output=True)
            naive.append((time.perf_counter() - t) * 1000)
        row = {"median_ms": statistics.median(ms), "p95_ms": pct(ms, 0.95), "calls": len(ms),
               "naive_median_ms": statistics.median(naive), "naive_p95_ms": pct(naive, 0.95), "naive_calls": len(naive)}
        row["speedup_vs_naive"] = row["naive_median_ms"] / row["median_ms"]
        result["tools"][name] = row
        print(f"{name:>15}: median {row['median_ms']:6.1f} ms, p95 {row['p95_ms']:6.1f} ms | naive median "
              f"{row['naive_median_ms']:7.1f} ms | {row['speedup_vs_naive']:5.1f}x faster", flush=True)

    result["concurrency"] = concurrency(reg, sandbox.workers)

    fds_before = len(os.listdir("/proc/self/fd"))
    procs_before = descendants(os.getpid())
    names = list(CASES)
    for i in range(args.leak_calls):
        name = names[i % 3]
        reg.execute(name, CASES[name][0])
    leak = {"calls": args.leak_calls,
            "processes_before": len(procs_before), "processes_after": len(descendants(os.getpid())),
            "open_fds_before": fds_before, "open_fds_after": len(os.listdir("/proc/self/fd"))}
    sandbox.close()
    leak["processes_after_close"] = len(descendants(os.getpid()))
    leak["temp_dirs_left"] = sorted({n for n in os.listdir(tempfile.gettempdir()) if n.startswith("svend")} - tmp_before)
    result["leak_check"] = leak
    print("after", args.leak_calls, "calls:", leak)
    ok = (all(r["median_ms"] <= 50 for r in result["tools"].values()) and result["tools"]["symbolic_math"]["speedup_vs_naive"] >= 10
          and result["concurrency"]["speedup"] >= 1.6)
    result["targets_met"] = ok
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"targets (median <= 50 ms each, symbolic_math >= 10x naive, 8 concurrent >= 1.6x one at a time): "
          f"{'met' if ok else 'NOT met'}; written to {args.out}")

if __name__ == "__main__":
    main()
