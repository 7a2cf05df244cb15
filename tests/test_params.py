"""The parameter schema: every leaf has provenance, a sane default and a valid range."""

import re

import numpy as np
import pytest

from cio_sim import institutions, regimes
from cio_sim.params import (
    RULES,
    SCHEMA,
    InvalidValue,
    Param,
    compact,
    defaults,
    iter_params,
    lookup,
)
from cio_sim.scenario import ScenarioError, load_scenario

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


def test_regime_choices_are_the_registries() -> None:
    for key, registry in regimes.PARTS.items():
        assert lookup(key).choices is registry, key
    assert set(SCHEMA["regime"]["voorportalen"].choices) == set(institutions.VOORPORTAAL_SETS)


def test_department_table_follows_adr_table_1() -> None:
    d = defaults()["departments"]
    assert list(d) == list(institutions.DEPARTMENTS)
    fulltime = {c for c, v in d.items() if v["fulltime"]}
    assert fulltime == {"BZ", "BZK", "DEF", "SZW"}                      # ADR:L632-646
    combined = {c for c, v in d.items() if v["combined_psg"]}
    assert combined == {"AZ", "EZK", "FIN", "IenW", "JenV", "LNV"}      # ADR:L476
    br = {c for c, v in d.items() if v["bestuursraad"]}
    assert br == {"AZ", "DEF", "EZK", "FIN", "IenW", "JenV", "LNV"}
    assert d["FIN"]["time_share"] == pytest.approx(0.2)                 # ADR:L2525
    assert d["AZ"]["time_share"] == pytest.approx(0.5)                  # ADR:L1577


def test_lookup_finds_leaves_and_rejects_tables() -> None:
    assert lookup("cio_beraad.slots") is SCHEMA["cio_beraad"]["slots"]
    assert lookup("cio_beraad") is None
    assert lookup("no.such.key") is None


NUMERIC = [(k, p) for k, p in iter_params()
           if p.choices is None and not isinstance(p.default, bool)]
NON_FINITE = (float("nan"), float("inf"), float("-inf"))


@pytest.fixture(scope="module")
def base():
    return load_scenario("consensus_2021")


@pytest.mark.parametrize(("key", "spec"), list(iter_params()))
def test_nan_and_infinities_are_refused_for_every_parameter(key: str, spec: Param,
                                                            base) -> None:
    for value in NON_FINITE:
        with pytest.raises(InvalidValue):
            spec.coerce(value)
        with pytest.raises(ScenarioError) as err:              # the Python API
            base.with_overrides({key: value})
        assert err.value.key == key
    for text in ("nan", "inf", "-inf", "+nan"):                 # --set, parsed as TOML
        with pytest.raises(ScenarioError) as err:
            base.with_overrides([f"{key}={text}"])
        assert "\n" not in str(err.value) and err.value.key == key
    with pytest.raises(ScenarioError):
        load_scenario("consensus_2021", {key: float("nan")})


@pytest.mark.parametrize(("key", "spec"), NUMERIC)
def test_numbers_at_the_bounds_pass_and_beyond_them_fail(key: str, spec: Param) -> None:
    for bound in (spec.low, spec.high):
        if bound is not None:
            assert spec.coerce(bound) == bound
            assert type(spec.coerce(bound)) is type(spec.default)
    if spec.high is not None:
        with pytest.raises(InvalidValue):
            spec.coerce(spec.high + 1)
    if spec.low is not None:
        with pytest.raises(InvalidValue):
            spec.coerce(spec.low - 1)
    with pytest.raises(InvalidValue):
        spec.coerce(10 ** 400)          # too large for a float: no OverflowError
    with pytest.raises(InvalidValue):
        spec.coerce(True)


def test_integer_parameters_take_whole_floats_only() -> None:
    spec = SCHEMA["cio_beraad"]["slots"]
    assert spec.coerce(4.0) == 4 and type(spec.coerce(4.0)) is int
    assert spec.coerce(np.int64(5)) == 5 and type(spec.coerce(np.int64(5))) is int
    for bad in (4.5, 1e308, "4", None, [4], np.bool_(True)):
        with pytest.raises(InvalidValue):
            spec.coerce(bad)
    assert "1e+308" in str(InvalidValue(SCHEMA["horizon_weeks"], 1e308))


def test_messages_show_large_numbers_and_long_text_compactly() -> None:
    assert compact(1e308) == "1e+308"
    assert compact(10 ** 308) == "about 1e+308"
    assert compact(-(10 ** 5000)) == "-about 1e+5000"
    assert compact(0.15) == "0.15" and compact(12) == "12"
    assert len(compact("x" * 10_000)) <= 60
    assert "\n" not in compact("two\nlines")


@pytest.mark.parametrize("rule", RULES, ids=[r.requirement for r in RULES])
def test_every_rule_holds_for_the_defaults_and_catches_a_violation(rule) -> None:
    assert rule.kind in ("ordered", "share_sum", "at_least_if")
    assert not list(rule.violations(defaults()))
    bad = violate(rule)
    with pytest.raises(ScenarioError) as err:
        load_scenario("consensus_2021", bad)
    assert err.value.key in bad and "\n" not in str(err.value)
    with pytest.raises(ScenarioError):
        load_scenario("consensus_2021").with_overrides(bad)


def violate(rule) -> dict[str, object]:
    """Dotted overrides that break `rule` (each value within its own range)."""
    keys = [k.replace(".*.", ".FIN.") for k in rule.keys]
    if rule.kind == "ordered":
        return {keys[0]: 1.0, keys[1]: 0.0}
    if rule.kind == "share_sum":
        return dict.fromkeys(keys, 0.9)
    return {keys[0]: 0.0, keys[1]: True}


def test_rule_keys_are_parameters() -> None:
    for rule in RULES:
        for key in rule.keys:
            assert lookup(key.replace(".*.", ".FIN.")) is not None, key
