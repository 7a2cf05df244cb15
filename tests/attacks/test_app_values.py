"""Attacks on the app's widget values: whatever a crafted websocket message sends for a
control (NaN, Infinity, a string, null, a path for a scenario), the server turns it into one
line for the page, and a value of the right type outside the schema's range is refused by
the scenario with one line too."""

from __future__ import annotations

import math

import pytest

from cio_sim.app import values
from cio_sim.app.controls import all_controls
from cio_sim.app.session import Exploration, Settings

CONTROLS = [c for group in all_controls().values() for c in group]
CRAFTED = [math.nan, math.inf, -math.inf, "x", "5", None, [1], {"a": 1}, True]


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert text and "\n" not in text and "Traceback" not in text
    return text


@pytest.mark.parametrize("ctl", CONTROLS, ids=lambda c: c.key)
def test_every_control_refuses_crafted_values_with_one_line(ctl):
    for bad in CRAFTED:
        if ctl.widget == "checkbox" and isinstance(bad, bool):
            continue
        with pytest.raises(values.BadValue) as exc:
            values.control_value(ctl, bad)
        assert "got" in _one_line(exc)


@pytest.mark.parametrize("ctl", CONTROLS, ids=lambda c: c.key)
def test_every_control_takes_its_own_values(ctl):
    good = {"select": lambda: next(iter(ctl.param.choices)), "checkbox": lambda: False,
            "int": lambda: int(ctl.low), "float": lambda: float(ctl.low)}[ctl.widget]()
    assert values.control_value(ctl, good) == good
    if ctl.widget == "int":
        assert values.control_value(ctl, float(ctl.high)) == int(ctl.high)  # 5.0 from a slider


def test_a_value_outside_the_schema_is_refused_by_the_scenario():
    """The check of type passes; the scenario's range check gives the page its one line."""
    from cio_sim.scenario import ScenarioError

    settings = Settings().with_value("icbr.adoption_prob", 7.0)
    with pytest.raises(ScenarioError) as exc:
        Exploration(settings)
    assert "icbr.adoption_prob" in _one_line(exc)


@pytest.mark.parametrize("bad", [*CRAFTED, -1, 1.5, "-3", "1e400", 2**70])
def test_seed_and_step_size(bad):
    if bad != "5":  # the seed field sends its text: digits are a seed
        with pytest.raises(values.BadValue) as exc:
            values.seed(bad)
        assert "seed" in _one_line(exc)
    with pytest.raises(values.BadValue):
        values.step_weeks(bad)
    assert values.seed("12") == 12 and values.seed(7) == 7
    assert values.step_weeks(26) == 26 and values.step_weeks(3.0) == 3


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/tmp/x.toml", "scenarios/keuzematrix.toml",
                                 "", None, 3, "no_such"])
def test_a_scenario_name_is_a_bundled_one(bad):
    with pytest.raises(values.BadValue) as exc:
        values.scenario_name("base scenario", bad)
    assert "bundled" in _one_line(exc)
    assert values.scenario_name("base scenario", "keuzematrix") == "keuzematrix"


@pytest.mark.parametrize("bad", [*CRAFTED, 1, 201, 2.5])
def test_replications_from_the_page(bad):
    assert values.count_or_none(bad, *values.REPLICATIONS) is None
    with pytest.raises(values.BadValue) as exc:
        values.whole_number("replications", bad, *values.REPLICATIONS)
    assert "replications" in _one_line(exc)
    assert values.count_or_none(30, *values.REPLICATIONS) == 30


@pytest.mark.parametrize("bad", [*CRAFTED, -1, 4, 1.5, 2**70])
def test_a_button_row_index_is_one_of_its_buttons(bad):
    views = ["a", "b", "c", "d"]
    with pytest.raises(values.BadValue) as exc:
        values.choice_index("view", bad, views)
    assert "one of a, b, c, d" in _one_line(exc)
    assert values.choice_index("view", 3, views) == 3
    assert values.choice_index("view", 0.0, views) == 0
