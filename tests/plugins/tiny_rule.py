"""A plugin module for the tests: one decision rule registered on import (tests/test_plugins.py
loads it by file and by name, in this process and in spawned workers)."""

from cio_sim.regimes import DecisionRule, register_part
from cio_sim.types import Action, Verdict


@register_part
class AdoptUnanimous(DecisionRule):
    """Adopt only without any objection or reserve; else stall."""

    name = "plugin_adopt_unanimous"

    def decide(self, proposal, tally):
        if tally.object == 0 and tally.support > 0:
            return Verdict(Action.ADOPT)
        return Verdict(Action.STALL)
