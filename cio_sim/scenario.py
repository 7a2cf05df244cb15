"""Scenarios: TOML files over the parameter schema, with `extends`, dotted overrides and
validation that names the file, the key and what is allowed."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

from .params import SCHEMA, InvalidValue, Param, compact, defaults, iter_params, rule_violations
from .scenario_files import (  # noqa: F401  (re-exported: part of the scenario API)
    MAX_BYTES,
    MAX_DEPTH,
    ScenarioError,
    _clip,
    _nesting_depth,
    _real,
    _resolve_path,
    bundled_dir,
    bundled_names,
    read_provenance,
    read_toml_file,
)

#: Keys of a scenario file that are not parameters; ``provenance`` maps a dotted key the file
#: sets to where its value comes from (shown by ``cio-sim params``).
META_KEYS = ("name", "description", "extends", "provenance")

#: Longest chain of files linked by ``extends``.
MAX_EXTENDS = 32
#: Longest scenario name (a label shown in reports, not a path).
MAX_NAME = 200



class CostWarning(UserWarning):
    """A scenario whose runs are estimated to exceed :data:`RUN_BUDGET_SECONDS` or
    :data:`RUN_BUDGET_MB`; it still runs, the warning gives the estimate."""



def _check_value(source: str, key: str, spec: Param, value: Any) -> Any:
    """Return the value coerced to the parameter's type, or raise a one-line ScenarioError."""
    try:
        return spec.coerce(value)
    except InvalidValue as exc:
        hint = ""
        if spec.choices is not None and isinstance(value, str):
            close = difflib.get_close_matches(value, [str(c) for c in spec.choices], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(source, key, f"{exc}{hint}") from None


def _merge(source: str, target: dict[str, Any], schema: Mapping[str, Any],
           overrides: Mapping[str, Any], prefix: str = "",
           via: Sequence[str] = ()) -> None:
    """Validate `overrides` against `schema` and write them into `target` in place."""
    for key, value in overrides.items():
        if not isinstance(key, str):
            raise ScenarioError(source, f"{prefix}{compact(key)}", "keys must be strings",
                                via)
        dotted = f"{prefix}{key}"
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            allowed = ", ".join(schema) if len(schema) <= 14 else f"{len(schema)} keys"
            raise ScenarioError(source, _clip(dotted),
                                f"unknown key{hint}; allowed here: {allowed}", via)
        spec = schema[key]
        if isinstance(spec, Param):
            try:
                target[key] = _check_value(source, dotted, spec, value)
            except ScenarioError as exc:
                raise ScenarioError(exc.source, exc.key, exc.detail, via) from None
        elif not isinstance(value, Mapping):
            raise ScenarioError(source, dotted, "expected a table of keys: "
                                + ", ".join(spec)[:200], via)
        else:
            _merge(source, target[key], spec, value, dotted + ".", via)


def _cross_check(source: str, values: dict[str, Any],
                 blame: Mapping[str, tuple[int, str, Sequence[str]]] | None = None) -> None:
    """Raise on the first cross-field rule (:data:`cio_sim.params.RULES`) the values break.

    `blame` maps a dotted key to (order, file, via) of the layer that last set it; the error
    names the key set last and the file in which it is written."""
    for keys, message in rule_violations(values):
        blamed = [(blame[k][0], k) for k in keys if blame and k in blame]
        key = max(blamed)[1] if blamed else keys[0]
        where, via = (blame[key][1], blame[key][2]) if blamed and blame else (source, ())
        raise ScenarioError(where, key, message, via)


# ---------------------------------------------------------------------------- cost

#: A run estimated to take longer than this (CPU seconds) gets a :class:`CostWarning`: 40x a
#: default run (0.05 s), so 30 replications take over a minute.
RUN_BUDGET_SECONDS = 2.0
#: A run estimated to need more memory than this (MB) gets a :class:`CostWarning` (two
#: workers on a 24 GB machine keep a wide margin).
RUN_BUDGET_MB = 2000.0
#: Fitted, on the generous side, on runs measured on a 2-core machine
#: (benchmarks/scenario_cost.py): CPU seconds per item, per (item x member) and per
#: (week x member); MB per (item x member) above the interpreter's base.
_SEC_PER_ITEM = 4e-5
_SEC_PER_ITEM_MEMBER = 6e-7
_SEC_PER_WEEK_MEMBER = 1e-5
_MB_PER_ITEM_MEMBER = 1e-4
_BASE_MB = 180.0
#: Advisory members (uitvoeringsorganisaties) and planned roadmap items per run.
_ADVISORY = 5
_PLANNED = 57
def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse 'dotted.key=value' (value in TOML syntax; bare words are strings)."""
    if not isinstance(text, str) or "=" not in text:
        raise ScenarioError("--set", compact(text), "expected KEY=VALUE, e.g. "
                            "regime.decision_rule=doorzettingsmacht")
    key, raw = (part.strip() for part in text.split("=", 1))
    if _nesting_depth(raw) > MAX_DEPTH:
        raise ScenarioError("--set", key, f"value nested more than {MAX_DEPTH} levels deep")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return key, value


def nest(assignments: Mapping[str, Any], source: str = "--set") -> dict[str, Any]:
    """Turn {'a.b': 1} into {'a': {'b': 1}}; a key given both as a value and as a table
    ('a=1' and 'a.b=2') or twice raises a ScenarioError."""
    out: dict[str, Any] = {}
    tables: set[int] = {id(out)}        # the dicts made here (never a caller's value)
    seen: dict[str, str] = {}
    for dotted, value in assignments.items():
        if not isinstance(dotted, str):
            raise ScenarioError(source, compact(dotted), "keys must be dotted strings")
        node = out
        parts = dotted.split(".")
        for depth, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
                tables.add(id(child))
            elif id(child) not in tables:
                raise _conflict(source, dotted, ".".join(parts[:depth + 1]), seen)
            node = child
        if parts[-1] in node:
            raise _conflict(source, dotted, dotted, seen)
        node[parts[-1]] = value
        seen[dotted] = dotted
    return out


def _conflict(source: str, dotted: str, prefix: str, seen: Mapping[str, str]) -> ScenarioError:
    other = next((k for k in seen if k == prefix or k.startswith(prefix + ".")
                  or prefix.startswith(k + ".")), prefix)
    return ScenarioError(source, dotted, f"conflicts with {other}: a key is either a value or "
                         "a table of keys, and is set once")


def folder_name(label: str, fallback: str = "scenario") -> str:
    """A safe folder name for a scenario label: letters, digits, '.', '_' and '-' only, no
    leading dot, at most 100 characters. A name is a label, never a path."""
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[:100].rstrip("._-")
    return slug or fallback


def _check_name(source: str, name: Any, via: Sequence[str] = ()) -> str:
    if not isinstance(name, str):
        raise ScenarioError(source, "name", f"got {compact(name)}; allowed: a string", via)
    if not name.strip() or len(name) > MAX_NAME or any(
            unicodedata.category(c).startswith("C") for c in name):
        raise ScenarioError(source, "name", f"got {compact(name)}; allowed: a label of 1 to "
                            f"{MAX_NAME} printable characters", via)
    return name


def _complete(name: Any, values: Any, description: Any) -> dict[str, Any]:
    """A checked copy of a directly given scenario: a valid name and description, and a
    complete values tree (every key of the schema, each value in its range, every rule)."""
    where = "Scenario(...)"
    _check_name(where, name)
    if not isinstance(description, str):
        raise ScenarioError(where, "description", f"got {compact(description)}; allowed: a "
                            "string")
    if not isinstance(values, Mapping):
        raise ScenarioError(where, "values", f"got {compact(values)}; allowed: the nested "
                            "table of every parameter")
    checked = defaults()
    _merge(where, checked, SCHEMA, values)
    given = flatten(values)
    missing = [k for k in flatten(checked) if k not in given]
    if missing:
        raise ScenarioError(where, missing[0], f"missing ({len(missing)} parameter(s) missing); "
                            "values must hold every parameter: build a scenario with "
                            "load_scenario, from_dict or with_overrides")
    _cross_check(where, checked)
    return checked


@dataclass
class Scenario:
    """A resolved, validated parameter set. Build one with :func:`load_scenario`,
    :func:`from_dict` or :meth:`with_overrides`. Constructed directly, it checks the name and
    the complete ``values`` tree (each value in its range, every cross-field rule) and raises
    a one-line :class:`ScenarioError`; the builders check once and skip this."""

    name: str
    values: dict[str, Any]
    description: str = ""
    source: str = "<defaults>"
    chain: tuple[str, ...] = ()
    provenance_overrides: dict[str, str] = field(default_factory=dict)
    #: Where the scenario's own values come from, per dotted key (a scenario file's
    #: ``[provenance]`` table); keys without a note show the schema default's provenance.
    key_provenance: dict[str, str] = field(default_factory=dict)
    _checked: InitVar[bool] = False

    def __post_init__(self, _checked: bool) -> None:
        if not _checked:
            self.values = _complete(self.name, self.values, self.description)

    def with_overrides(self, overrides: Mapping[str, Any] | Iterable[str],
                       source: str = "--set") -> Scenario:
        """A copy with dotted-key overrides ({'a.b': v} or ['a.b=v', ...]) applied.

        Every value is checked (type, finite, range) and then every cross-field rule."""
        scenario = self._overridden(overrides, source)
        scenario.warn_if_costly(stacklevel=3)
        return scenario

    def _overridden(self, overrides: Mapping[str, Any] | Iterable[str],
                    source: str) -> Scenario:
        if isinstance(overrides, str):
            overrides = [overrides]
        if not isinstance(overrides, Mapping):
            if not isinstance(overrides, Iterable):
                raise ScenarioError(source, None, f"overrides: got {type(overrides).__name__}; "
                                    "allowed: a dict of dotted keys or a list of 'KEY=VALUE'")
            overrides = dict(parse_assignment(t) for t in overrides)
        values = copy.deepcopy(self.values)
        tree = nest(overrides, source)
        _merge(source, values, SCHEMA, tree)
        changed = flatten(tree)
        _cross_check(source, values, {k: (0, source, ()) for k in changed})
        prov = dict(self.provenance_overrides)
        prov.update({k: f"scenario override ({source})" for k in changed})
        notes = {k: v for k, v in self.key_provenance.items() if k not in changed}
        return Scenario(self.name, values, self.description, self.source, self.chain, prov,
                        notes, _checked=True)

    def get(self, dotted: str) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            node = node[part]
        return node

    @property
    def label(self) -> str:
        """The scenario name as shown in tables and reports (never used as a path)."""
        return self.name

    def folder_name(self) -> str:
        """The default results folder name for this scenario: a safe slug of its name."""
        return folder_name(self.name)

    def digest(self) -> str:
        """Stable hash of the resolved values (for manifests and resume checks)."""
        blob = json.dumps(self.values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def cost_estimate(self) -> tuple[float, float]:
        """Estimated (CPU seconds, peak MB) of one run, from the parameters that drive cost:
        horizon, arrival rates and members (twelve + extra departments + advisory). A rough,
        generous fit (see :data:`RUN_BUDGET_SECONDS`)."""
        v = self.values
        years = v["horizon_weeks"] / 52.0
        items = _PLANNED + years * sum(float(r) for k, r in v["arrivals"].items()
                                       if k.endswith("_per_year"))
        members = 12 + v["extra_departments"] + _ADVISORY
        weeks = v["horizon_weeks"]
        seconds = (_SEC_PER_ITEM * items + _SEC_PER_ITEM_MEMBER * items * members
                   + _SEC_PER_WEEK_MEMBER * weeks * members)
        megabytes = _BASE_MB + _MB_PER_ITEM_MEMBER * items * members
        return seconds, megabytes

    def cost_warning(self) -> str | None:
        """One line when a run is estimated to exceed the budget, else None."""
        seconds, megabytes = self.cost_estimate()
        if seconds <= RUN_BUDGET_SECONDS and megabytes <= RUN_BUDGET_MB:
            return None
        return (f"{self.source}: scenario '{_clip(self.name, 40)}' is "
                f"estimated at about {_duration(seconds)} and {megabytes / 1000:.1f} GB per "
                f"run (budget {RUN_BUDGET_SECONDS:g} s, {RUN_BUDGET_MB / 1000:g} GB); cost "
                "grows with horizon_weeks x arrival rates x (12 + extra_departments)")

    def warn_if_costly(self, stacklevel: int = 2) -> None:
        """Issue a :class:`CostWarning` when :meth:`cost_warning` has something to say."""
        message = self.cost_warning()
        if message:
            warnings.warn(message, CostWarning, stacklevel=stacklevel + 1)

    def parameter_table(self):
        """DataFrame of every resolved parameter with default, unit, range and provenance:
        the scenario file's note for a value it sets (``key_provenance``), the schema's for
        a default, and for a value set without a note, that it is not stated (with the
        default's); ``default_provenance`` is always the schema's."""
        import pandas as pd

        rows = []
        for key, spec in iter_params():
            value = self.get(key)
            set_by = self.provenance_overrides.get(key, "default")
            provenance = self.key_provenance.get(key, spec.provenance)
            if set_by != "default" and key not in self.key_provenance:
                provenance = (f"not stated for this value (the default {spec.default!r}: "
                              f"{spec.provenance})")
            rows.append({
                "key": key, "value": value, "default": spec.default, "unit": spec.unit,
                "allowed": spec.allowed(),
                "provenance": provenance, "set_by": set_by,
                "default_provenance": spec.provenance, "doc": spec.doc,
            })
        return pd.DataFrame(rows)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _read_chain(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The file and every file it extends, read once each, the root (first read) last.

    A relative ``extends`` is resolved against the extending file's folder only; cycles are
    detected on fully resolved paths (``..`` and symlinks included)."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current = path
    while True:
        via = [str(p) for p, _ in reversed(chain)]     # the files that extend `current`
        real = _real(current)
        try:
            data = read_toml_file(current)
        except ScenarioError as exc:
            raise ScenarioError(exc.source, exc.key, exc.detail, via) from None
        chain.append((current, data))
        seen.append(real)
        parent = data.get("extends")
        if parent is None:
            return chain
        if not isinstance(parent, str):
            raise ScenarioError(str(current), "extends", f"got {compact(parent)}; allowed: a "
                                "scenario name or a path", via)
        try:
            parent_path = _resolve_path(parent, current.parent)
        except ScenarioError as exc:
            raise ScenarioError(str(current), "extends", f"{_clip(parent)}: {exc.detail}",
                                via) from None
        parent_real = _real(parent_path)
        if parent_real in seen:
            cycle = " -> ".join(p.name for p in [*seen, parent_real])
            raise ScenarioError(str(current), "extends", f"cycle in extends ({_clip(cycle)})",
                                via)
        if len(chain) >= MAX_EXTENDS:
            raise ScenarioError(str(current), "extends", f"more than {MAX_EXTENDS} files in "
                                "one extends chain", via)
        current = parent_path


def load_scenario(ref: str | Path | Scenario = "consensus_2021",
                  overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Scenario:
    """Load a bundled scenario by name, or a .toml file by path, and validate it.

    ``overrides`` are dotted keys (``{"regime.decision_rule": "doorzettingsmacht"}`` or
    ``["departments.FIN.time_share=0.5"]``) applied on top. Every error is a one-line
    :class:`ScenarioError` naming the file where the problem is written; a scenario estimated
    to exceed the run budget gives a :class:`CostWarning`.
    """
    if isinstance(ref, Scenario):
        scenario = ref
    else:
        if not isinstance(ref, str | os.PathLike):
            raise ScenarioError(compact(ref), None, "expected a scenario name or a path")
        scenario = _load_file(_resolve_path(ref))
    if overrides:
        scenario = scenario._overridden(overrides, "--set")
    scenario.warn_if_costly(stacklevel=2)
    return scenario


def _load_file(path: Path) -> Scenario:
    chain = list(reversed(_read_chain(path)))     # root first
    values = defaults()
    blame: dict[str, tuple[int, str, Sequence[str]]] = {}
    overridden: dict[str, str] = {}
    notes: dict[str, str] = {}
    for i, (p, data) in enumerate(chain):
        via = [str(q) for q, _ in reversed(chain[i + 1:])]
        for key in ("name", "description"):
            if key in data and not isinstance(data[key], str):
                raise ScenarioError(str(p), key, f"got {compact(data[key])}; allowed: a "
                                    "string", via)
        if "name" in data:
            _check_name(str(p), data["name"], via)
        body = {k: v for k, v in data.items() if k not in META_KEYS}
        _merge(str(p), values, SCHEMA, body, via=via)
        sets = list(flatten(body))
        given = read_provenance(str(p), data.get("provenance"), sets, via)
        for key in sets:
            blame[key] = (i, str(p), via)
            overridden[key] = f"scenario {p.name}"
            if key in given:
                notes[key] = given[key]
            else:                 # set again without a note: the earlier note no longer holds
                notes.pop(key, None)
    _cross_check(str(path), values, blame)
    top = chain[-1][1]
    return Scenario(top.get("name") or path.stem, values, top.get("description", ""), str(path),
                    tuple(str(p) for p, _ in chain), overridden, notes, _checked=True)


def from_dict(name: str, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A scenario from the defaults plus nested or dotted overrides (no file involved)."""
    _check_name("<from_dict>", name)
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ScenarioError("<from_dict>", "overrides", f"got {type(overrides).__name__}; "
                            "allowed: a dict of nested or dotted keys, or None")
    scenario = Scenario(name, defaults(), _checked=True)
    return scenario.with_overrides(flatten(overrides or {}), source=name) if overrides \
        else scenario


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Turn {'a': {'b': 1}} into {'a.b': 1} (the inverse of :func:`nest`)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
