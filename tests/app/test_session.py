"""Exploration: one or two runs stepped together, the second with another regime, same seed."""

from __future__ import annotations

import pytest

from cio_sim import CIOModel, load_scenario
from cio_sim.app.session import (
    REGIME_KEYS,
    RUN_B_KEYS,
    Exploration,
    Settings,
    scenario_a,
    scenario_b,
)
from cio_sim.batch.seeds import run_seed
from cio_sim.scenario import ScenarioError


def test_with_value_records_only_real_changes():
    s = Settings().with_value("regime.routing", "keuzematrix")
    assert s.changed == {"regime.routing": "keuzematrix"}
    assert s.with_value("regime.routing", "uniform").changed == {}   # back to the scenario
    assert s.replace(scenario="keuzematrix").changed == {}            # new base: no changes
    assert s.replace(seed=5).changed == s.changed


def test_run_a_is_the_plain_model_with_the_changes():
    settings = Settings(seed=3).with_value("horizon_weeks", 60)
    ex = Exploration(settings).advance_to(60)
    direct = CIOModel(load_scenario("consensus_2021", {"horizon_weeks": 60}),
                      seed=run_seed(3, 0)).run()
    assert ex.runs[0].model.summary() == pytest.approx(direct.summary(), nan_ok=True)
    assert not ex.running and ex.week == 60


def test_run_b_swaps_only_the_regime():
    settings = Settings(compare="keuzematrix").with_value("arrivals.incident_per_year", 20.0)
    a, b = scenario_a(settings), scenario_b(settings)
    other = load_scenario("keuzematrix")
    assert all(b.get(k) == other.get(k) for k in REGIME_KEYS)
    assert b.get("arrivals.incident_per_year") == 20.0 == a.get("arrivals.incident_per_year")
    assert scenario_b(Settings()) is None


def test_run_b_takes_the_keuzematrix_settings_of_the_compared_scenario(tmp_path):
    """A preset that sets the keuzematrix's own settings is compared with them, not with
    run A's (the defaults)."""
    path = tmp_path / "confirming.toml"
    path.write_text('name = "confirming"\nextends = "keuzematrix"\n'
                    '[keuzematrix]\nq3_outcome = "confirm"\nq4_lead = "beraad"\n')
    b = scenario_b(Settings(compare=str(path)))
    assert b.get("keuzematrix.q3_outcome") == "confirm"
    assert b.get("keuzematrix.q4_lead") == "beraad"
    assert b.get("regime.routing") == "keuzematrix"
    assert set(RUN_B_KEYS) > set(REGIME_KEYS)


def test_side_by_side_runs_see_the_same_arrivals():
    ex = Exploration(Settings(compare="doorzettingsmacht_2026").with_value("horizon_weeks", 52))
    ex.advance_to(52)
    cols = ["id", "origin", "domain", "submitted_step", "impact"]
    a, b = (r.model.proposals()[cols] for r in ex.runs)
    assert ex.paired and len(a) > 10
    assert a.equals(b)
    assert ex.runs[0].regime["regime.decision_rule"] == "consensus"
    assert ex.runs[1].regime["regime.decision_rule"] == "doorzettingsmacht"


def test_step_advances_every_run_one_week():
    ex = Exploration(Settings(compare="keuzematrix"))
    ex.step()
    ex.step()
    assert ex.week == 2 and [r.model.steps for r in ex.runs] == [2, 2]
    assert ex.running


@pytest.mark.parametrize("key, value", [
    ("regime.routing", "keuzematrix"),            # scales up experiments in run A only
    ("regime.decision_rule", "doorzettingsmacht"),
    ("cio_beraad.slots", 3),
    ("positions.noise_sd", 0.3),
])
def test_a_control_change_keeps_the_arrivals_of_a_and_b_equal(key, value):
    """After a change re-runs both sides to the week shown, they still share every arrival
    (week, origin, domain, traits); only a run's own scale-ups may differ."""
    from cio_sim.app import adapter

    settings = Settings(compare="doorzettingsmacht_2026").with_value(key, value)
    ex = Exploration(settings).advance_to(244)
    cols = ["origin", "domain", "quadrant", "submitted_step", "impact", "strategic"]
    outside = [r.model.proposals() for r in ex.runs]
    outside = [df[~df["origin"].isin(adapter.ENDOGENOUS_ORIGINS)][cols].reset_index(drop=True)
               for df in outside]
    assert len(outside[0]) > 200 and outside[0].equals(outside[1])
    row = adapter.headline_table([r.model for r in ex.runs]).iloc[0]
    assert row["metric"].startswith("Proposals arrived so far")
    assert row["A"] == row["B"] and row["B − A"] == "0"


def test_replications_pair_a_and_b_and_the_first_is_the_pages_pair():
    from cio_sim.app import adapter
    from cio_sim.app.session import replicate

    settings = Settings(seed=5, compare="doorzettingsmacht_2026").with_value("horizon_weeks", 52)
    table = replicate(settings, 3)
    rows = table.set_index("metric")
    assert rows.loc["decisions_per_year", "n"] == 3
    ex = Exploration(settings).advance_to(52)
    a, b = (r.model.summary()["decisions_per_year"] for r in ex.runs)
    lo, hi = rows.loc["decisions_per_year", ["ci_low", "ci_high"]]
    assert lo <= rows.loc["decisions_per_year", "mean_diff"] <= hi
    shown = adapter.paired_replications(table)
    assert list(shown.columns) == ["metric", "B − A (mean)", "95% interval", "pairs",
                                   "verdict"]
    assert "Decisions [per year]" in set(shown["metric"])
    with pytest.raises(ValueError, match="side by side"):
        replicate(Settings(), 2)
    # replication 1 of the batch is the page's pair: the same runs at run_seed(seed, 0)
    first = CIOModel(scenario_b(settings), seed=run_seed(5, 0)).run().summary()
    assert first["decisions_per_year"] == b and a == CIOModel(
        scenario_a(settings), seed=run_seed(5, 0)).run().summary()["decisions_per_year"]


def _regime_changes():
    """Every other value of every regime part run A can be switched to on the page."""
    from cio_sim.params import SCHEMA

    base = load_scenario("consensus_2021")
    for key in REGIME_KEYS:
        param = SCHEMA["regime"][key.split(".", 1)[1]]
        now = base.get(key)
        values = list(param.choices) if getattr(param, "choices", None) else (
            [not now] if isinstance(now, bool) else [])
        yield from ((key, v) for v in values if v != now)


def test_arrivals_stay_common_after_any_regime_change_of_run_a():
    """Whatever regime part run A switches to, A and B see the same arrivals (their own
    experiments scaled up aside): the difference stays a paired one."""
    cols = ["origin", "domain", "submitted_step", "impact", "affected", "label"]
    changes = list(_regime_changes())
    assert ("regime.advisory_members", False) in changes and len(changes) > 10
    for key, value in changes:
        s = Settings(seed=2, compare="doorzettingsmacht_2026").with_value(key, value)
        ex = Exploration(s.with_value("horizon_weeks", 40)).advance_to(40)
        a, b = (r.model.proposals() for r in ex.runs)
        a, b = ((df[df["origin"] != "scale_up"][cols].reset_index(drop=True)) for df in (a, b))
        assert len(a) > 10 and a.equals(b), (key, value)


def test_a_value_the_model_refuses_is_named_as_the_pages():
    settings = Settings().with_value("cio_beraad.interval_weeks", 0)
    with pytest.raises(ScenarioError) as refused:
        scenario_a(settings)
    assert str(refused.value).startswith("the page's controls: ") and "--set" not in str(
        refused.value)
