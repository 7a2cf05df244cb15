"""``cio-sim compare --readings``: the rankings under each reading variant, the same numbers as
the report and the Python API; one-line errors for bad reading names; the warning with the
count of combinations and runs."""

from __future__ import annotations

import re

import pytest

from cio_sim import catalogue, readings, robustness
from cio_sim.batch import load_results
from cio_sim.cli import main
from cio_sim.report.tables import format_number
from tests.test_robustness import TOY

PLAIN = 'name = "plain"\nextends = "consensus_2021"\nhorizon_weeks = 52\n'
BUSY = ('name = "busy"\nextends = "consensus_2021"\nhorizon_weeks = 52\n\n[arrivals]\n'
        'departmental_per_year = 24.0\n')


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setattr(readings, "READINGS", (*readings.READINGS, TOY))
    (tmp_path / "plain.toml").write_text(PLAIN)
    (tmp_path / "busy.toml").write_text(BUSY)
    return [str(tmp_path / "plain.toml"), str(tmp_path / "busy.toml")], tmp_path / "out"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _block(text: str, heading: str, ends: str = "") -> list[str]:
    """The lines of a metric's block, from its heading to the next empty line (or the next
    line starting with ``ends``)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines))
                if (lines[i].startswith(ends) if ends else not lines[i].strip())), len(lines))
    return lines[start:end]


def test_cli_report_and_python_give_the_same_rankings_and_numbers(files, capsys):
    paths, out = files
    code, text, err = _cli(capsys, "compare", *paths, "-n", "3", "--seed", "5", "--readings",
                           "toy_supply,override_scope", "--out", str(out), "--quiet")
    assert code == 0, err
    rc = robustness.from_result(load_results(out))
    report = (out / "report.md").read_text()
    assert "## Rankings under the readings" in report
    # the opening says it too, before the tables of the scenarios as given
    opening = report.split("## Scenarios")[0]
    assert "**Under the readings** (2 readings, 4 variant sets on the same seeds)" in opening
    assert "backlog at end (under toy_supply=starved)" in opening
    assert "override_scope=adr_themes: plain, busy" in report     # runs reused, said so
    assert "override_scope=adr_themes: plain, busy" in " ".join(text.split())
    assert "Rankings under the readings" in (out / "report.html").read_text()
    flat = " ".join(text.split())
    assert "It flips for Backlog at end [open items] under toy_supply=starved (material " \
           "under toy_supply=starved)" in flat
    letters = {"plain": "A", "busy": "B"}
    for metric, s in rc.summary.set_index("metric").iterrows():
        label = catalogue.label(metric)
        cli = _block(text, label)
        md = _block(report, f"### {label}", ends="#")
        assert ("holds under every variant set" in " ".join(cli)) == bool(s["holds"])
        rows = rc.table[rc.table["metric"] == metric]
        assert len(rows) == 5                      # defaults, toy fed, mild, starved, scope
        for _, r in rows.iterrows():
            means = [format_number(r[sc]) for sc in ("plain", "busy")]
            ranking = " > ".join(letters[sc] for sc in r["ranking"].split(" > "))
            cli_row = next(re.split(r"\s{2,}", line.strip()) for line in cli
                           if line.split()[0] == r["readings"])
            assert cli_row[1:3] == means and cli_row[3] == ranking
            md_row = next(line for line in md if line.startswith(f"| {r['readings']} |"))
            assert md_row.startswith(f"| {r['readings']} | {' | '.join(means)} | "
                                     f"{r['ranking']} | {r['flipped']} |")
    backlog = rc.summary.set_index("metric").loc["backlog_end"]
    assert not backlog["holds"] and backlog["flips_under"] == "toy_supply=starved"
    # the usual tables of the report read the scenarios as given, not the variant cells
    assert "busy [toy_supply" not in report.split("## Rankings under the readings")[0]
    assert "readings=['toy_supply', 'override_scope']" in report or "--readings" in report


def test_a_resumed_comparison_under_readings_has_nothing_to_do(files, capsys):
    paths, out = files
    argv = ["compare", *paths, "-n", "2", "--readings", "toy_supply", "--out", str(out),
            "--quiet", "--no-report"]
    assert _cli(capsys, *argv)[0] == 0
    code, text, err = _cli(capsys, *argv, "--resume")
    assert code == 0 and "nothing to do" in err and "Backlog at end" in text


def test_bad_reading_names_are_one_line_naming_the_allowed_readings(files, capsys):
    paths, out = files
    for bad in ("q3_workgroup", "all,nonsense", ",", "override_scope,nonsense"):
        code, text, err = _cli(capsys, "compare", *paths, "-n", "2", "--readings", bad,
                               "--out", str(out))
        lines = err.strip().splitlines()
        assert code == 2 and text == "" and len(lines) == 1, (bad, err)
        assert "--readings" in lines[0] and "Traceback" not in err
        assert all(name in lines[0] for name in readings.names())
    assert not out.exists()                      # nothing written
    code, _, err = _cli(capsys, "compare", *paths, "--readings-combined", "--out", str(out))
    assert code == 2 and "needs --readings" in err


def test_combined_readings_warn_with_the_count_of_combinations_and_runs(files, capsys):
    paths, out = files
    code, text, err = _cli(capsys, "compare", *paths, "-n", "2", "--readings",
                           "toy_supply,override_scope", "--readings-combined", "--out",
                           str(out), "--quiet", "--no-report")
    assert code == 0, err
    warning = [line for line in err.splitlines() if "warning" in line]
    # 3 x 2 combinations and the scenarios as given; override_scope changes neither
    # scenario: 5 cells, 10 runs
    assert warning == ["cio-sim: warning: --readings-combined: 6 combinations of 2 readings "
                       "(7 variant sets with the scenarios as given), 5 scenario cells x 2 "
                       "replications = 10 runs"]
    assert "every combination of their variants" in " ".join(text.split())
