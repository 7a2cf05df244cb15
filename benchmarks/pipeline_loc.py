"""Lines of code of the experiment pipelines (sweeps, Morris screening, explorations) at a git
ref against the working tree, counted the same way on both sides: lines holding a token of
code, without blank lines, comments and docstrings (``tokenize`` and ``ast``).

    python benchmarks/pipeline_loc.py --base 041d3e8

041d3e8 is the commit before the explorations moved to the batch store (when sweeps, Morris
screening and explorations were three pipelines). Prints each module, with the job it does
('pipeline': describe, plan, run, store and resume experiments; 'analysis': what is computed
from the runs), and the totals per job.
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import tarfile
import tempfile
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What the three pipelines are made of, then and now (missing files count as 0).
PATHS = ("cio_sim/batch/experiments.py", "cio_sim/sensitivity.py", "cio_sim/explore")
#: Modules that describe, plan, run, store and resume experiments (the rest analyse runs).
PIPELINE = {"batch/experiments.py", "sensitivity.py", "explore/__init__.py", "explore/cost.py",
            "explore/experiment.py", "explore/pipeline.py", "explore/space.py",
            "explore/store.py", "explore/tasks.py", "explore/stages.py",
            "explore/screening.py", "explore/settings.py"}
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
        tokenize.ENDMARKER}


def code_lines(text: str) -> int:
    """Lines with code: not blank, not a comment, not inside a docstring."""
    docs: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docs.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in SKIP:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - docs)


def count(root: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for rel in PATHS:
        path = root / rel
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path] * path.exists()
        for f in files:
            out[f.relative_to(root / "cio_sim").as_posix()] = code_lines(f.read_text())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="git ref of the 'before' count")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        blob = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "cio_sim"],
                              check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(tmp, **({"filter": "data"} if hasattr(tarfile, "data_filter")
                                   else {}))
        before = count(Path(tmp))
    now = count(ROOT)
    totals = {job: [0, 0] for job in ("pipeline", "analysis")}
    print(f"{'module':34s} {'job':9s} {args.base:>9s} {'now':>6s}")
    for name in sorted(set(before) | set(now)):
        job = "pipeline" if name in PIPELINE else "analysis"
        b, n = before.get(name, 0), now.get(name, 0)
        totals[job][0] += b
        totals[job][1] += n
        print(f"{name:34s} {job:9s} {b:9d} {n:6d}")
    for job, (b, n) in totals.items():
        print(f"{'total ' + job:44s} {b:9d} {n:6d}  ({n / b - 1:+.0%})")
    b, n = (sum(v[i] for v in totals.values()) for i in (0, 1))
    print(f"{'total':44s} {b:9d} {n:6d}  ({n / b - 1:+.0%})")


if __name__ == "__main__":
    main()
