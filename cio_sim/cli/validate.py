"""``cio-sim validate``: load and check a scenario or experiment file (sweep, Morris or
exploration), following extends."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .common import CLIError

NAME = "validate"
HELP = "check a scenario or experiment file"
DESCRIPTION = ("Load and validate a scenario (or experiment) file, following extends. Prints "
               "'ok: ...' and exits 0, or one error line and exits 2.")
EPILOG = ("examples:\n  cio-sim validate scenarios/keuzematrix.toml\n"
          "  cio-sim validate experiments/ci_sweep.toml")
LOADS_STACK = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="a .toml file (or a bundled scenario name)")


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..scenario import load_scenario

    path = Path(args.file)
    kind = experiment_kind(path) if path.suffix == ".toml" and path.exists() else None
    if kind == "explore":
        from ..explore import ExploreError
        from ..explore import load_experiment as load_explore

        try:
            exp = load_explore(path)
        except ExploreError as exc:
            raise CLIError(str(exc)) from None
        print(f"ok: {path}: exploration experiment '{exp.name}' over {exp.space.dim} "
              f"assumption(s), regimes {', '.join(exp.regimes)}")
        return 0
    if kind == "morris":
        raise CLIError(f"{path}: parameters: a Morris screening is an exploration with "
                       'stages = ["screening"] and its ranges in [space.ranges] (see '
                       "experiments/sensitivity_morris.toml)")
    if kind == "sweep":
        from ..batch import load_experiment

        exp = load_experiment(path)
        print(f"ok: {path}: experiment '{exp.name}' on {exp.scenario.name}, "
              f"{len(exp.points)} design point(s) x {exp.replications} replications")
        return 0
    scenario = load_scenario(args.file)
    print(f"ok: {scenario.source}: scenario '{scenario.name}' (digest {scenario.digest()})")
    return 0


def experiment_kind(path: Path) -> str | None:
    """'sweep' or 'explore' for experiment files ('morris' for the earlier screening format),
    None for scenarios (or unreadable files)."""
    from ..scenario import ScenarioError, read_toml_file
    try:
        data = read_toml_file(path)     # refuses FIFOs, devices, huge and deep files
    except ScenarioError:
        return None
    if "parameters" in data and ("regimes" in data or "trajectories" in data):
        return "morris"
    if any(k in data for k in ("stages", "screening", "sobol", "filter", "discovery")):
        return "explore"
    if isinstance(data.get("scenario"), str) or "grid" in data or "sample" in data:
        return "sweep"
    return None
