"""``cio-sim decompose``: where the gap between two scenarios comes from, part by part
(main effects, two-way interactions and the remainder over a factorial design on common
random numbers; see :mod:`cio_sim.decompose`)."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .after_batch import finish
from .common import (
    WIDTH,
    CLIError,
    batch_options,
    command_line,
    keys_option,
    scenario_with_sets,
    set_option,
)
from .format import left_table, metric_name

NAME = "decompose"
HELP = "split the gap between two scenarios into their differing parts"
DESCRIPTION = ("Find the regime parts and parameter values by which scenario B differs from A, "
               "run every combination (the full factorial up to six factors, else every "
               "single and pair switched) on the same seeds, and print for every headline "
               "metric the gap B − A, each part's main effect (switching it alone on A), the "
               "two-way interactions and the remainder, with 95% intervals and shares of the "
               "gap: they sum to the gap. Writes decomposition.csv into the output directory.")
EPILOG = ("examples:\n  cio-sim decompose consensus_2021 doorzettingsmacht_2026 -n 30\n"
          "  cio-sim decompose consensus_2021 keuzematrix_doorzettingsmacht --workers 2 "
          "--group rule=regime.decision_rule,regime.kader_force")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="the scenario the gap is measured from")
    p.add_argument("b", metavar="B", help="the scenario whose gap to A is decomposed")
    set_option(p)
    batch_options(p, report=False)
    p.add_argument("--group", action="append", metavar="NAME=KEY,KEY", default=[],
                   help="switch these keys (or key prefixes) together as one factor "
                        "(repeatable)")
    p.add_argument("--all-terms", action="store_true",
                   help="list every interaction (default: those whose interval excludes zero "
                        "or whose share is at least 5%%; the rest are summed in one line)")
    keys_option(p)


def _groups(specs: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, keys = spec.partition("=")
        members = [k.strip() for k in keys.split(",") if k.strip()]
        if not sep or not name.strip() or not members:
            raise CLIError(f"--group {spec!r}: allowed: NAME=KEY[,KEY...], e.g. "
                           "rule=regime.decision_rule,regime.kader_force")
        out[name.strip()] = members
    return out


def _cell(effect: float, lo: float, hi: float, note: str) -> str:
    from ..report import format_paired_cell

    return format_paired_cell({"mean_diff": effect, "ci_low": lo, "ci_high": hi,
                               "note": note, "n": 1, "better": float("nan"),
                               "worse": float("nan")})


def _signed(x: float) -> str:
    from ..report import format_number

    return ("+" if x > 0 else "−" if x < 0 else "") + format_number(abs(x), 2)


def _share(x: float) -> str:
    import math

    return f"{x:.0%}".replace("-", "−") if math.isfinite(x) else ""


def metric_lines(table, metric: str, keys: bool = False, all_terms: bool = False) -> list[str]:
    """The lines of one metric: gap, main effects, interactions, remainder."""
    import math

    import pandas as pd

    frame = table[table["metric"] == metric]
    gap = frame[frame["kind"] == "gap"].iloc[0]
    if gap["note"]:
        return ["", f"{metric_name(metric, keys)}: not decomposed: {gap['note']}"]
    head = metric_name(metric, keys)
    if not (gap["ci_low"] > 0 or gap["ci_high"] < 0):
        head += " (the gap's interval includes zero: shares are unstable)"
    rows = []
    hidden = 0.0
    n_hidden = 0
    for r in frame.itertuples():
        if r.kind == "interaction" and not all_terms:
            clear = math.isfinite(r.ci_low) and (r.ci_low > 0 or r.ci_high < 0)
            big = math.isfinite(r.share) and abs(r.share) >= 0.05
            if not (clear or big):
                hidden += r.effect if math.isfinite(r.effect) else 0.0
                n_hidden += 1
                continue
        label = {"gap": "gap B − A", "main": r.term, "interaction": r.term,
                 "remainder": "remainder (3-way and higher)"}[r.kind]
        rows.append({"term": ("  " if r.kind != "gap" else "") + label,
                     "effect [95% CI]": _cell(r.effect, r.ci_low, r.ci_high, r.note),
                     "share of gap": _share(r.share)})
    if n_hidden:
        total = float(gap["effect"])
        share = hidden / total if total else float("nan")
        rows.insert(len(rows) - 1, {"term": f"  {n_hidden} other interactions, summed",
                                    "effect [95% CI]": _signed(hidden),
                                    "share of gap": _share(share)})
    return ["", head,
            *left_table(pd.DataFrame(rows), ["term", "effect [95% CI]", "share of gap"])]


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..decompose import plan_decompose, run_decompose
    from ..scenario import folder_name

    a, b = (scenario_with_sets(ref, args.set) for ref in (args.a, args.b))
    groups = _groups(args.group)
    plan = plan_decompose(a, b, args.replications, args.seed, args.workers, args.backend,
                          None, args.resume, args.force, groups)
    out = Path(args.out) if args.out else Path("results") / folder_name(plan.batch.name)
    plan = plan_decompose(a, b, args.replications, args.seed, args.workers, args.backend,
                          out, args.resume, args.force, groups, command=command_line(argv))
    table, result = run_decompose(plan, args.workers, args.backend, args.scheduler,
                                  not args.quiet)
    finish(result)
    print(f"{b.name} − {a.name}: {plan.batch.replications} replications per design point, "
          f"seed {args.seed} (common random numbers); {plan.design}")
    print("factors (A -> B):")
    for f in plan.factors:
        print(textwrap.fill(f"{f.name}: {f.describe()}", WIDTH, initial_indent="  ",
                            subsequent_indent="    "))
    print(textwrap.fill(
        "main effect: switching the part alone on A; interaction: what switching two together "
        "adds beyond each alone; remainder: the rest of the gap (higher interactions). Main "
        "effects, interactions and remainder sum to the gap; effect = mean over replications "
        "[95% CI].", WIDTH))
    for metric in dict.fromkeys(table["metric"]):
        print("\n".join(metric_lines(table, metric, args.keys, args.all_terms)))
    out.mkdir(parents=True, exist_ok=True)
    path = out / "decomposition.csv"
    table.to_csv(path, index=False, float_format="%.6g")
    result.close()
    print(f"\nresults: {out}; table: {path}")
    return 0
