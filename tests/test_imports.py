"""The model core's modules import each other in one direction only (no cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import cio_sim

PACKAGE = Path(cio_sim.__file__).parent
#: The model core: what a model run needs (no CLI, plots, batch or app code).
CORE = ("types", "registry", "catalogue", "params", "scenario", "proposals", "arrivals",
        "regimes", "flow", "forums", "agents", "judgement", "compliance", "metrics", "model",
        "draws",
        "heap")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["cio_sim", *parts])


def _imports(path: Path) -> set[str]:
    """cio_sim modules a file imports, anywhere in it (`if TYPE_CHECKING:` included: an
    import for annotations is a dependency too)."""
    tree = ast.parse(path.read_text())
    this = _module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level \
                else node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("cio_sim")}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def core_graph() -> nx.DiGraph:
    """Core module → core modules it imports (subpackages count as one module)."""
    graph = nx.DiGraph()
    for path in PACKAGE.rglob("*.py"):
        src = _top(_module_name(path))
        if src not in CORE:
            continue
        graph.add_node(src)
        for target in _imports(path):
            dst = _top(target)
            if dst in CORE and dst != src:
                graph.add_edge(src, dst)
    return graph


def test_the_model_core_has_no_import_cycle() -> None:
    graph = core_graph()
    assert set(graph) == set(CORE)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles among core modules: {cycles}"


def test_the_core_imports_no_cli_plots_batch_or_app_code() -> None:
    for path in PACKAGE.rglob("*.py"):
        if _top(_module_name(path)) in CORE:
            outside = {_top(m) for m in _imports(path)} - set(CORE) - {""}
            assert not outside, f"{path.name} imports {outside}"


def test_only_the_model_imports_the_model_and_regimes_know_no_forums() -> None:
    graph = core_graph()
    for part in CORE:
        if part != "model":
            assert "model" not in nx.descendants(graph, part), part
    assert "forums" not in nx.descendants(graph, "regimes")
