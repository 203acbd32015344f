"""Execute notebooks in place so their saved outputs (tables, figures, printed checks) show on GitHub
and in the docs, then clean them (nbdev_clean) and re-export (nbdev_export). Developer tool; CI runs
the notebooks as tests.

    python tools/run_nbs.py                   # every notebook in nbs/
    python tools/run_nbs.py nbs/00_config.ipynb
    python tools/run_nbs.py --skip-slow nbs/61_quickstart.ipynb   # without the slow cells
"""
import os, sys, subprocess
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

root = Path(__file__).resolve().parent.parent
skip_slow = "--skip-slow" in sys.argv
paths = [Path(p) for p in sys.argv[1:] if p != "--skip-slow"] or sorted((root / "nbs").glob("*.ipynb"))

def skip(cell) -> bool:
    "Cells nbdev_test would not run either (`#| eval: false`), and slow cells with --skip-slow."
    head = [l.replace(" ", "") for l in cell.source.splitlines() if l.startswith("#|")]
    return "#|eval:false" in head or (skip_slow and "#|slow" in head)
for path in paths:
    print(f"running {path}", flush=True)
    nb = read_nb(path)
    cwd = os.getcwd(); os.chdir(path.parent)   # notebooks run from nbs/, as nbdev_test runs them
    try:
        shell = CaptureShell()
        shell.run_all(nb, exc_stop=True, preproc=skip)
    finally: os.chdir(cwd)
    write_nb(nb, path)
subprocess.run(["nbdev_clean"], cwd=root, check=True)
subprocess.run(["nbdev_export"], cwd=root, check=True)   # exported cells carry the cleaned cell ids
