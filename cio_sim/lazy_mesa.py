"""Import Mesa's core (``mesa.Agent``, ``mesa.Model``) without the rest of Mesa.

``import mesa`` runs Mesa's package ``__init__``, which imports every part of Mesa: its
spaces (networkx, and ``scipy.spatial`` through ``mesa.experimental``), the batch runner
(tqdm, asyncio) and the data collector. The model uses only ``Agent`` and ``Model``; the rest
was about 0.5 s of CPU of every command that runs a model (benchmarks/README.md).

:func:`install` (run when this module is imported; the model's modules take Mesa as
``from .lazy_mesa import mesa``) puts Mesa's package in ``sys.modules`` as it is before its
``__init__`` has run: the same module object an import makes, with its ``__path__``, so
``import mesa.agent`` works as usual. ``mesa.Agent`` and ``mesa.Model`` then load only their
own submodules; the first other name asked of ``mesa`` (``mesa.batch_run``,
``mesa.__version__``, ...) runs the package's ``__init__`` in that module, as a plain
``import mesa`` would have, so code that uses the rest of Mesa sees no difference. Nothing is
done when Mesa is already imported or not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

#: The names the model takes from Mesa, and the submodule that defines each.
CORE = {"Agent": "mesa.agent", "Model": "mesa.model"}

_lock = threading.RLock()


class _MesaPackage(types.ModuleType):
    """Mesa's package module before its ``__init__`` ran: the core names from their
    submodules, any other name after running the ``__init__`` (once)."""

    def __getattr__(self, name: str) -> Any:
        if name in CORE:
            value = getattr(importlib.import_module(CORE[name]), name)
            setattr(self, name, value)
            return value
        with _lock:
            if type(self) is _MesaPackage:
                self.__class__ = types.ModuleType
                self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def install() -> None:
    """Register Mesa's package without running its ``__init__`` (see the module's doc)."""
    with _lock:
        if "mesa" in sys.modules:
            return
        spec = importlib.util.find_spec("mesa")
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _MesaPackage
        sys.modules["mesa"] = module


def loaded_whole() -> bool:
    """Whether Mesa's package ``__init__`` has run in this process."""
    module = sys.modules.get("mesa")
    return module is not None and type(module) is not _MesaPackage


install()
import mesa  # noqa: E402 (after install: the package without its __init__, or Mesa as loaded)

__all__ = ["CORE", "install", "loaded_whole", "mesa"]
