"""The exploration report: report.md with figures, led by a box "what the ranking depends on".
Every number in it is read from the tables of the run it describes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from .. import catalogue
from ..files import make_dir, write_text
from ..patterns import ALPHA
from . import figures
from .cost import projected_seconds
from .experiment import DIRECTIONS
from .markdown import percent
from .markdown import table as _md
from .prim import MIN_ACCEPTED_FOR_PRIM


def _ranking(pairs: pd.DataFrame, metric: str) -> dict[tuple[str, str], tuple]:
    """(winner, loser) -> (share of points the winner is better, Wilson low, high, n)."""
    out = {}
    for _, r in pairs[pairs["metric"] == metric].iterrows():
        p = r["p_a_better"]
        if pd.isna(p):
            continue
        if p >= 0.5:
            out[(r["a"], r["b"])] = (p, r["p_low"], r["p_high"], int(r["n"]))
        else:
            out[(r["b"], r["a"])] = (1 - p, 1 - r["p_high"], 1 - r["p_low"], int(r["n"]))
    return out


def depends_on(result) -> list[str]:
    """The box: per metric and pair, the ranking over the accepted ensemble and, beside it,
    unfiltered (:func:`_unfiltered`), how sure each is, and which assumptions decide the
    close pairs (Sobol ST of the difference, PRIM box)."""
    exp, t, info = result.experiment, result.tables, result.info
    sobol, boxes = t["sobol_indices"], t["boxes"]
    acc, n = info["accepted"], info["samples"]
    unfiltered, where = _unfiltered(result)
    which = ("plausible parameter sets (history matching on the emergent facts, of "
             f"{n} drawn)" if exp.calibration is not None else
             f"parameter sets (of {n} sampled) that reproduce every stylized fact")
    on = ""
    if "sobol_calibrated" in t and len(t["sobol_calibrated"]):
        sobol, on = t["sobol_calibrated"], " on the calibrated region"  # where facts hold
    lines = [f"> **What the ranking depends on.** First over the {acc} {which}, then, in "
             "parentheses, unfiltered over "
             f"{where}, every assumption over its whole range. A percentage is the share of "
             "points where "
             "the first regime is better, with its 95% Wilson interval; the drivers of a "
             f"close pair are the Sobol total indices of the paired difference{on}, and the PRIM "
             f"box is over the {_prim_over(info)}.", ">"]
    if not acc:
        lines += ["> No parameter set passed the filter: only the unfiltered ranking is "
                  "shown.", ">"]
    for metric in exp.metrics:
        better = "higher" if DIRECTIONS[metric] > 0 else "lower"
        unf = _ranking(unfiltered, metric)
        fil = _ranking(t["pairwise"], metric)  # empty when no set was accepted
        parts = []
        for a, b in itertools.combinations(exp.regimes, 2):
            lead = next((pair for pair in (fil or unf) if set(pair) == {a, b}), None)
            if lead is None:
                continue
            w, los = lead
            texts = []
            for ranking in ((fil,) if fil else ()) + (unf,):
                if (w, los) in ranking:
                    pp, lo, hi, _ = ranking[(w, los)]
                else:
                    pp, hi, lo, _ = ranking.get((los, w), (float("nan"),) * 4)
                    pp, lo, hi = 1 - pp, 1 - lo, 1 - hi
                texts.append(f"{pp:.0%} [{lo:.0%}, {hi:.0%}]")
            text = f"{w} beats {los} in " + (f"{texts[0]} (unfiltered {texts[1]})"
                                          if len(texts) == 2 else f"{texts[0]} (unfiltered)")
            pp = (fil or unf)[(w, los)][0]
            if pp < 0.9:
                col = f"{a} - {b}:{metric}"
                st = sobol[sobol["output"] == col].sort_values("ST", ascending=False).head(2)
                drivers = ", ".join(f"{k} (ST {v:.2f})" for k, v in zip(
                    st["parameter"], st["ST"], strict=True) if pd.notna(v))
                bx = boxes[(boxes["metric"] == metric) & (boxes["winner"] == los)
                           & (boxes["loser"] == w)]
                if drivers:
                    text += f"; the gap depends most on {drivers}"
                if len(bx) and bx.iloc[0]["restricted"] > 0:
                    row = bx.iloc[0]
                    text += (f"; {los} wins where {row['box']} (density {row['density']:.0%}, "
                             f"coverage {row['coverage']:.0%})")
                elif len(bx):
                    text += f"; PRIM finds no region where {los} wins more often"
            parts.append(text)
        lines.append(f"> - **{catalogue.label(metric)}** (`{metric}`, {better} is better): "
                     + "; ".join(parts) + ".")
    return lines


#: The unfiltered ranking is over the filter's whole-box sample when it has this many sets,
#: otherwise over the screening design (whose points share coordinates along trajectories).
MIN_UNFILTERED = 10


def _unfiltered(result) -> tuple[pd.DataFrame, str]:
    info, t = result.info, result.tables
    n = info.get("unfiltered_points", 0)
    if n >= MIN_UNFILTERED:
        return t["pairwise_unfiltered"], (f"the {n} sets the filter sampled from the whole box, "
                                          "accepted or not")
    return t["pairwise_screening"], (f"the {info['screening_points']} points of the screening "
                                     "design")


def _prim_over(info: dict) -> str:
    if info["prim_over"] == "accepted":
        return "accepted ensemble"
    return (f"screening design (fewer than {MIN_ACCEPTED_FOR_PRIM} accepted sets; unfiltered, "
            f"{info['screening_points']} points)")


def headline(result) -> list[str]:
    """The comparison table of the README: per metric and pair (each later regime of the
    experiment against each earlier one), P(later better) with its 95% Wilson interval and
    the median paired difference, over the accepted sets and unfiltered over the whole box."""
    exp, info = result.experiment, result.info
    unfiltered, where = _unfiltered(result)
    acc = result.tables["pairwise"]

    def cell(pairs: pd.DataFrame, metric: str, a: str, b: str) -> str:
        row = pairs[(pairs["metric"] == metric) & (pairs["a"] == a) & (pairs["b"] == b)]
        if row.empty or pd.isna(row.iloc[0]["p_a_better"]):
            return "–"
        r = row.iloc[0]
        return (f"{1 - r['p_a_better']:.0%} [{1 - r['p_high']:.0%}, {1 - r['p_low']:.0%}]; "
                f"{-r['diff_median']:+.3g}")

    lines = [f"| metric | better | pair | over the {info['accepted']} accepted sets | "
             f"unfiltered, {where} |", "|---|:-:|---|--:|--:|"]
    for metric in exp.metrics:
        arrow = "↑" if DIRECTIONS[metric] > 0 else "↓"
        for a, b in itertools.combinations(exp.regimes, 2):
            lines.append(f"| {metric} | {arrow} | {b} vs {a} | {cell(acc, metric, a, b)} | "
                         f"{cell(unfiltered, metric, a, b)} |")
    return lines


def write_report(result) -> Path:
    """Write report.md, figures/*.png and report.html (one file, the figures embedded)
    into the exploration's folder."""
    exp, t, info, out = result.experiment, result.tables, result.info, result.out
    fig_dir = make_dir(out / "figures")
    figures.morris_heatmap(t["morris_indices"], fig_dir / "morris.png")
    if "ensemble" not in t:  # the Morris screening preset
        from .screening import screening_report

        return _write(out, screening_report(result), exp.source)
    ens = t["ensemble"]
    diff_outputs = [f"{a} - {b}:{m}" for m in exp.metrics
                    for a, b in itertools.combinations(exp.regimes, 2)]
    figures.sobol_bars(t["sobol_indices"], diff_outputs, fig_dir / "sobol_differences.png")
    figures.ranges(ens, t["ranges"], fig_dir / "filter_ranges.png")
    acc = ens[ens["accepted"]]
    whole = ens[ens["scale"] == 1.0]
    if len(acc):
        shown, title = acc, f"Paired differences over the {len(acc)} accepted parameter sets"
    elif len(whole):
        shown, title = whole, ("Paired differences, unfiltered, over the whole box's "
                               f"{len(whole)} sets (no set accepted)")
    else:
        shown, title = t["screening_outcomes"], ("Paired differences, unfiltered, over the "
                                                 "screening design (no set accepted)")
    figures.differences(shown, list(exp.regimes), list(exp.metrics),
                        fig_dir / "differences.png", title)
    man = info["manifest"]
    lines = [f"# Exploration: {exp.name}", "", exp.description, ""]
    from . import calibration_report as cr

    reasons = not_a_result(result)
    if reasons:
        lines += [f"**Too small to be a result:** {'; '.join(reasons)}. This run exercises "
                  "the pipeline; read no conclusion from it.", ""]
    if info.get("calibration") and "held_out" in t:
        lines += ["**How sure.** " + cr.constraint_sentence(info["calibration"], t["held_out"])
                  + f" Test-retest: {percent(info['calibration']['test_retest'])} of the "
                  "drawn sets get the same verdict on two disjoint seed blocks.", ""]
    lines += depends_on(result)
    lines += ["", "Each cell: the share of parameter sets where the first-named regime of the "
              "pair beats the second, its 95% Wilson interval, and the median paired "
              "difference (first − second, same seeds; ↑ higher is better, ↓ lower is "
              "better).", ""]
    lines += headline(result)
    lines += ["", "## Setup", "",
              f"- Experiment `{exp.source}` (digest `{man['digest']}`), git commit "
              f"`{man.get('git_commit')}`; regimes {', '.join(exp.regimes)}; seed {exp.seed}.",
              f"- Explored: {exp.space.dim} numeric assumption parameters (provenance "
              "`assumption: …`), each over its stated range "
              "(default ± 50% unless the experiment states one; integers take every whole "
              "number in the range with equal probability).",
              "- Every design point runs every regime on the same seeds (common random "
              "numbers); a point's value is the mean over its replications.",
              f"- Stage wall times (this machine, {man.get('backend')}, workers "
              f"{man.get('workers')}): " + ", ".join(
                  f"{k} {v['points']} points in {v['seconds']:.0f} s"
                  for k, v in man.get("stage_seconds", {}).items()) + ".",
              "- Worker CPU per stage (any machine; divide by the number of workers for "
              "an ideal wall time): " + ", ".join(
                  f"{c['stage']} {c['runs']} runs, {c['cpu_seconds']:.0f} CPU s "
                  f"({c['cpu_per_run'] or 0:.3f} s per run)" for c in info["cost"]) + ".",
              "- Projected wall time from that CPU (per stage the larger of its CPU over "
              "the workers and its longest point; scheduling and start-up not counted): "
              + ", ".join(f"{n} workers {projected_seconds(info['cost'], n) / 60:.1f} min"
                          for n in (2, 32, 100)) + ".",
              f"- Run errors: {info['n_errors']}.", ""]
    lines += ["## 1. Screening (Morris)", "",
              f"{info['screening_points']} points ({exp.screening.trajectories} trajectories, "
              f"{exp.screening.levels} levels, {exp.screening.replications} replications, "
              f"{exp.screening.horizon_weeks} weeks). Outputs: every regime's metrics and "
              "every pair's difference. Selected for Sobol (largest mean normalised mu* over "
              "the outputs; stored with the Sobol points): "
              + ", ".join(f"`{k}`" for k in info["selected"]) + ".", "",
              "![Morris](figures/morris.png)", ""]
    lines += ["## 2. Sobol indices", "",
              f"{info['sobol_points']} points (Saltelli, N = {exp.sobol.base_samples}, "
              f"{exp.sobol.replications} replications), the other parameters at their "
              "defaults. S1: share of the output's variance due to the parameter alone; ST: "
              "including its interactions; 95% bootstrap intervals "
              f"({exp.sobol.resamples} resamples). Full table: `sobol_indices.csv`.", "",
              "![Sobol](figures/sobol_differences.png)", ""]
    if exp.calibration is not None:
        from .calibration_report import calibration_section

        lines += cr.fact_audit_section(result)
        lines += calibration_section(result)
        lines += cr.region_sobol_section(result)
        lines += cr.breakeven_section(result)
    else:
        lines += _filter_section(result)
    lines += _comparison_section(result)
    return _write(out, lines, exp.source)


def _write(out: Path, lines: list[str], source: str) -> Path:
    """report.md (closed by how to reproduce it) and report.html beside it."""
    lines = [*lines, "", "## Reproduce", "", "```bash", f"cio-sim explore {source} --resume",
             "```", ""]
    path = out / "report.md"
    write_text(path, "\n".join(lines))
    from ..report.html import write_html

    write_html(path)              # report.html beside it, every figure embedded
    return path


def not_a_result(result) -> list[str]:
    """Why an exploration is too small to be a result (empty when it is one): the
    calibration's reasons, or a pattern filter that accepted fewer sets than scenario
    discovery over them needs."""
    from . import calibration_report as cr
    from .prim import MIN_ACCEPTED_FOR_PRIM

    info = result.info
    if info.get("calibration"):
        return cr.not_a_result(result)
    if info.get("accepted", 0) < MIN_ACCEPTED_FOR_PRIM:
        return [f"the filter accepted {info.get('accepted', 0)} parameter sets, fewer than "
                f"the {MIN_ACCEPTED_FOR_PRIM} a ranking over them needs"]
    return []


def _filter_section(result) -> list[str]:
    exp, t, info = result.experiment, result.tables, result.info
    lines: list[str] = []
    rp = t["fact_pass_rates"].copy()
    scales = ", ".join(f"{x:g}" for x in exp.filter.scales)
    lines += ["## 3. Pattern-oriented filter", "",
              f"Rejection ABC: {exp.filter.samples} quasi-random (scrambled Sobol) points over "
              f"all {exp.space.dim} parameters for each component of the prior, the box "
              f"shrunk toward the defaults by the scales {scales} (1 = the whole box; the "
              "same quasi-random directions at each scale). Each set runs the 2021 regime and "
              f"its one-factor contrasts on {exp.filter.replications} seeds and is accepted "
              "when every stylized fact of the validation suite passes with its tests "
              f"(alpha = {ALPHA}) and floors (cio_sim/patterns/). "
              + ("A set stops at the first variant after which a fact fails (it is rejected "
                 "either way), so later facts are not checked and a rejected set's regimes "
                 "are not run. " if exp.filter.early_rejection else "")
              + "The tests have the stated power at 30 seeds; with fewer the filter is "
              "stricter than the suite.", "",
              f"**Accepted: {info['accepted']} of {info['samples']}.** By component of the "
              "prior:", ""]
    lines += _md(t["acceptance"])
    lines += ["", "Pass rate per fact, among the sets where it was checked:", ""]
    lines += _md(rp)
    if "ks" not in t["ranges"].columns:     # under two accepted sets: no narrowing to show
        lines += ["", f"With {info['accepted']} accepted parameter set(s) there is no "
                  "accepted range to compare with the sampled one (those are in "
                  "`ranges.csv`).", ""]
    else:
        lines += ["", "Parameters the filter narrows most (KS distance between accepted and "
                  "sampled values; width ratio = accepted 5–95% range over the sampled one):",
                  ""]
        lines += _md(t["ranges"].head(12)[[c for c in ("parameter", "low", "high", "acc_q05",
                                                       "acc_median", "acc_q95", "width_ratio",
                                                       "ks", "ks_p") if c in t["ranges"]]])
    lines += ["", "![ranges](figures/filter_ranges.png)", ""]
    return lines


def _comparison_section(result) -> list[str]:
    exp, t, info = result.experiment, result.tables, result.info
    lines: list[str] = []
    over = "plausible" if exp.calibration is not None else "accepted"
    lines += [f"## 4. Regime comparison over the {over} ensemble", "",
              "Per metric and pair: P(a better) with its 95% Wilson interval, and quantiles "
              "of the paired difference a - b (same seeds). `better` gives the direction.", ""]
    cols = ["metric", "better", "a", "b", "n", "p_a_better", "p_low", "p_high", "diff_q05",
            "diff_median", "diff_q95"]
    lines += _md(t["pairwise"][cols])
    lines += ["", "![differences](figures/differences.png)", "",
              "Regret: at each accepted point, a regime's loss against the best regime on "
              "that metric (metric units). The minimax-regret regime has the smallest worst "
              "case.", ""]
    lines += _md(t["regret"])
    if "p_material" in t:
        lines += ["", "P(gap > delta): the share of plausible sets where the first regime is "
                  "better than the second by more than the metric's material difference delta "
                  "(in its better direction; `delta_source` says where delta comes from):", ""]
        lines += _md(t["p_material"])
    if "pairwise_unfiltered" in t:
        lines += ["", f"Unfiltered, over the {info.get('unfiltered_points', 0)} sets the "
                  "filter sampled from the whole box, accepted or not (independent "
                  f"quasi-random points, {exp.filter.replications} seeds; "
                  "`pairwise_unfiltered.csv`):", ""]
        lines += _md(t["pairwise_unfiltered"][cols])
        lines += ["", "Regret, unfiltered (whole box):", ""]
        lines += _md(t["regret_unfiltered"])
    lines += ["", "Unfiltered, over the "
              f"{info['screening_points']} points of the screening design (a Morris grid over "
              f"every assumption, {exp.screening.replications} replications, "
              f"{exp.screening.horizon_weeks} weeks; points along one trajectory share "
              "coordinates, so these intervals are too narrow; `pairwise_screening.csv`):", ""]
    lines += _md(t["pairwise_screening"][cols])
    lines += ["", "Regret over the screening design:", ""]
    lines += _md(t["regret_screening"])
    lines += [""]
    lines += ["## 5. Scenario discovery (PRIM)", "",
              f"Method: {exp.discovery.method}; over the {_prim_over(info)}. For each metric "
              "and pair, "
              "the box where the winner wins: the densest box "
              f"with coverage >= {exp.discovery.min_coverage} (coverage: share of the "
              "winner's wins inside the box; density: share of the box's points where it "
              "wins; base rate: share overall).", ""]
    lines += _md(t["boxes"])
    return lines
