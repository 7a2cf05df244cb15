"""The README's headline, written from a stored study's output (its manifest and CSV tables),
so that what the README says is what the study found.

    python -m cio_sim.explore.headline results/explore_study --readme README.md
    python -m cio_sim.explore.headline results/explore_study --readme README.md --check

The text goes between the README's markers ``<!-- explore-headline:start -->`` and
``<!-- explore-headline:end -->``; ``--check`` exits 1 when the README and the stored study
disagree (``tests/explore/test_headline.py`` runs it on the stored study).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .calibration_report import constraint_sentence
from .markdown import percent as _pct

START, END = "<!-- explore-headline:start -->", "<!-- explore-headline:end -->"
#: Plain names of the regimes and metrics in the headline (the keys stay in the tables).
NAMES = {"consensus_2021": "consensus", "doorzettingsmacht_2026": "doorzettingsmacht",
         "keuzematrix": "keuzematrix"}
METRIC_NAMES = {"adopted_per_year": "Adopted per year", "decided_within_52_weeks":
                "Decided within 52 weeks (share)", "backlog_end": "Backlog at end (items)",
                "compliance_actual": "Compliance, actual (share)",
                "strategic_agenda_share": "Strategic agenda share",
                "ambition_retained": "Ambition retained"}


def _name(regime: str) -> str:
    return NAMES.get(regime, regime)


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:+.3g}"


def headline_text(folder: str | Path, shown_as: str | None = None) -> str:
    """The README section for the stored study in ``folder`` (Markdown, no markers)."""
    folder = Path(folder)
    where = shown_as or folder.as_posix()
    man = json.loads((folder / "manifest.json").read_text())
    c = man["calibration"]
    read = {name: pd.read_csv(folder / f"{name}.csv") for name in (
        "pairwise", "p_material", "regret", "held_out", "reach")}
    optional = {name: pd.read_csv(folder / f"{name}.csv") for name in (
        "breakeven", "sobol_calibrated") if (folder / f"{name}.csv").exists()}
    reasons = _not_a_result(c)
    out = [f"From the stored study `{where}` (`{man['experiment']}`, digest "
           f"`{man['digest']}`, git commit `{str(man.get('git_commit'))[:7]}`; this text is "
           "written from its tables by `python -m cio_sim.explore.headline "
           f"{where} --readme README.md`, and a test fails when the two disagree).", ""]
    if reasons:
        out += [f"**Not a result yet:** {'; '.join(reasons)}.", ""]
    held = read["held_out"]
    out += [f"**How sure.** {c['plausible_sets']} of {c['sampled_sets']} parameter sets drawn "
            f"from the region history matching left ({c['distinct_plausible_sets']} "
            "distinct) reproduce the emergent stylized facts within their tolerances; the "
            "verdicts of two disjoint seed blocks agree for "
            f"{_pct(c['test_retest'])} of the sets (a result needs 90%). Held out of the "
            "calibration, " + "; ".join(
                f"{r['name']} ({r['fact']}, target {r['target']}) holds in "
                f"{_pct(r['pass_share'])} of the plausible sets" for _, r in held.iterrows())
            + ". " + constraint_sentence(c, held) + " " + _reach_sentence(read["reach"]),
            ""]
    out += ["Each cell: over the plausible sets, the share where the first regime of the pair "
            "is better by more than the metric's material difference δ, the share where it "
            "is better at all (95% Wilson interval), and the median paired difference (first "
            "− second, same seeds; ↑ higher is better, ↓ lower is better). 5 simulated years, "
            "2022-2026; doorzettingsmacht is the counterfactual preset.", "",
            "| metric | better | pair | δ | P(gap > δ) | P(better) | median difference |",
            "|---|:-:|---|--:|--:|--:|--:|"]
    pairs, pm = read["pairwise"], read["p_material"]
    for metric in dict.fromkeys(pairs["metric"]):
        first = True
        for _, r in pairs[pairs["metric"] == metric].iterrows():
            a, b = r["b"], r["a"]  # later regime first, as in the study's tables' headline
            m = pm[(pm["metric"] == metric) & (pm["a"] == r["a"]) & (pm["b"] == r["b"])].iloc[0]
            arrow = "↑" if r["better"] == "higher" else "↓"
            p_gap = m["p_reverse_above_delta"]
            out.append(f"| {METRIC_NAMES.get(metric, metric) if first else ''} | "
                       f"{arrow if first else ''} | {_name(a)} vs {_name(b)} | "
                       f"{m['delta']:g} | {_pct(p_gap)} | {_pct(1 - r['p_a_better'])} "
                       f"[{_pct(1 - r['p_high'])}, {_pct(1 - r['p_low'])}] | "
                       f"{_num(-r['diff_median'])} |")
            first = False
    out += ["", "**Read.** " + _reading(read["regret"]), ""]
    if optional:
        out += ["**What it depends on.** " + _depends(optional, man), ""]
    return "\n".join(out).rstrip() + "\n"


def _not_a_result(c: dict) -> list[str]:
    reasons = []
    if c["distinct_plausible_sets"] < c["result_ensemble"]:
        reasons.append(f"{c['distinct_plausible_sets']} distinct plausible sets, fewer than "
                       f"the {c['result_ensemble']} a result needs")
    if not c["test_retest"] >= 0.9:
        reasons.append(f"test-retest {_pct(c['test_retest'])}, below 90%")
    return reasons


def _reach_sentence(reach: pd.DataFrame) -> str:
    r = reach.dropna(subset=["reach_below", "reach_above"])
    if r.empty:
        return ""
    both = ((r["reach_below"] >= 0.8) & (r["reach_above"] >= 0.8)).mean()
    med = pd.concat([r["reach_below"], r["reach_above"]]).median()
    return (f"The plausible sets are not a neighbourhood of the defaults: for {_pct(both)} of "
            f"the {len(r)} assumptions they reach at least 80% of the way to both ends of the "
            f"explored range (median reach {_pct(med)}; `reach.csv`).")


def _reading(regret: pd.DataFrame) -> str:
    parts = []
    for metric in dict.fromkeys(regret["metric"]):
        g = regret[regret["metric"] == metric]
        best = g.sort_values("share_best", ascending=False).iloc[0]
        mm = g[g["minimax"]].iloc[0]
        text = (f"{METRIC_NAMES.get(metric, metric).lower()}: {_name(best['regime'])} is best "
                f"in {_pct(best['share_best'])} of the sets")
        if mm["regime"] != best["regime"]:
            text += f", {_name(mm['regime'])} has the smallest worst-case loss"
        parts.append(text)
    return "; ".join(parts) + " (regret over the plausible sets: `regret.csv`)."


def _depends(tables: dict[str, pd.DataFrame], man: dict) -> str:
    parts = []
    if "sobol_calibrated" in tables and len(tables["sobol_calibrated"]):
        sob = tables["sobol_calibrated"]
        for out in ("consensus_2021 - doorzettingsmacht_2026:adopted_per_year",
                    "consensus_2021 - doorzettingsmacht_2026:compliance_actual"):
            rows = sob[sob["output"] == out].sort_values("ST", ascending=False).head(2)
            if len(rows):
                metric = out.split(":")[1]
                parts.append(f"where the facts hold, the doorzettingsmacht-consensus gap in "
                             f"{METRIC_NAMES.get(metric, metric).lower()} varies most with "
                             + " and ".join(f"`{p}` (total Sobol index {st:.2f})" for p, st in
                                            zip(rows["parameter"], rows["ST"], strict=True)))
    if "breakeven" in tables:
        be = tables["breakeven"]
        for key, metric in (("compliance.enforcement", "compliance_actual"),
                            ("regime.override_budget_per_year", "adopted_per_year")):
            row = be[(be["parameter"] == key) & (be["metric"] == metric)
                     & (be["a"] == "consensus_2021") & (be["b"] == "doorzettingsmacht_2026")]
            if len(row):
                parts.append(_plain_breakeven(row.iloc[0]))
    text = "; ".join(parts)
    text = text[:1].upper() + text[1:]
    if "sobol_calibrated" in tables:
        text += (" (Sobol indices from few seeds per point: read the order of the drivers, "
                 "not the decimals)")
    return text + (". Neither enforcement nor the override budget has a source value "
                   "(docs/parameters.md).")


#: Plain names of the swept assumptions in the headline.
ASSUMPTION_NAMES = {"compliance.enforcement": "enforcement",
                    "regime.override_budget_per_year": "overrides a year"}


def _plain_breakeven(r: pd.Series) -> str:
    """One break-even row in plain words (regimes and the assumption by short names)."""
    key, metric = str(r["parameter"]), str(r["metric"])
    what = ASSUMPTION_NAMES.get(key, key)
    leader = str(r["leader"])
    trailer = str(r["b"] if leader == r["a"] else r["a"])
    lead = (f"{_name(leader)}'s lead over {_name(trailer)} in "
            f"{METRIC_NAMES.get(metric, metric).lower()} ({abs(r['lead_at_default']):.2g} at "
            f"the default of {r['default']:g} {what}, `{key}`)")
    below = r.get("below", math.nan)
    if below == below:
        low = (f"below the swept range's end {r['swept_low']:g}"
               if r["below_share_resamples"] < 0.975 else f"{r['below_low']:.2g}")
        return (f"{lead} vanishes below {below:.2g} {what} (95% interval {low} to "
                f"{r['below_high']:.2g}, over {int(r['sets'])} plausible sets)")
    return (f"{lead} holds over the whole swept range {r['swept_low']:g} to "
            f"{r['swept_high']:g} {what}")


def replace_block(readme: str, block: str) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    if START not in readme or END not in readme:
        raise ValueError(f"README: the markers {START} and {END} are missing")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write the README's exploration headline from a "
                                             "stored study.")
    ap.add_argument("study", help="the stored study's folder (manifest.json and tables)")
    ap.add_argument("--readme", default="README.md")
    ap.add_argument("--check", action="store_true", help="exit 1 if the README disagrees")
    args = ap.parse_args(argv)
    readme = Path(args.readme)
    try:
        text = readme.read_text()
        shown = Path(os.path.relpath(Path(args.study).resolve(), readme.resolve().parent))
        new = replace_block(text, headline_text(args.study, shown.as_posix()))
    except (OSError, ValueError, KeyError) as exc:
        print(f"cio_sim.explore.headline: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new != text:
            print(f"{readme}: the exploration headline disagrees with {args.study}; run "
                  f"python -m cio_sim.explore.headline {args.study} --readme {readme}",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        readme.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
