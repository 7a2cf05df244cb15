"""Plain-text tables the commands print: headline metrics, scenarios side by side, paired
differences, the compliance caveat and the first run error."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import WIDTH

if TYPE_CHECKING:  # the heavy modules load only when a command needs them (fast --help)
    import pandas as pd

    from ..batch.store import BatchResult

#: How the "better" column spells a metric's direction.
ARROWS = {"higher": "higher", "lower": "lower", "neither": ""}


def left_table(frame: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    """Plain text table, left-aligned, last column unpadded."""
    widths = [max(len(c), *(len(str(v)) for v in frame[c])) if len(frame) else len(c)
              for c in cols]
    rows = [list(cols), *frame[list(cols)].itertuples(index=False)]
    return ["  ".join(str(v).ljust(w) for v, w in zip(row[:-1], widths[:-1], strict=True))
            + "  " + str(row[-1]) for row in rows]


def metric_name(key: str, keys: bool = False) -> str:
    """How a table names a metric: its catalogue label with the unit ('Decisions [per
    year]'), or with ``keys`` the key itself (as in exports and the Python API)."""
    from .. import catalogue

    return key if keys else catalogue.label(key)


def headline(result: BatchResult, derived: bool = True) -> list[str]:
    """Headline metrics present in the result (derived ones only where they add something:
    like-for-like compliance needs several scenarios); the doorzettingsmacht override metrics
    only where some run has an override."""
    from .. import catalogue
    from ..report.document import OVERRIDE_METRICS, any_override

    keys = catalogue.headline(result.metrics())
    if not any_override(result.runs):
        keys = [k for k in keys if k not in OVERRIDE_METRICS]
    return keys if derived else [k for k in keys if not catalogue.lookup(k).derived]


def summary_lines(result: BatchResult, metrics: Sequence[str] | None = None,
                  keys: bool = False) -> list[str]:
    """metric, better, mean ± 95% CI half-width (a word where there is no interval)."""
    import pandas as pd

    from .. import catalogue
    from ..report import format_cell

    table = result.summary_table(list(metrics) if metrics is not None else headline(result))
    if table.empty:
        return ["(no successful runs)"]
    flat = pd.DataFrame({
        "metric": [metric_name(m, keys) for m in table["metric"]],
        "better": [ARROWS[str(catalogue.better(m))] for m in table["metric"]],
        "mean ± 95% CI": [format_cell(r.mean, r.ci_low, r.ci_high, str(r.note or ""))
                          for r in table.itertuples()]})
    return left_table(flat, list(flat.columns))


def comparison_lines(result: BatchResult, metrics: Sequence[str] | None = None,
                     keys: bool = False) -> list[str]:
    """Metrics (rows) by scenario (columns): mean ± 95% CI half-width."""
    import pandas as pd

    from ..report import format_cell

    table = result.comparison_table(list(metrics) if metrics is not None else None)
    if table.empty:
        return ["(no successful runs)"]
    scen = list(dict.fromkeys(table.columns.get_level_values(0)))
    flat = pd.DataFrame({"metric": [metric_name(m, keys) for m in table.index], **{
        s: [format_cell(r[(s, "mean")], r[(s, "ci_low")], r[(s, "ci_high")],
                        str(r[(s, "note")] or "")) for _, r in table.iterrows()]
        for s in scen}})
    return left_table(flat, list(flat.columns))


def paired_lines(result: BatchResult, baseline: str | None,
                 metrics: Sequence[str] | None, keys: bool = False) -> list[str]:
    """Paired differences against the baseline: a block per scenario, a row per metric."""
    import pandas as pd

    from .. import catalogue
    from ..report import format_paired_cell

    paired = result.paired_table(baseline, list(metrics) if metrics is not None else None)
    if paired.empty:
        return []
    base = paired["baseline"].iloc[0]
    lines: list[str] = []
    for scenario, frame in paired.groupby("scenario", sort=False):
        lines += ["", *textwrap.wrap(f"{scenario} − {base}: paired over the same seeds; mean "
                                     "difference [95% CI]; share of replications better / "
                                     "worse; δ the smallest difference that matters; "
                                     "P(gap > δ) / P(|gap| ≤ δ) / P(gap < −δ) with the gap "
                                     "in the better direction (positive: better), and what "
                                     "that says at 95%", WIDTH)]
        rows = []
        for _, r in frame.iterrows():
            cell = format_paired_cell(r)
            diff, _, share = cell.partition("; better in ")
            rows.append({"metric": metric_name(r["metric"], keys),
                         "better": ARROWS[str(catalogue.better(r["metric"]))],
                         "difference": diff,
                         "better / worse": share.replace(", worse in ", " / "),
                         "δ": material_delta_text(r.get("delta")),
                         "P(>δ / ≈ / <−δ)": material_probability_text(r),
                         "material": str(r.get("material") or "")})
        flat = pd.DataFrame(rows)
        lines += left_table(flat, list(flat.columns))
    return lines


def material_delta_text(delta: float | None) -> str:
    """The material difference δ as a table shows it ('' where the catalogue sets none)."""
    import math

    if delta is None or not math.isfinite(float(delta)):
        return ""
    return f"{float(delta):g}"


def material_probability_text(row: object) -> str:
    """'97 / 3 / 0%': P(gap > δ), P(|gap| ≤ δ), P(gap < −δ) of one paired row, in percent
    ('' without them)."""
    import math

    ps = [row.get(c) for c in ("p_gap_above_delta", "p_gap_within_delta",  # type: ignore[attr-defined]
                               "p_gap_below_delta")]
    if any(p is None or not math.isfinite(float(p)) for p in ps):
        return ""
    return " / ".join(f"{100 * float(p):.0f}" for p in ps) + "%"


def sources_lines(sources: dict, metrics: Sequence[str] | None,
                  keys: bool = False) -> list[str]:
    """Where each gap comes from, per scenario: metrics (rows) by the gap, each part's main
    effect, the two-way interactions summed and what is left, as means over replications
    (intervals and shares in the report and decomposition/)."""
    import math

    import pandas as pd

    from ..report import format_number
    from ..report.sources import NOISE

    def cell(x: float) -> str:
        if not math.isfinite(x):
            return "n/a"
        x = 0.0 if abs(x) < NOISE else x
        return ("+" if x > 0 else "−" if x < 0 else "") + format_number(abs(x))

    lines: list[str] = []
    for label, table in sources.items():
        base = table.attrs.get("baseline", "")
        mains = list(dict.fromkeys(table.loc[table["kind"] == "main", "term"]))
        lines += ["", *textwrap.wrap(
            f"where the gap comes from, {label} − {base}: each part switched alone on {base} "
            "(main effect), the two-way interactions summed, and what is left (higher "
            "interactions); they sum to the gap; means over the same seeds "
            "(95% intervals and shares in the report)", WIDTH)]
        rows = []
        for m in dict.fromkeys(table["metric"]):
            if metrics is not None and m not in metrics:
                continue
            f = table[table["metric"] == m]
            eff = dict(zip(f["term"], pd.to_numeric(f["effect"]), strict=True))
            inter = pd.to_numeric(f.loc[f["kind"] == "interaction", "effect"]).sum()
            rows.append({"metric": metric_name(m, keys), "gap": cell(eff["gap"]),
                         **{t: cell(eff[t]) for t in mains},
                         "interactions": cell(inter if math.isfinite(eff["gap"])
                                              else math.nan),
                         "left": cell(eff["remainder"])})
        flat = pd.DataFrame(rows)
        if len(flat):
            lines += left_table(flat, list(flat.columns))
    return lines


def caveat_lines(result: BatchResult) -> list[str]:
    """The report's compliance caveat, wrapped (none when it does not apply)."""
    from ..report import compliance_caveat

    text = compliance_caveat(result.runs, result.design_keys)
    return textwrap.wrap(text.replace("`", ""), WIDTH) if text else []


def settings_lines(labels: Sequence[str], sets: Sequence[str]) -> list[str]:
    """What a ``<scenario>-set-<hash>`` label stands for, where it is first named."""
    if not sets:
        return []
    text = (f"{', '.join(labels)}: {'the scenario' if len(labels) == 1 else 'each scenario'} "
            f"with --set {' '.join(sets)}; the label (and results folder) is the scenario's "
            "name and a hash of the settings, so these results never mix with the plain "
            "scenario's")
    return textwrap.wrap(text, WIDTH)


def errors_line(result: BatchResult) -> list[str]:
    """One warning line with the number of failed runs and the first error (none if none)."""
    errors = result.errors
    if errors.empty:
        return []
    first = errors.iloc[0]
    return [f"warning: {len(errors)} run(s) raised; first ({first['scenario']}, replication "
            f"{first['replication']}): {first['error']}"]
