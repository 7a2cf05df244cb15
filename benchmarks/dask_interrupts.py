"""How often an interrupted Dask batch shows each symptom: Ctrl-C (SIGINT) or SIGTERM, sent to
the command alone or to its whole process group (as a terminal's Ctrl-C is), while the
LocalCluster starts (0, 0.3 and 0.6 s after its first process appears) or once runs are
stored, for ``run`` and ``compare``; and SIGKILL, after which only the processes left and
what they print count.

Each try starts ``cio-sim run consensus_2021 -n 40 --backend dask --workers 2`` (``compare
consensus_2021 keuzematrix`` for the compare rows) the way the console script does, and
records: the exit status, the lines on stderr, whether they hold a traceback, a
distributed log line or warning, a resource tracker's "leaked semaphore" warning, and how
many of the command's child processes are still alive 5 s after it exited (those are then
killed). A try is clean when it exits 130 with one line and none of the rest.

    python benchmarks/dask_interrupts.py [--tries 5] [--root PATH_OF_A_CHECKOUT]

``--root`` measures another checkout's code (e.g. ``git archive REF | tar -x -C DIR``).
Linux only (reads /proc). About 5 s per try.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import alive, children, stored_runs  # noqa: E402

RUN = ["run", "consensus_2021", "-n", "40", "--backend", "dask", "--workers", "2",
       "--no-report", "--quiet"]
COMPARE = ["compare", "consensus_2021", "keuzematrix", "-n", "40", "--backend", "dask",
           "--workers", "2", "--no-report", "--quiet"]




def one_try(root: Path, command: list[str], sig: int, group: bool,
            when: Callable[[set[int], Path], bool], delay: float) -> dict:
    """One interrupted command: what it printed, how it exited, what it left."""
    work = Path(tempfile.mkdtemp(prefix="dask-interrupt-"))
    script = work / "cio-sim"
    script.write_text("import sys\nfrom cio_sim.cli import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    out = work / "out"
    proc = subprocess.Popen([sys.executable, str(script), *command, "--out", str(out)],
                            cwd=work, env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    seen: set[int] = set()
    sent = None
    while proc.poll() is None:
        seen |= children(proc.pid)
        if sent is None and when(seen, out):
            time.sleep(delay)
            seen |= children(proc.pid)
            (os.killpg if group else os.kill)(proc.pid, sig)
            sent = time.monotonic()
        time.sleep(0.02)
    err = proc.communicate()[1]
    exited = time.monotonic()
    while alive(seen) and time.monotonic() - exited < 5:
        time.sleep(0.1)
    left = alive(seen)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(work, ignore_errors=True)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    return {"rc": proc.returncode, "lines": len(lines), "traceback": "Traceback" in err,
            "distributed": "distributed" in err, "leaked": "leaked" in err,
            "left": len(left), "seconds": None if sent is None else exited - sent}


def clean(r: dict, sig: int) -> bool:
    if sig == signal.SIGKILL:
        return r["lines"] == 0 and not r["left"]
    return (r["rc"] == 130 and r["lines"] == 1 and not r["traceback"]
            and not r["distributed"] and not r["leaked"] and not r["left"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    started = lambda seen, out: bool(seen)            # noqa: E731
    storing = lambda seen, out: stored_runs(out / "results.sqlite") >= 1     # noqa: E731
    cases = []
    for group in (False, True):
        for sig in (signal.SIGINT, signal.SIGTERM):
            for delay in (0.0, 0.3, 0.6):
                cases.append((f"start+{delay}", RUN, sig, group, started, delay, args.tries))
            cases.append(("mid-batch", RUN, sig, group, storing, 0.0, args.tries))
            cases.append(("compare mid-batch", COMPARE, sig, group, storing, 0.0,
                          max(1, args.tries * 3 // 5)))
    for delay in (0.2, 0.3):
        cases.append((f"start+{delay}", RUN, signal.SIGKILL, False, started, delay,
                      args.tries))
    cases.append(("mid-batch", RUN, signal.SIGKILL, False, storing, 0.0, args.tries))
    print(f"code: {args.root}")
    print(f"{'signal':8} {'to':6} {'moment':18} {'tries':>5} {'clean':>5} {'traceback':>9} "
          f"{'distrib.':>8} {'leaked':>6} {'>1 line':>7} {'left':>4} {'max s':>5}")
    total = bad = 0
    for moment, command, sig, group, when, delay, tries in cases:
        results = [one_try(args.root, command, sig, group, when, delay) for _ in range(tries)]
        n_clean = sum(clean(r, sig) for r in results)
        total += tries
        bad += tries - n_clean
        seconds = max((r["seconds"] or 0) for r in results)
        print(f"{signal.Signals(sig).name:8} {'group' if group else 'parent':6} {moment:18} "
              f"{tries:5} {n_clean:5} {sum(r['traceback'] for r in results):9} "
              f"{sum(r['distributed'] for r in results):8} "
              f"{sum(r['leaked'] for r in results):6} "
              f"{sum(r['lines'] > 1 for r in results):7} "
              f"{sum(r['left'] > 0 for r in results):4} {seconds:5.1f}", flush=True)
    print(f"{bad} of {total} tries showed a symptom")


if __name__ == "__main__":
    main()
