"""Registries: the schema's allowed values for regime parts come from them."""

import pytest

from cio_sim import registry
from cio_sim.params import lookup
from cio_sim.regimes import PARTS, Consensus, DecisionRule


def test_every_registry_holds_subclasses_of_its_abstract_base() -> None:
    for reg in registry.REGISTRIES:
        assert len(reg) >= 2, reg
        assert reg.base is not None and getattr(reg.base, "__abstractmethods__", None)
        for name, cls in reg.items():
            assert issubclass(cls, reg.base) and cls.name == name
            assert (cls.__doc__ or "").strip(), f"{name} has no docstring"


def test_extension_methods_say_what_they_return() -> None:
    for reg in registry.REGISTRIES:
        for method in reg.base.__abstractmethods__:
            doc = getattr(reg.base, method).__doc__ or ""
            assert "eturn" in doc, f"{reg.base.__name__}.{method}"


def test_schema_choices_are_live_registries() -> None:
    for key, reg in PARTS.items():
        spec = lookup(key)
        assert spec.choices is reg and spec.default in reg
        assert spec.allowed().startswith("one of ") and repr(spec.default) in spec.allowed()
    assert DecisionRule in Consensus.__mro__


def test_unknown_names_are_missing() -> None:
    assert "nonsense" not in registry.DECISION_RULES
    with pytest.raises(KeyError):
        registry.ROUTINGS["nonsense"]
