"""A hypothesis test that builds a model (directly or through a helper of its module) turns
the deadline off: a model takes longer than hypothesis's 200 ms default on loaded machines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
BUILDS = ("CIOModel(", "run_preset(", "load_scenario(", "run_batch(", "compare(")


def _name(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _cases() -> list[tuple[str, str, bool]]:
    cases = []
    for path in sorted(TESTS.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        if "@given" not in text:
            continue
        tree = ast.parse(text)
        funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        builders = {n for n, f in funcs.items()
                    if any(b in ast.get_source_segment(text, f) for b in BUILDS)}
        for func in funcs.values():
            decorators = [d for d in func.decorator_list if isinstance(d, ast.Call)]
            if not any(_name(d) == "given" for d in decorators):
                continue
            body = ast.get_source_segment(text, func) or ""
            calls = {_name(c) for c in ast.walk(func) if isinstance(c, ast.Call)}
            builds = any(b in body for b in BUILDS) or bool(calls & (builders - {func.name}))
            off = any(_name(d) == "settings" and any(
                k.arg == "deadline" and isinstance(k.value, ast.Constant)
                and k.value.value is None for k in d.keywords) for d in decorators)
            cases.append((f"{path.relative_to(TESTS)}::{func.name}", builds, off))
    return cases


@pytest.mark.parametrize(("test", "builds", "off"), _cases(), ids=lambda x: str(x))
def test_a_property_test_that_builds_models_has_no_deadline(test: str, builds: bool,
                                                            off: bool) -> None:
    assert off or not builds, f"{test}: add @settings(deadline=None)"
