"""'Save scenario': a run's current values as a scenario file that the CLI validates and runs.

The file ``extends`` the base scenario and sets only the values that differ from it (the
page's changes, and for run B its regime parts), so it stays short and says what was
changed; ``cio-sim run FILE --seed S`` reproduces the page's run at seed ``S`` (the page runs
replication 1 of that seed).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..scenario import Scenario, flatten, load_scenario

#: A file name the page may write (no folders, no dots): letters, digits, '_' and '-'.
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r}: not a finite number")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)             # a TOML basic string (JSON's escapes are TOML's)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__}: no TOML form here")


def changed_values(scenario: Scenario, base: Scenario) -> dict[str, Any]:
    """Dotted keys whose value in `scenario` differs from `base`, in schema order."""
    mine, theirs = flatten(scenario.values), flatten(base.values)
    return {k: v for k, v in mine.items() if theirs.get(k) != v}


def scenario_toml(scenario: Scenario, base_name: str, name: str, description: str) -> str:
    """The TOML text of a scenario that extends `base_name` with `scenario`'s differences."""
    changed = changed_values(scenario, load_scenario(base_name))
    lines = [f"name = {_toml_value(name)}", f"description = {_toml_value(description)}",
             f"extends = {_toml_value(base_name)}"]
    top = {k: v for k, v in changed.items() if "." not in k}
    lines += [f"{k} = {_toml_value(v)}" for k, v in top.items()]
    tables: dict[str, list[str]] = {}
    for key, value in changed.items():
        if "." in key:
            table, rest = key.split(".", 1)
            tables.setdefault(table, []).append(f"{rest} = {_toml_value(value)}")
    for table, rows in tables.items():
        lines += ["", f"[{table}]", *rows]
    return "\n".join(lines) + "\n"


def save(scenario: Scenario, base_name: str, name: str, description: str,
         folder: str | Path) -> Path:
    """Write ``<folder>/<name>.toml`` whole or not at all; an existing file is kept (a
    ValueError says so), and so is a name that is not a plain file name."""
    if not FILE_NAME.fullmatch(name):
        raise ValueError(f"{name!r}: a file name is letters, digits, '_' and '-' "
                         "(up to 80, no folders)")
    target = Path(folder) / f"{name}.toml"
    if target.exists():
        raise ValueError(f"{target}: exists already; choose another name")
    text = scenario_toml(scenario, base_name, name, description)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)                 # mkstemp's 0600 would hide it from others
        os.link(tmp, target)                 # fails, not overwrites, if the name was taken
    finally:
        os.unlink(tmp)
    return target
