"""Each chart draws from the adapter's data and says which direction is better."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from cio_sim.app import adapter, figures
from cio_sim.app.session import Exploration, Settings


@pytest.fixture(scope="module")
def pair():
    return Exploration(Settings(compare="keuzematrix")).advance_to(80)


def _titles(fig: Figure) -> str:
    texts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center")]
    texts.append(fig._suptitle.get_text() if fig._suptitle else "")
    return " ".join(texts)


def test_every_chart_says_which_direction_is_better(pair):
    a = pair.runs[0]
    y, h = adapter.start_year(a.model), pair.horizon
    runs = [(r.label, adapter.series(r.model)) for r in pair.runs]
    figs = [
        figures.forum_diagram(adapter.queues(a.model), a.label, week=pair.week),
        figures.flow(runs, y, h),
        figures.compliance(runs, y, h),
        figures.agenda([(r.label, adapter.agenda(r.model)) for r in pair.runs], y),
        figures.attendance([(r.label, adapter.attendance(r.model)) for r in pair.runs]),
        figures.paired_difference(runs[0][1], runs[1][1], y, h),
    ]
    for fig in figs:
        assert "better" in _titles(fig)


def test_forum_diagram_shows_every_queue(pair):
    run = pair.runs[0]
    queues = adapter.queues(run.model)
    fig = figures.forum_diagram(queues, run.label)
    shown = " ".join(t.get_text() for t in fig.axes[0].texts)
    for name in queues:
        if name != adapter.CIO_BERAAD_WAITING and not name.startswith("ICBR"):
            assert figures.SIDE_TITLES.get(name, name) in shown
    assert f"{queues[adapter.CIO_BERAAD_WAITING]} waiting" in shown
