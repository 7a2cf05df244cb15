"""Arrival streams: the roadmap replay and the stochastic streams."""

import numpy as np

import cio_sim
from cio_sim.arrivals import ArrivalGenerator, load_milestones
from cio_sim.params import defaults


def generator(seed=0, **arrivals):
    p = defaults()
    p["arrivals"].update(arrivals)
    return ArrivalGenerator(p, 12, 17, np.random.default_rng(seed))


def test_every_roadmap_milestone_is_replayed_in_its_year() -> None:
    rows = load_milestones()
    assert len(rows) == 57
    gen = generator(departmental_per_year=0.0, incident_per_year=0.0,
                    parliamentary_per_year=0.0, cio_rijk_per_year=0.0)
    specs = [s for week in gen.all(208, 2022).values() for s in week]
    assert sorted(s.traits.label for s in specs) == sorted(r["id"] for r in rows)
    for s in specs:
        row = next(r for r in rows if r["id"] == s.traits.label)
        assert s.week // 52 == int(row["year"]) - 2022
        assert s.traits.complexity == row["complexity"] and s.traits.theme == int(row["theme"])


def test_stochastic_rates_are_respected() -> None:
    gen = generator(seed=1, planned=False, departmental_per_year=20.0, incident_per_year=0.0,
                    parliamentary_per_year=0.0, cio_rijk_per_year=0.0)
    specs = [s for week in gen.all(52 * 20, 2022).values() for s in week]
    assert 0.8 * 400 < len(specs) < 1.2 * 400
    assert {s.traits.origin for s in specs} == {"departmental"}
    assert all(1 <= len(s.traits.affected) <= 12 for s in specs)
    assert all(len(set(s.traits.affected)) == len(s.traits.affected) for s in specs)


def test_the_planned_stream_can_be_switched_off() -> None:
    model = cio_sim.CIOModel("consensus_2021", seed=2, overrides={"arrivals.planned": False})
    assert not (model.run().proposals()["origin"] == "roadmap").any()


def test_runs_sharing_their_arrivals_are_the_runs_alone() -> None:
    """The scenarios of a replication drawn through one SharedArrivals (as a batch worker runs
    them) give the runs they give alone: the same summaries, weekly tables and proposals
    (the keuzematrix's scale-ups included, drawn from the arrival stream after the shared
    part); a scenario with other arrival rates draws its own."""
    from cio_sim.arrivals import SharedArrivals
    from cio_sim.batch.seeds import run_seed

    scenarios = [("consensus_2021", None), ("doorzettingsmacht_2026", None),
                 ("keuzematrix", None),
                 ("consensus_2021", {"arrivals.departmental_per_year": 30.0})]
    scale_ups = 0
    for rep in range(3):
        shared = SharedArrivals()
        for name, overrides in scenarios:
            alone = cio_sim.CIOModel(name, seed=run_seed(1, rep), overrides=overrides).run()
            with_shared = cio_sim.CIOModel(name, seed=run_seed(1, rep), overrides=overrides,
                                           shared_arrivals=shared).run()
            assert repr(with_shared.summary()) == repr(alone.summary())   # NaN == NaN too
            assert with_shared.timeseries().equals(alone.timeseries())
            assert with_shared.proposals().equals(alone.proposals())
            scale_ups += int((alone.proposals()["origin"] == "scale_up").sum())
        assert len(shared) == 2                  # the override's rates drew their own
    assert scale_ups > 0
