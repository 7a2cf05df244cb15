"""The README's "At the default values" tables and their reading, generated from the stored
outputs of a comparison at the defaults::

    cio-sim compare consensus_2021 doorzettingsmacht_2026 keuzematrix -n 30 --workers 2 \\
        --out results/regimes --decompose
    python -m cio_sim.readme_table --from results/regimes    # curate, then rewrite README

``--from`` keeps the comparison's small outputs in :data:`CURATED` (headline summary and
paired tables, the decomposition tables, compliance over matched kaders with each side's
mean and the kaders matched; the run's identity and the kader-set caveat); without
it the README is rewritten from what is kept there. The README holds the generated text
between ``<!-- defaults-table:begin -->`` and ``<!-- defaults-table:end -->``;
``tests/test_readme_table.py`` fails when the two disagree.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import catalogue

__all__ = ["CURATED", "README", "curate", "reading", "render", "with_block"]

ROOT = Path(__file__).resolve().parents[1]
#: The kept outputs of the comparison at the defaults, relative to the repository root.
CURATED = Path("results/examples/regimes_defaults")
README = Path("README.md")
BEGIN, END = "<!-- defaults-table:begin -->", "<!-- defaults-table:end -->"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), flags=re.S)

#: The metrics the reading paragraph walks through, in order: throughput counted like for
#: like, time to a result, compliance both ways and the volume behind it.
READING_METRICS = ("adopted_per_year", "resolutions_per_year", "value_resolutions_per_year",
                   "time_to_resolution_median_weeks", "compliance_actual",
                   "compliance_actual_shared", "implemented_pairs_per_year")
#: The metrics whose gap the reading traces to its parts (with a decomposition).
TRACED = ("adopted_per_year", "resolutions_per_year", "compliance_actual")


# --------------------------------------------------------------------------- curate

def curate(results_dir: str | Path, dest: str | Path = ROOT / CURATED,
           baseline: str | None = None) -> Path:
    """Keep the small outputs of a stored comparison in ``dest``: summary.csv and paired.csv
    (headline metrics, six significant figures), decomposition/ when it was decomposed, and
    run.json (command, seed, replications, scenarios, digest, the kader-set caveat)."""
    from .batch import load_results
    from .batch.export import CSV_FLOAT_FORMAT
    from .gap_sources import INDEX, SOURCES_DIR, read_sources
    from .report.tables import compliance_caveat

    result = load_results(results_dir)
    manifest = result.manifest
    if manifest.get("kind") != "compare" or manifest.get("status") != "complete":
        raise ValueError(f"{results_dir}: not a complete comparison (kind "
                         f"{manifest.get('kind')!r}, status {manifest.get('status')!r})")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    metrics = list(catalogue.HEADLINE)
    summary = result.summary_table()
    summary[summary["metric"].isin(metrics)].to_csv(dest / "summary.csv", index=False,
                                                    float_format=CSV_FLOAT_FORMAT)
    paired = result.paired_table(baseline, metrics)
    paired.to_csv(dest / "paired.csv", index=False, float_format=CSV_FLOAT_FORMAT)
    sources = read_sources(results_dir, manifest.get("digest"))
    folder = dest / SOURCES_DIR
    if folder.exists():
        shutil.rmtree(folder)
    if sources:
        folder.mkdir()
        shutil.copy(Path(results_dir) / SOURCES_DIR / INDEX, folder / INDEX)
        for label in sources:
            entry = json.loads((Path(results_dir) / SOURCES_DIR / INDEX)
                               .read_text(encoding="utf-8"))["pairs"][label]
            shutil.copy(Path(results_dir) / SOURCES_DIR / entry["table"], folder / entry["table"])
    matched_table(result, paired).to_csv(dest / "matched.csv", index=False,
                                         float_format=CSV_FLOAT_FORMAT)
    run = {"command": manifest.get("command"), "seed": manifest.get("seed"),
           "replications": manifest.get("replications"),
           "scenarios": manifest.get("scenarios"), "digest": manifest.get("digest"),
           "version": manifest.get("cio_sim_version") or manifest.get("version"),
           "baseline": str(paired["baseline"].iloc[0]) if len(paired) else None,
           "caveat": compliance_caveat(result.runs, result.design_keys)}
    (dest / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    result.close()
    return dest


def matched_table(result: Any, paired: pd.DataFrame) -> pd.DataFrame:
    """Compliance over matched kaders for each scenario against the baseline, from the kader
    outcomes the comparison stored with its runs: a row per scenario with the paired row's
    gap, interval and material-difference probabilities, each side's mean over the matched
    kaders, and how many kaders a run matched and adopted on one side only."""
    from .comparison import MATCHED_COMPLIANCE, ok_runs
    from .matched import OUTCOMES, matched_pair

    runs = ok_runs(result.runs)
    rows: list[dict[str, Any]] = []
    if paired.empty or OUTCOMES not in runs.columns:
        return pd.DataFrame(rows)
    row_of = paired[paired["metric"] == MATCHED_COMPLIANCE].set_index("scenario")
    base = str(paired["baseline"].iloc[0])
    ref = runs[runs["scenario"] == base].set_index("replication")[OUTCOMES]
    for label in row_of.index.astype(str):
        other = runs[runs["scenario"] == label].set_index("replication")[OUTCOMES]
        common = ref.index.intersection(other.index)
        got = pd.DataFrame([matched_pair(ref[r], other[r]) for r in common])
        p = row_of.loc[label]
        rows.append({"scenario": label, "baseline": base, "n": int(p["n"]),
                     "baseline_mean": float(got["a"].mean()),
                     "scenario_mean": float(got["b"].mean()),
                     **{k: p[k] for k in ("mean_diff", "ci_low", "ci_high", "delta",
                                          "p_gap_above_delta", "p_gap_within_delta",
                                          "p_gap_below_delta", "material")},
                     "kaders_matched": float(got["kaders"].mean()),
                     "kaders_baseline_only": float(got["only_a"].mean()),
                     "kaders_scenario_only": float(got["only_b"].mean())})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- render

def _read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    if "note" in df.columns:
        df["note"] = df["note"].fillna("")
    return df


def _load(dest: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any],
                               dict[str, pd.DataFrame]]:
    from .gap_sources import read_sources

    run = json.loads((dest / "run.json").read_text(encoding="utf-8"))
    return (_read(dest / "summary.csv"), _read(dest / "paired.csv"), run,
            read_sources(dest, run.get("digest")))


def _num(x: float, unit: str = "") -> str:
    from .report.tables import format_number

    text = ("+" if x > 0 else "−" if x < 0 else "") + format_number(abs(x))
    return f"{text} {unit}".rstrip()


def _unit(metric: str) -> str:
    return {"per year": "a year", "impact per year": "impact a year", "weeks": "weeks",
            "pairs per year": "pairs a year"}.get(catalogue.unit(metric), "")


def _gap_phrase(metric: str, row: Any) -> str:
    """``+3.37 a year [+2.56, +4.18], P(gap > 1) = 100%: better``."""
    mean, lo, hi = float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"])
    if not math.isfinite(mean):
        return "not defined in every run"
    text = f"{_num(mean, _unit(metric))} [{_num(lo)}, {_num(hi)}]"
    delta = float(row["delta"]) if math.isfinite(float(row["delta"])) else None
    if delta is not None and math.isfinite(float(row["p_gap_above_delta"])):
        text += (f", P(better by more than {delta:g}) = "
                 f"{float(row['p_gap_above_delta']):.0%}, P(within ±{delta:g}) = "
                 f"{float(row['p_gap_within_delta']):.0%}: {row['material']}")
    return text


def _traced(table: pd.DataFrame, metric: str) -> str:
    """``of which decision_rule +3.29 (98%), kader_force +0.06 (2%)``: each part's main
    effect and share, and the interactions with what is left, where the gap is clear."""
    rows = table[table["metric"] == metric].set_index("term")
    if rows.empty or str(rows["note"].iloc[0] or "") not in ("", "nan"):
        return ""
    gap = rows.loc["gap"]
    if not (float(gap["ci_low"]) > 0 or float(gap["ci_high"]) < 0):
        return ""
    parts = [f"`{t}` {_num(float(r['effect']))} ({float(r['share']):.0%})"
             for t, r in rows[rows["kind"] == "main"].iterrows()]
    rest = rows[rows["kind"].isin(["interaction", "remainder"])]
    rest_effect = float(pd.to_numeric(rest["effect"]).sum())
    rest_share = rest_effect / float(gap["effect"])
    parts.append(f"interactions and the rest {_num(rest_effect)} ({rest_share:.0%})")
    return "; from " + ", ".join(parts).replace("(-", "(−")


def reading(paired: pd.DataFrame, sources: dict[str, pd.DataFrame],
            replications: Any, matched: pd.DataFrame | None = None) -> str:
    """The reading paragraph: for each scenario against the baseline, the like-for-like
    gaps with their chance of mattering, and where the traced gaps come from."""
    if paired.empty:
        return ""
    base = str(paired["baseline"].iloc[0])
    out = [f"Read against `{base}` (paired over the same {replications} seeds: the gap "
           "scenario − baseline [95% CI], the probability that the scenario is better by more "
           "than the smallest difference that matters, δ, or within ±δ, and what that says; "
           "where the gap is clear of zero, each part's main effect with its share of the "
           "gap):"]
    for scenario, frame in paired.groupby("scenario", sort=False):
        rows = frame.set_index("metric")
        items = []
        for m in READING_METRICS:
            if m not in rows.index:
                continue
            text = f"{catalogue.label(m, unit=False)} {_gap_phrase(m, rows.loc[m])}"
            if m in TRACED and str(scenario) in sources:
                text += _traced(sources[str(scenario)], m)
            items.append(text)
            if m == "compliance_actual_shared" and matched is not None \
                    and str(scenario) in matched.index:
                row = matched.loc[str(scenario)]
                items.append(
                    f"Compliance over matched kaders (the same arriving kader adopted under "
                    f"both, {row['kaders_matched']:.0f} a run; "
                    f"{row['kaders_baseline_only']:.0f} adopted under `{base}` only, "
                    f"{row['kaders_scenario_only']:.0f} under `{scenario}` only) "
                    f"{float(row['baseline_mean']):.3f} against "
                    f"{float(row['scenario_mean']):.3f}, {_gap_phrase(m, row)}")
        out.append(f"`{scenario}`: " + "; ".join(items) + ".")
    return "\n\n".join(out)


def render(dest: str | Path = ROOT / CURATED) -> str:
    """The README block (markers included) from the outputs kept in ``dest``."""
    from .report.material import format_material_table
    from .report.tables import format_paired_table, format_summary_table

    dest = Path(dest)
    summary, paired, run, sources = _load(dest)
    where = dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest
    parts = [BEGIN,
             f"Generated by `python -m cio_sim.readme_table` from `{where.as_posix()}/` (the "
             f"kept outputs of `{run.get('command')}`): {run.get('replications')} replications "
             f"per scenario, seed {run.get('seed')}, common random numbers. Mean ± 95% CI "
             "half-width over replications (5 simulated years, 2022-2026); ↑ higher is "
             "better, ↓ lower is better.",
             format_summary_table(summary)]
    if len(paired):
        base = paired["baseline"].iloc[0]
        parts += [f"Paired differences against `{base}` (same seeds, replication by "
                  "replication): mean difference [95% CI]; share of replications in which "
                  "the scenario does better and worse.", format_paired_table(paired),
                  "Material differences: P(gap > δ) / P(|gap| ≤ δ) / P(gap < −δ), the gap "
                  "taken in the better direction, δ the smallest difference that matters "
                  "(`cio-sim params`' metric catalogue gives each δ's reason).",
                  format_material_table(paired)]
    if run.get("caveat"):
        parts.append(str(run["caveat"]))
    matched = _read(dest / "matched.csv").set_index("scenario") \
        if (dest / "matched.csv").is_file() else None
    text = reading(paired, sources, run.get("replications"), matched)
    if text:
        parts.append(text)
    parts.append(END)
    return "\n\n".join(parts)


def with_block(text: str, block: str) -> str:
    """``text`` with its generated block replaced by ``block`` (ValueError: no markers)."""
    if not _BLOCK.search(text):
        raise ValueError(f"README.md: no {BEGIN} ... {END} block")
    return _BLOCK.sub(lambda _: block, text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m cio_sim.readme_table",
                                description="Rewrite the README's tables at the default "
                                            "values from the kept comparison outputs.")
    p.add_argument("--from", dest="source", metavar="RESULTS",
                   help="first keep the outputs of this comparison's results folder")
    p.add_argument("--baseline", help="with --from: the baseline scenario (default: first)")
    args = p.parse_args(argv)
    try:
        if args.source:
            curate(args.source, ROOT / CURATED, args.baseline)
        path = ROOT / README
        path.write_text(with_block(path.read_text(encoding="utf-8"), render()),
                        encoding="utf-8")
    except (OSError, ValueError, KeyError) as exc:
        print(f"readme_table: {exc}", file=sys.stderr)
        return 2
    print(f"README.md: tables at the default values from {CURATED}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
