"""Parts from a user's module: a decision rule, a routing or any other registered part
defined outside the package, loaded by name (``mypackage.rules``) or by file
(``my_rules.py``), in this process and in every worker.

``cio-sim --plugin my_rules.py run my_scenario.toml`` loads it before the command reads the
scenario; in Python, :func:`load_plugin`. The batch runner gives every task the plugins
loaded here and the importable modules that registered a part (:func:`active`), and a worker
imports them before its first run (:func:`ensure`), so worker processes started by spawn or
forkserver, and Dask workers, know the parts too. A part defined in a script run as
``__main__`` is seen by forked workers only: put it in a module (or pass the script with
``--plugin``) for the other start methods.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .registry import REGISTRIES

_LOADED: dict[str, ModuleType] = {}  # spec (module name or absolute file path) -> module


class PluginError(ValueError):
    """A plugin module cannot be loaded (one line naming it and why)."""


def _spec(spec: str) -> str:
    """A file's spec is its absolute path (workers may start elsewhere); a name stays."""
    return str(Path(spec).resolve()) if spec.endswith(".py") else spec


def load_plugin(spec: str) -> ModuleType:
    """Import a plugin module by dotted name or ``.py`` path (once per process)."""
    key = _spec(spec)
    if key in _LOADED:
        return _LOADED[key]
    try:
        if key.endswith(".py"):
            path = Path(key)
            if not path.is_file():
                raise PluginError(f"--plugin {spec}: no such file")
            name = f"cio_sim_plugin_{path.stem}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            assert module_spec is not None and module_spec.loader is not None
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                module_spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
        else:
            module = importlib.import_module(key)
    except PluginError:
        raise
    except Exception as exc:
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise PluginError(f"--plugin {spec}: cannot be loaded ({reason})") from None
    _LOADED[key] = module
    return module


def active() -> tuple[str, ...]:
    """What a worker must import to know this process's parts: the plugins loaded here and
    the importable modules outside the package that registered a part."""
    loaded = {m.__name__ for m in _LOADED.values()}
    found = list(_LOADED)
    for registry in REGISTRIES:
        for _, cls in registry.items():
            module = cls.__module__
            if (module.split(".")[0] != "cio_sim" and module != "__main__"
                    and module not in loaded and module in sys.modules
                    and getattr(sys.modules[module], "__spec__", None) is not None):
                loaded.add(module)
                found.append(module)
    return tuple(found)


def ensure(specs: tuple[str, ...]) -> None:
    """Import the plugins a task names that this process has not loaded yet."""
    for spec in specs:
        if spec not in _LOADED and spec not in sys.modules:
            load_plugin(spec)


__all__ = ["PluginError", "active", "ensure", "load_plugin"]
