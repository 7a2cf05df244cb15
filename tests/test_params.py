"""The parameter schema: every leaf has provenance, a sane default and a valid range."""

import re

import pytest

from cio_sim import params, regimes
from cio_sim.params import SCHEMA, Param, defaults, iter_params, lookup

SOURCE = re.compile(r"^(ADR|B21|RK|N26|BLOG):L\d+|^RK \(|^N26:L\d+")


@pytest.mark.parametrize(("key", "spec"), list(iter_params()))
def test_every_parameter_states_its_provenance(key: str, spec: Param) -> None:
    prov = spec.provenance
    assert (prov.startswith("assumption: ") and len(prov) > len("assumption: ") + 8) \
        or SOURCE.match(prov), f"{key}: provenance {prov!r} is neither a source nor an assumption"
    assert spec.doc, f"{key} has no description"


@pytest.mark.parametrize(("key", "spec"), list(iter_params()))
def test_every_default_lies_in_its_allowed_range(key: str, spec: Param) -> None:
    value = spec.default
    if spec.choices is not None:
        assert value in spec.choices
    elif isinstance(value, int | float) and not isinstance(value, bool):
        assert spec.low is None or value >= spec.low, key
        assert spec.high is None or value <= spec.high, key


def test_regime_choices_match_the_registries() -> None:
    for part, registry in regimes.PARTS.items():
        assert set(SCHEMA["regime"][part].choices) == set(registry), part
    assert set(SCHEMA["regime"]["voorportalen"].choices) == set(params.VOORPORTAAL_SETS)


def test_department_table_follows_adr_table_1() -> None:
    d = defaults()["departments"]
    assert list(d) == list(params.DEPARTMENTS)
    fulltime = {c for c, v in d.items() if v["fulltime"]}
    assert fulltime == {"BZ", "BZK", "DEF", "SZW"}                      # ADR:L632-646
    combined = {c for c, v in d.items() if v["combined_psg"]}
    assert combined == {"AZ", "EZK", "FIN", "IenW", "JenV", "LNV"}      # ADR:L476
    br = {c for c, v in d.items() if v["bestuursraad"]}
    assert br == {"AZ", "DEF", "EZK", "FIN", "IenW", "JenV", "LNV"}
    assert d["FIN"]["time_share"] == pytest.approx(0.2)                 # ADR:L2525
    assert d["AZ"]["time_share"] == pytest.approx(0.5)                  # ADR:L1577


def test_every_domain_has_a_route_in_every_voorportaal_set() -> None:
    for name, routes in params.DOMAIN_ROUTES.items():
        assert set(routes) == set(params.DOMAINS)
        used = {vp for route in routes.values() for vp in route}
        assert used <= set(params.VOORPORTAAL_SETS[name])


def test_lookup_finds_leaves_and_rejects_tables() -> None:
    assert lookup("cio_beraad.slots") is SCHEMA["cio_beraad"]["slots"]
    assert lookup("cio_beraad") is None
    assert lookup("no.such.key") is None
