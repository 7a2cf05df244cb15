"""The common base of regime parts and the registration decorator."""

from __future__ import annotations

from abc import ABC
from typing import Any, ClassVar, TypeVar

from ..registry import Registry

P = TypeVar("P", bound="type[RegimePart]")


class RegimePart(ABC):
    """A part of a regime, chosen by name in a scenario. Built once per run with the model
    (parts read their parameters from `model.p`; tests may pass None when a part needs none).
    """

    name: ClassVar[str]
    registry: ClassVar[Registry]

    def __init__(self, model: Any = None):
        self.model = model


def register_part(cls: P) -> P:
    """Class decorator: register a regime part under its `name` in its kind's registry."""
    cls.registry.register(cls)
    return cls
