"""Modules import each other in one direction only (no cycle), counting the modules named in
`importlib.import_module("...")` calls too; the model core imports no code around it."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import cio_sim

PACKAGE = Path(cio_sim.__file__).parent
#: The model core: what a model run needs (no CLI, plots, batch or app code).
CORE = ("types", "registry", "catalogue", "schema", "params", "institutions", "scenario",
        "scenario_files", "proposals",
        "arrivals", "regimes", "flow", "forums", "agents", "judgement", "compliance", "metrics",
        "model", "draws", "heap", "files",  # files: the bounded reader, stdlib only
        "lazy_mesa")  # Mesa's Agent and Model without the rest of Mesa


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["cio_sim", *parts])


def _relative(base: str, level: int, name: str) -> str:
    for _ in range(max(level - 1, 0)):
        base = base.rpartition(".")[0]
    return f"{base}.{name}" if name else base


def _imported(source: str, this: str, is_package: bool) -> set[str]:
    """cio_sim modules (and module.name) the source of module `this` imports, anywhere in it
    (`if TYPE_CHECKING:` included: an import for annotations is a dependency too), and the
    modules it names as a string literal to `importlib.import_module` (relative names
    resolved against the module's package)."""
    package = this if is_package else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            target = _relative(package, node.level, node.module or "") if node.level \
                else node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[0]
            if called == "import_module" and isinstance(arg, ast.Constant) \
                    and isinstance(arg.value, str):
                name = arg.value
                level = len(name) - len(name.lstrip("."))
                found.add(_relative(package, level, name.lstrip(".")) if level else name)
    return {m for m in found if m.startswith("cio_sim")}


def _imports(path: Path) -> set[str]:
    """cio_sim modules a file imports (see `_imported`)."""
    return _imported(path.read_text(), _module_name(path), path.name == "__init__.py")


def module_graph() -> nx.DiGraph:
    """Module → the modules it imports, over every module of the package. A name imported
    from a module counts as that module unless it is a submodule; a module's own packages are
    left out (Python imports them first, whatever the module says)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}

    def owner(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in map(owner, _imports(path)):
            if target and target != name and not name.startswith(f"{target}."):
                graph.add_edge(name, target)
    return graph


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


def test_import_module_literals_are_edges() -> None:
    """The graph sees modules loaded by name: absolute, and relative to the package."""
    source = ("import importlib\nfrom importlib import import_module\n"
              "def f():\n    importlib.import_module('cio_sim.regimes')\n"
              "    import_module('.store', __name__)\n    importlib.import_module(name)\n")
    assert _imported(source, "cio_sim.batch", True) >= {"cio_sim.regimes", "cio_sim.batch.store"}
    assert _imported(source, "cio_sim.batch.runner", False) >= {"cio_sim.batch.store"}


def test_no_module_is_in_an_import_cycle() -> None:
    graph = module_graph()
    assert "cio_sim.cli.entry" in graph and graph.has_edge("cio_sim.cli.entry", "cio_sim.cli.run")
    cycles = sorted(nx.simple_cycles(graph), key=len)
    assert not cycles, f"import cycles (importlib.import_module edges included): {cycles[:5]}"
