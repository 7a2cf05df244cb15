"""Controls come from the parameter schema, with units, provenance and usable ranges."""

from __future__ import annotations

import pytest

from cio_sim import bundled_names, load_scenario
from cio_sim.app.controls import GROUPS, all_controls, control


def test_every_control_is_a_schema_parameter_with_provenance():
    for group in all_controls().values():
        for ctl in group:
            assert ctl.source().startswith(("source: ", "assumption: "))
            if ctl.param.unit and ctl.param.unit != "share":
                assert f"[{ctl.param.unit}]" in ctl.label
    with pytest.raises(KeyError):
        control("regime.no_such_part")


@pytest.mark.parametrize("name", bundled_names())
def test_slider_ranges_hold_every_bundled_scenario_value(name):
    scenario = load_scenario(name)
    for keys in GROUPS.values():
        for key in keys:
            ctl = control(key)
            value = scenario.get(key)
            if ctl.widget == "select":
                assert value in ctl.param.choices
            elif ctl.widget in ("int", "float"):
                assert ctl.low <= value <= ctl.high, key
                lo = ctl.param.low if ctl.param.low is not None else float("-inf")
                hi = ctl.param.high if ctl.param.high is not None else float("inf")
                assert lo <= ctl.low and ctl.high <= hi, key


def test_note_says_what_changed_and_who_set_it():
    ctl = control("regime.decision_rule")
    base = load_scenario("doorzettingsmacht_2026")
    assert "doorzettingsmacht_2026.toml" in ctl.note(base, "doorzettingsmacht")
    assert ctl.note(base, "consensus").startswith("changed here")
