"""Scenarios: TOML files over the parameter schema, with `extends`, dotted overrides and
validation that names the file, the key and what is allowed."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .params import SCHEMA, Param, defaults, iter_params

META_KEYS = ("name", "description", "extends")


class ScenarioError(ValueError):
    """A scenario or parameter is invalid. Its message is one line: where, which key, what."""

    def __init__(self, source: str, key: str | None, message: str):
        self.source, self.key, self.detail = source, key, message
        where = source if key is None else f"{source}: {key}"
        super().__init__(f"{where}: {message}")


def bundled_dir() -> Path:
    """The folder with the bundled scenarios (installed copy first, then the source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return here / "scenarios"


def bundled_names() -> list[str]:
    """Names of the bundled scenarios."""
    return sorted(p.stem for p in bundled_dir().glob("*.toml"))


def _resolve_path(ref: str | Path, relative_to: Path | None = None) -> Path:
    text = str(ref)
    if not text.endswith(".toml") and "/" not in text and "\\" not in text:
        path = bundled_dir() / f"{text}.toml"
        if path.exists():
            return path
        if relative_to is not None and (relative_to / f"{text}.toml").exists():
            return relative_to / f"{text}.toml"
        close = difflib.get_close_matches(text, bundled_names(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ScenarioError(text, None, f"no bundled scenario of that name (bundled: "
                            f"{', '.join(bundled_names())}){hint}")
    path = Path(text)
    if not path.is_absolute() and relative_to is not None and not path.exists():
        path = relative_to / path
    if not path.exists():
        raise ScenarioError(text, None, "file not found")
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), None, f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, f"cannot be read ({exc.strerror})") from None


def _check_value(source: str, key: str, spec: Param, value: Any) -> Any:
    """Return the value coerced to the parameter's type, or raise a one-line ScenarioError."""
    kind = spec.kind
    if kind is bool:
        if not isinstance(value, bool):
            raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}")
        return value
    if spec.choices is not None:
        if value not in spec.choices:
            close = difflib.get_close_matches(str(value), [str(c) for c in spec.choices], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}{hint}")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}")
        if kind is int:
            if float(value) != int(value):
                raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}")
            value = int(value)
        else:
            value = float(value)
        if (spec.low is not None and value < spec.low) or (
                spec.high is not None and value > spec.high):
            raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}")
        return value
    if not isinstance(value, kind):
        raise ScenarioError(source, key, f"got {value!r}; allowed: {spec.allowed()}")
    return value


def _merge(source: str, target: dict[str, Any], schema: Mapping[str, Any],
           overrides: Mapping[str, Any], prefix: str = "") -> None:
    """Validate `overrides` against `schema` and write them into `target` in place."""
    for key, value in overrides.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            allowed = ", ".join(schema) if len(schema) <= 14 else f"{len(schema)} keys"
            raise ScenarioError(source, dotted, f"unknown key{hint}; allowed here: {allowed}")
        spec = schema[key]
        if isinstance(spec, Param):
            target[key] = _check_value(source, dotted, spec, value)
        elif not isinstance(value, Mapping):
            raise ScenarioError(source, dotted, "expected a table of keys: "
                                + ", ".join(spec)[:200])
        else:
            _merge(source, target[key], spec, value, dotted + ".")


def _cross_check(source: str, values: dict[str, Any]) -> None:
    pos = values["positions"]
    if pos["autonomy_low"] > pos["autonomy_high"]:
        raise ScenarioError(source, "positions.autonomy_low",
                            "must not exceed positions.autonomy_high")
    for code, dept in values["departments"].items():
        if dept["fulltime"] and dept["time_share"] < 0.5:
            raise ScenarioError(source, f"departments.{code}.time_share",
                                "a fulltime CIO needs a time_share of at least 0.5")


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse 'dotted.key=value' (value in TOML syntax; bare words are strings)."""
    if "=" not in text:
        raise ScenarioError("--set", text, "expected KEY=VALUE, e.g. regime.decision_rule="
                            "doorzettingsmacht")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def nest(assignments: Mapping[str, Any]) -> dict[str, Any]:
    """Turn {'a.b': 1} into {'a': {'b': 1}}."""
    out: dict[str, Any] = {}
    for dotted, value in assignments.items():
        node = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


@dataclass
class Scenario:
    """A resolved, validated parameter set. Build one with :func:`load_scenario`."""

    name: str
    values: dict[str, Any]
    description: str = ""
    source: str = "<defaults>"
    chain: tuple[str, ...] = ()
    provenance_overrides: dict[str, str] = field(default_factory=dict)

    def with_overrides(self, overrides: Mapping[str, Any] | Iterable[str],
                       source: str = "--set") -> Scenario:
        """A copy with dotted-key overrides ({'a.b': v} or ['a.b=v', ...]) applied."""
        if not isinstance(overrides, Mapping):
            overrides = dict(parse_assignment(t) for t in overrides)
        values = copy.deepcopy(self.values)
        _merge(source, values, SCHEMA, nest(overrides))
        _cross_check(source, values)
        prov = dict(self.provenance_overrides)
        prov.update({k: f"scenario override ({source})" for k in overrides})
        return Scenario(self.name, values, self.description, self.source, self.chain, prov)

    def get(self, dotted: str) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            node = node[part]
        return node

    def digest(self) -> str:
        """Stable hash of the resolved values (for manifests and resume checks)."""
        blob = json.dumps(self.values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def parameter_table(self):
        """DataFrame of every resolved parameter with default, unit, range and provenance."""
        import pandas as pd

        rows = []
        for key, spec in iter_params():
            value = self.get(key)
            rows.append({
                "key": key, "value": value, "default": spec.default, "unit": spec.unit,
                "allowed": spec.allowed(), "provenance": spec.provenance,
                "set_by": self.provenance_overrides.get(key, "default"), "doc": spec.doc,
            })
        return pd.DataFrame(rows)


def _load_chain(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], list[str], str]:
    if path in seen:
        cycle = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(str(path), "extends", f"cycle in extends ({cycle})")
    data = _read_toml(path)
    values = defaults()
    chain: list[str] = []
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(str(path), "extends", "must be a scenario name or a path")
        try:
            parent_path = _resolve_path(parent, path.parent)
        except ScenarioError as exc:
            raise ScenarioError(str(path), "extends", exc.detail) from None
        values, chain, _ = _load_chain(parent_path, (*seen, path))
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(str(path), key, "must be a string")
    body = {k: v for k, v in data.items() if k not in META_KEYS}
    _merge(str(path), values, SCHEMA, body)
    _cross_check(str(path), values)
    return values, [*chain, str(path)], data.get("description", "")


def load_scenario(ref: str | Path | Scenario = "consensus_2021",
                  overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Scenario:
    """Load a bundled scenario by name, or a .toml file by path, and validate it.

    ``overrides`` are dotted keys (``{"regime.decision_rule": "doorzettingsmacht"}`` or
    ``["departments.FIN.time_share=0.5"]``) applied on top.
    """
    if isinstance(ref, Scenario):
        scenario = ref
    else:
        path = _resolve_path(ref)
        values, chain, description = _load_chain(path, ())
        data_name = _read_toml(path).get("name")
        overridden = {}
        for p in chain:
            flat = flatten({k: v for k, v in _read_toml(Path(p)).items()
                             if k not in META_KEYS})
            overridden.update({k: f"scenario {Path(p).name}" for k in flat})
        scenario = Scenario(data_name or path.stem, values, description, str(path),
                            tuple(chain), overridden)
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return scenario


def from_dict(name: str, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A scenario from the defaults plus nested or dotted overrides (no file involved)."""
    values = defaults()
    scenario = Scenario(name, values)
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
