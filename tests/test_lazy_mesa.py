"""cio_sim.lazy_mesa: a model needs Mesa's Agent and Model only, and the rest of Mesa is
still there for code that asks for it (each check in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

#: Mesa's parts (and what they pull in) that a model run does not need.
NOT_NEEDED = ("mesa.batchrunner", "mesa.space", "mesa.experimental", "mesa.datacollection",
              "networkx", "scipy.spatial", "tqdm")


def _fresh(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_run_loads_only_mesas_core_and_the_rest_comes_on_first_use() -> None:
    got = _fresh(f"""
import json, sys
import cio_sim
from cio_sim import CIOModel, load_scenario
summary = CIOModel(load_scenario("consensus_2021", {{"horizon_weeks": 30}}), seed=2).run().summary()
loaded = [m for m in {NOT_NEEDED!r} if m in sys.modules]
import mesa
whole_before = cio_sim.lazy_mesa.loaded_whole()
names = [mesa.__version__, mesa.batch_run.__name__, mesa.DataCollector.__name__,
         mesa.space.__name__, mesa.Agent is sys.modules["mesa.agent"].Agent]
print(json.dumps({{"loaded": loaded, "whole_before": whole_before, "names": names,
                  "whole_after": cio_sim.lazy_mesa.loaded_whole(),
                  "decisions": summary["decisions_per_year"]}}))
""")
    assert got["loaded"] == []
    assert got["whole_before"] is False
    assert got["names"] == [version("mesa"), "batch_run", "DataCollector", "mesa.space", True]
    assert got["whole_after"] is True
    assert got["decisions"] > 0


def test_mesa_imported_first_is_left_as_it_is_and_runs_give_the_same_summary() -> None:
    code = """
import json, sys
{first}
from cio_sim import CIOModel, load_scenario
summary = CIOModel(load_scenario("consensus_2021", {{"horizon_weeks": 60}}), seed=4).run().summary()
print(json.dumps({{"type": type(sys.modules["mesa"]).__name__,
                  "summary": json.dumps(summary, sort_keys=True)}}))
"""
    whole = _fresh(code.format(first="import mesa"))
    lazy = _fresh(code.format(first=""))
    assert whole["type"] == "module"
    assert lazy["type"] == "_MesaPackage"
    assert whole["summary"] == lazy["summary"]
