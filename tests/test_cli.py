"""The cio-sim command line end to end: run, resume after SIGKILL, errors, sweep, tools."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import modules_after, stored_runs

import cio_sim
from cio_sim.batch.store import DB_NAME, MANIFEST_NAME, decode_frame
from cio_sim.cli import main, settings_label

SHORT = ["--set", "horizon_weeks=26"]


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cio-sim: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_run_with_set_gets_its_own_folder_and_label(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sets = ["--set", "horizon_weeks=20", "--set", "regime.override_rounds=3"]
    code, out, err = _cli(capsys, "run", "consensus_2021", "-n", "3", "--seed", "5", *sets)
    assert code == 0
    assert "Decisions [per year]" in out and "95% CI" in out and "decisions_per_year" not in out
    label = settings_label("consensus_2021", ["regime.override_rounds=3", "horizon_weeks=20"])
    assert (f"{label}: the scenario with --set horizon_weeks=20 regime.override_rounds=3"
            in out.replace("\n", " "))                  # the label explained where it is named
    assert re.fullmatch(r"consensus_2021-set-[0-9a-f]{6}", label)
    assert out.startswith(f"{label}: 3 runs")
    target = Path("results") / label
    assert f"results: {target}" in out
    # progress as plain lines when stderr is not a terminal, and a line before the report
    assert f"{label}: 3/3 runs (100%)" in err and "writing report" in err
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    assert manifest["settings"] == ["horizon_weeks=20", "regime.override_rounds=3"]
    assert manifest["scenarios"] == [label]
    assert "With --set horizon_weeks=20, regime.override_rounds=3." in \
        manifest["parameters"][0]["description"]
    assert manifest["command"].startswith("cio-sim run consensus_2021")
    res = cio_sim.load_results(target)
    assert len(res.runs) == 3 and res.timeseries["step"].max() == 20
    assert res.manifest["parameters"][0]["values"]["regime"]["override_rounds"] == 3
    assert "consensus_2021" not in {p.name for p in Path("results").iterdir()}

    code, _, err = _cli(capsys, "run", "consensus_2021", "-n", "3", "--seed", "5", *sets)
    assert code == 2 and "already holds results" in _one_error_line(err)
    code, _, err = _cli(capsys, "run", "consensus_2021", "-n", "3", "--seed", "6", *sets,
                        "--resume")
    assert code == 2 and "seed" in _one_error_line(err)
    code, _, err = _cli(capsys, "run", "consensus_2021", "-n", "3", "--seed", "5",
                        "--set", "horizon_weeks=21", "--resume", "--out", str(target))
    assert code == 2 and "differ" in _one_error_line(err)
    assert len(cio_sim.load_results(target).runs) == 3  # untouched
    # other overrides: another folder
    code, out, _ = _cli(capsys, "run", "consensus_2021", "-n", "2", "--seed", "5",
                        "--set", "horizon_weeks=21", "-q", "--no-report")
    assert code == 0 and settings_label("consensus_2021", ["horizon_weeks=21"]) in out
    # resume with more replications adds only the missing ones
    code, out, _ = _cli(capsys, "run", "consensus_2021", "-n", "5", "--seed", "5", *sets,
                        "--resume", "-q")
    assert code == 0
    more = cio_sim.load_results(target)
    assert more.runs["replication"].tolist() == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(more.runs.iloc[:3], res.runs)
    code, _, err = _cli(capsys, "run", "consensus_2021", "-n", "5", "--seed", "5", *sets,
                        "--resume", "-q")
    assert code == 0 and "nothing to do" in err and "report unchanged" in err
    code, _, _ = _cli(capsys, "run", "consensus_2021", "-n", "2", "--seed", "5", "--force",
                      *sets, "-q")
    assert code == 0 and len(cio_sim.load_results(target).runs) == 2


def test_export_csv_and_parquet_with_metric_columns(tmp_path, capsys):
    out_dir = tmp_path / "cmp"
    code, _, _ = _cli(capsys, "compare", "consensus_2021", "keuzematrix", "-n", "2", *SHORT,
                      "--out", str(out_dir), "-q", "--no-report")
    assert code == 0
    # no report, so no figure uses the weekly tables: they are not kept (--weekly keeps them)
    assert cio_sim.load_results(out_dir).manifest["weekly"] is False
    code, out, _ = _cli(capsys, "export", str(out_dir), "--csv")
    assert code == 0 and "exported 4 runs as csv" in out
    runs = pd.read_csv(out_dir / "csv" / "runs.csv")
    for col in ("decisions_per_year", "time_to_decision_median_weeks",
                "compliance_actual_shared", "pairs_judged_q4_simple"):
        assert pd.api.types.is_numeric_dtype(runs[col]), col
    summary = pd.read_csv(out_dir / "csv" / "summary.csv")
    assert {"scenario", "metric", "mean", "ci_low", "ci_high", "note"} <= set(summary.columns)
    paired = pd.read_csv(out_dir / "csv" / "paired.csv")
    assert paired["scenario"].str.startswith("keuzematrix").all()
    assert {"mean_diff", "ci_low", "ci_high", "delta", "p_gap_above_delta",
            "p_gap_within_delta", "p_gap_below_delta", "material"} <= set(paired.columns)
    by_metric = paired.set_index("metric")
    assert by_metric.loc["overrides", "material"] == "no material difference"  # 0 and 0
    assert by_metric.loc["overrides", "p_gap_within_delta"] == 1.0
    row = by_metric.loc["adopted_per_year"]
    assert row["delta"] == 1.0 and row["p_gap_above_delta"] + row["p_gap_within_delta"] \
        + row["p_gap_below_delta"] == pytest.approx(1.0, abs=1e-5)
    # rounded: no number in the files has more than six significant figures
    for name in ("runs.csv", "summary.csv", "paired.csv"):
        text = (out_dir / "csv" / name).read_text()
        numbers = re.findall(r"(?<![\w.])\d+\.\d+(?:e[-+]\d+)?", text)
        assert numbers and max(len(n.split("e")[0].replace(".", "").lstrip("0"))
                               for n in numbers) <= 6, name
    pytest.importorskip("pyarrow")
    code, out, _ = _cli(capsys, "export", str(out_dir), "--parquet", "--to",
                        str(tmp_path / "pq"))
    assert code == 0
    assert (tmp_path / "pq" / "paired.parquet").exists()
    back = pd.read_parquet(tmp_path / "pq" / "runs.parquet")
    assert back["decisions_per_year"].tolist() == pytest.approx(runs["decisions_per_year"])
    code, _, err = _cli(capsys, "export", str(out_dir))
    assert code == 2 and "one of the arguments --csv --parquet is required" in err


def test_help_imports_no_heavy_library():
    """`cio-sim --help` answers before Mesa, pandas, SciPy or matplotlib are imported."""
    code = "from cio_sim.cli import main\nmain(['--help'])\nmain(['run', '--help'])"
    assert modules_after(code, "mesa", "pandas", "numpy", "scipy", "matplotlib") == []


def test_params_lines_fit_in_100_columns(capsys):
    code, out, _ = _cli(capsys, "params", "doorzettingsmacht_2026")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    code, out, _ = _cli(capsys, "list")
    assert max(len(line) for line in out.splitlines()) <= 100


BAD_FILES = {
    "malformed": ("name = 'x'\n[regime\n", "not valid TOML"),
    "unknown_key": ("[regime]\ndecison_rule = 'consensus'\n",
                    "did you mean 'regime.decision_rule'"),
    "out_of_range": ("horizon_weeks = 0\n", "horizon_weeks: got 0"),
    "wrong_type": ("horizon_weeks = 'long'\n", "horizon_weeks: got 'long'"),
    "cycle": ("extends = 'cycle_b.toml'\n", "cycle in extends"),
}


@pytest.mark.parametrize("case", [*BAD_FILES, "missing_file", "bad_set", "bad_set_value",
                                  "bad_replications"])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cycle_b.toml").write_text("extends = 'cycle.toml'\n")
    extra: list[str] = []
    if case in BAD_FILES:
        body, expected = BAD_FILES[case]
        path = tmp_path / f"{case}.toml"
        path.write_text(body)
        scenario = str(path)
    elif case == "missing_file":
        scenario, expected = str(tmp_path / "nope.toml"), "file not found"
    elif case == "bad_set":
        scenario, expected = "consensus_2021", "expected KEY=VALUE"
        extra = ["--set", "horizon_weeks"]
    elif case == "bad_set_value":
        scenario, expected = "consensus_2021", "allowed: one of"
        extra = ["--set", "regime.decision_rule=dictatorship"]
    else:
        scenario, expected = "consensus_2021", "argument -n/--replications"
        extra = ["-n", "zero"]
    out_dir = tmp_path / "out"
    code, out, err = _cli(capsys, "run", scenario, *extra, "--out", str(out_dir))
    assert code == 2
    assert expected in _one_error_line(err)
    assert out == ""
    assert not out_dir.exists() and not (tmp_path / "results").exists()
    if case in BAD_FILES or case == "missing_file":
        code, _, err = _cli(capsys, "validate", scenario)
        assert code == 2 and expected in _one_error_line(err)


def _entry(out: str, key: str) -> tuple[str, str]:
    """A parameter's first line of `cio-sim params` and its indented continuation lines
    (however many: the allowed values and the provenance wrap)."""
    lines = out.splitlines()
    k = next(i for i, x in enumerate(lines) if x.startswith(key + " "))
    rest = []
    for line in lines[k + 1:]:
        if not line.startswith(" "):
            break
        rest.append(line.strip())
    return lines[k], " ".join(rest)


def test_validate_params_list_help(tmp_path, capsys):
    good = tmp_path / "mine.toml"
    good.write_text("extends = 'keuzematrix'\nname = 'mine'\n[regime]\n"
                    "decision_rule = 'doorzettingsmacht'\n")
    code, out, _ = _cli(capsys, "validate", str(good))
    assert code == 0 and out.startswith("ok: ") and "'mine'" in out

    code, out, _ = _cli(capsys, "params", str(good), "--set", "horizon_weeks=52")
    assert code == 0
    head, rest = _entry(out, "horizon_weeks")
    assert "52" in head and "weeks" in head
    assert "[1, 1040]" in head + rest and "--set: " in rest
    head, rest = _entry(out, "regime.decision_rule")
    assert "doorzettingsmacht" in head and "mine.toml:" in rest

    code, out, _ = _cli(capsys, "params", "consensus_2021", "--format", "csv")
    table = pd.read_csv(__import__("io").StringIO(out))
    assert code == 0 and {"key", "value", "unit", "allowed", "provenance"} <= set(table.columns)
    assert len(table) == len(cio_sim.load_scenario("consensus_2021").parameter_table())

    code, out, _ = _cli(capsys, "list")
    assert code == 0
    for name in cio_sim.bundled_names():
        assert f"  {name}" in out
    assert "decision_rule:" in out and "doorzettingsmacht" in out
    # a part's description is its docstring's whole first paragraph, wrapped, not cut
    flat = " ".join(out.split())
    assert '"niet als dictatuur maar als vangnet" (N26:L15; BLOG:L52)' in flat

    code, out, _ = _cli(capsys, "run", "--help")
    assert code == 0 and "examples:" in out and "--resume" in out
    code, out, _ = _cli(capsys, "--help")
    assert code == 0 and all(c in out for c in ("run", "compare", "sweep", "report"))


def test_sweep_tiny_grid_and_experiment_validation(tmp_path, capsys):
    exp = tmp_path / "tiny.toml"
    exp.write_text('scenario = "consensus_2021"\nreplications = 2\nseed = 4\n[set]\n'
                   'horizon_weeks = 12\n[grid]\n"cio_beraad.slots" = [4, 8]\n')
    code, out, _ = _cli(capsys, "validate", str(exp))
    assert code == 0 and "2 design point(s) x 2 replications" in out
    out_dir = tmp_path / "sweep"
    code, out, _ = _cli(capsys, "sweep", str(exp), "--out", str(out_dir), "-q")
    assert code == 0 and "cio_beraad.slots" in out
    runs = cio_sim.load_results(out_dir).runs
    assert runs[["point", "cio_beraad.slots", "replication"]].values.tolist() == [
        [0, 4, 0], [0, 4, 1], [1, 8, 0], [1, 8, 1]]
    code, _, err = _cli(capsys, "sweep", str(exp), "--out", str(out_dir))
    assert code == 2 and "already holds results" in _one_error_line(err)
    code, _, _ = _cli(capsys, "sweep", str(exp), "--out", str(out_dir), "--resume", "-q")
    assert code == 0 and len(cio_sim.load_results(out_dir).runs) == 4
    bad = tmp_path / "bad.toml"
    bad.write_text('scenario = "consensus_2021"\n[grid]\n"cio_beraad.slotz" = [4]\n')
    code, _, err = _cli(capsys, "sweep", str(bad), "--out", str(tmp_path / "b"))
    assert code == 2 and "slotz" in _one_error_line(err) and not (tmp_path / "b").exists()


def test_bundled_experiments_validate(capsys):
    root = Path(__file__).resolve().parent.parent / "experiments"
    files = sorted(root.glob("*.toml"))
    assert any(f.name == "ci_sweep.toml" for f in files)
    for f in files:
        code, _, err = _cli(capsys, "validate", str(f))
        assert code == 0, err


@pytest.mark.slow
def test_compare_prints_table_and_writes_report(tmp_path, capsys):
    out_dir = tmp_path / "cmp"
    code, out, err = _cli(capsys, "compare", "consensus_2021", "doorzettingsmacht_2026", "-n",
                          "3", *SHORT, "--out", str(out_dir), "-q")
    assert code == 0
    a, b = (settings_label(s, SHORT[1:]) for s in ("consensus_2021", "doorzettingsmacht_2026"))
    header = out.splitlines()[1]
    assert a in header and b in header
    row = next(x for x in out.splitlines() if x.startswith("Decisions [per year]"))
    assert row.count("±") == 2
    # paired differences against the first scenario, with the share of better replications
    assert f"{b} − {a}: paired over the same seeds" in out.replace("\n", " ")
    backlog = [x for x in out.splitlines() if x.startswith("Backlog at end [open items]")][1]
    assert "lower" in backlog and re.search(r"\d+% / \d+%", backlog)
    # material differences: delta, P(gap > δ) / P(|gap| ≤ δ) / P(gap < −δ) and a verdict
    assert "P(>δ / ≈ / <−δ)" in out
    assert re.search(r"\s3\s+\d+ / \d+ / \d+%\s+(better|worse|no material difference|"
                     r"unclear)$", backlog)
    assert "writing report" in err
    res = cio_sim.load_results(out_dir)
    assert res.runs.groupby("scenario").size().to_dict() == {a: 3, b: 3}
    assert (out_dir / "report.md").exists()
    code, out, _ = _cli(capsys, "report", str(out_dir))
    assert code == 0 and f"report: {out_dir / 'report.html'}" in out
    code, out, _ = _cli(capsys, "report", str(out_dir), "--markdown", "--baseline", b)
    assert code == 0 and f"| {a} − {b} |" in out
    # --keys names metrics as exports do; the same batch again: nothing to run
    code, out, _ = _cli(capsys, "compare", "consensus_2021", "doorzettingsmacht_2026", "-n",
                        "3", *SHORT, "--out", str(out_dir), "-q", "--resume", "--keys")
    assert code == 0 and any(x.startswith("decisions_per_year ") for x in out.splitlines())
    assert "Decisions [per year]" not in out
    code, _, err = _cli(capsys, "report", str(tmp_path / "none"))
    assert code == 2 and "not a results directory" in _one_error_line(err)
    code, _, err = _cli(capsys, "compare", "consensus_2021", "keuzematrix", "-n", "1",
                        "--baseline", "nope", "--out", str(tmp_path / "x"))
    assert code == 2 and "--baseline" in _one_error_line(err)




@pytest.mark.slow
def test_resume_after_sigkill_gives_the_uninterrupted_rows(tmp_path, capsys):
    n = "400"      # enough that the batch is still running when ten runs are stored
    killed = tmp_path / "killed"
    args = ["run", "consensus_2021", "-n", n, "--seed", "8", "--set", "horizon_weeks=10", "-q"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(cio_sim.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "cio_sim.cli", *args, "--out", str(killed),
                             "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while stored_runs(killed / DB_NAME) < 10 and time.monotonic() < deadline:
            assert proc.poll() is None, "batch ended before it could be killed"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes
    finally:
        proc.wait(timeout=30)
    partial = stored_runs(killed / DB_NAME)
    assert 10 <= partial < int(n)
    # each stored run is whole: 10 timeseries rows per run, nothing else
    con = sqlite3.connect(killed / DB_NAME)
    blobs = con.execute("SELECT data FROM weekly").fetchall()
    con.close()
    assert len(blobs) == partial and {len(decode_frame(b)) for (b,) in blobs} == {10}

    code, _, err = _cli(capsys, *args, "--out", str(killed), "--resume")
    assert code == 0, err
    whole = tmp_path / "whole"
    code, _, _ = _cli(capsys, *args, "--out", str(whole))
    assert code == 0
    resumed, straight = cio_sim.load_results(killed), cio_sim.load_results(whole)
    assert len(resumed.runs) == int(n)
    pd.testing.assert_frame_equal(resumed.runs, straight.runs)
    pd.testing.assert_frame_equal(resumed.timeseries, straight.timeseries)
    assert resumed.manifest["status"] == "complete" and "resumed" in resumed.manifest


@pytest.mark.parametrize(("extra", "expected"), [
    (["--resume", "--force"], "either --resume or --force"),
    (["--scheduler", "tcp://127.0.0.1:1", "--backend", "local"], "--scheduler needs"),
    (["--backend", "spark"], "argument --backend: invalid choice"),
    (["--workers", "0"], "argument --workers"),
])
def test_option_conflicts_are_one_line_errors(tmp_path, capsys, extra, expected):
    out_dir = tmp_path / "out"
    code, out, err = _cli(capsys, "run", "consensus_2021", *SHORT, "--out", str(out_dir),
                          *extra)
    assert code == 2 and expected in _one_error_line(err) and out == ""
    assert not out_dir.exists()
