"""Write README.md from nbs/index.ipynb: markdown cells as they are, code cells as python blocks,
text outputs as plain blocks. (nbdev_readme does this through Quarto, which cannot be installed on
every machine; this needs nothing but the standard library.)

    python tools/readme.py           # rewrite README.md
    python tools/readme.py --check   # exit 1 if README.md is out of date
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb: dict) -> str:
    parts = ["<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->"]
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "markdown":
            parts.append(src)
        elif cell["cell_type"] == "code":
            if src.startswith("#|"):   # nbdev directives: hide/export cells are not shown
                lines = [l for l in src.split("\n") if not l.startswith("#|")]
                if "hide" in src.split("\n")[0] or not any(l.strip() for l in lines): continue
                src = "\n".join(lines).strip("\n")
            parts.append(f"```python\n{src}\n```")
            text = "".join("".join(o.get("text", "")) if o.get("output_type") == "stream"
                           else "".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))
            if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
    md = "\n\n".join(parts) + "\n"
    return re.sub(r"\n{3,}", "\n\n", md)

md = render(json.loads((root / "nbs" / "index.ipynb").read_text()))
readme = root / "README.md"
if "--check" in sys.argv:
    if not readme.exists() or readme.read_text() != md:
        sys.exit("README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`")
else:
    readme.write_text(md)
