"""The registry of readings: every entry fits the schema, lookups and selections, the variant
sets of one-at-a-time and combined runs, and (where the sources are at hand) every quote is the
source's own words at the cited line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cio_sim import readings
from cio_sim.params import lookup as lookup_param
from cio_sim.readings import READINGS, Reading, ReadingError

#: The sources (Dutch text files named by a number and a hash): not part of the repository,
#: so the quote check runs where CIO_SIM_SOURCES names their folder.
SOURCES = Path(os.environ["CIO_SIM_SOURCES"]) if os.environ.get("CIO_SIM_SOURCES") else None
SOURCE_FILES = {"N26": "000_", "B21": "001_", "BLOG": "002_", "ADR": "003_", "RK": "004_"}


def test_the_registry_fits_the_schema() -> None:
    assert readings.check() == []


def test_every_default_variant_is_what_the_presets_use() -> None:
    for reading in READINGS:
        for key, value in reading.variants[reading.default].items():
            assert lookup_param(key).default == value, (reading.name, key)


def test_the_readings_that_exist_as_parameters_are_registered() -> None:
    scope = readings.lookup("override_scope")
    assert scope.source == "ADR:L3507"
    assert dict(scope.variants) == {"all": {"regime.override_scope": "all"},
                                    "adr_themes": {"regime.override_scope": "adr_themes"}}
    assert readings.lookup("escalation_advice").source == "ADR:L579"


def _bad(**changes) -> Reading:
    fields = dict(name="bad", title="t", variants={"a": {"regime.override_scope": "all"},
                                                   "b": {"regime.override_scope": "adr_themes"}},
                  default="a", source="ADR:L1", quote="q", reason="r")
    fields.update(changes)
    return Reading(**fields)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"variants": {"a": {"regime.override_scope": "all"}, "b": {"regime.no_such": 1}}},
     "regime.no_such is not a parameter"),
    ({"variants": {"a": {"regime.override_scope": "all"},
                   "b": {"regime.override_scope": "everything"}}}, "allowed: one of"),
    ({"default": "b"}, "the schema default is 'all'"),
    ({"default": "c"}, "default 'c' is not a variant"),
    ({"variants": {"a": {"regime.override_scope": "all"}}}, "at least two variants"),
    ({"variants": {"a": {"regime.override_scope": "all"},
                   "b": {"regime.override_rounds": 3}}}, "sets no value for"),
    ({"variants": {"a": {"regime.override_scope": "all"},
                   "b": {"regime.override_scope": "all"}}}, "are the same"),
    ({"source": "the ADR"}, "is not a source line"),
    ({"quote": " "}, "quote is empty"),
    ({"name": "Bad Name"}, "lower case"),
    ({"variants": {"a": {"regime.override_rounds": 2},
                   "b": {"regime.override_rounds": 0}}}, "allowed: an integer in [1, 20]"),
])
def test_a_bad_entry_is_named_with_what_is_wrong(changes, expected) -> None:
    problems = _bad(**changes).problems()
    assert any(expected in p for p in problems), problems


def test_two_readings_setting_one_key_are_refused() -> None:
    scope = readings.lookup("override_scope")
    problems = readings.check([scope, _bad()])
    assert any("both set regime.override_scope" in p for p in problems)
    assert readings.check([scope, scope])


def test_select_all_names_and_lists() -> None:
    assert [r.name for r in readings.select("all")] == readings.names()
    assert [r.name for r in readings.select("agenda_order,override_scope")] == [
        "agenda_order", "override_scope"]
    assert [r.name for r in readings.select(["override_scope", "override_scope,all"])] == [
        "override_scope", *[n for n in readings.names() if n != "override_scope"]]
    with pytest.raises(ReadingError, match="did you mean 'override_scope'"):
        readings.select("overide_scope")
    with pytest.raises(ReadingError, match="empty"):
        readings.select(",")


def test_one_at_a_time_and_combined_variant_sets() -> None:
    chosen = readings.select("override_scope,agenda_order")
    one = readings.assignments(chosen)
    assert one == [(), (("override_scope", "adr_themes"),), (("agenda_order", "fifo"),)]
    combined = readings.assignments(chosen, combine=True)
    assert len(combined) == 4 and combined[0] == ()
    assert (("override_scope", "adr_themes"), ("agenda_order", "fifo")) in combined
    assert readings.overrides(combined[-1]) == {"regime.override_scope": "adr_themes",
                                               "cio_beraad.prioritisation": "fifo"}
    assert readings.tag(()) == "defaults"
    assert readings.tag(combined[-1]) == "override_scope=adr_themes, agenda_order=fifo"


def test_an_unknown_variant_names_the_allowed_ones() -> None:
    with pytest.raises(ReadingError, match="allowed: all, adr_themes"):
        readings.lookup("override_scope").variant("some")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[*_\"'’‘“”]", "", text).split()).lower()


@pytest.mark.skipif(SOURCES is None or not SOURCES.is_dir(), reason="the sources are not at hand "
                    "(set CIO_SIM_SOURCES to their folder)")
@pytest.mark.parametrize("reading", READINGS, ids=lambda r: r.name)
def test_each_quote_is_the_sources_own_words_at_the_cited_line(reading: Reading) -> None:
    doc, line = re.match(r"^(\w+):L(\d+)", reading.source).groups()
    path = next(SOURCES.glob(f"{SOURCE_FILES[doc]}*"))
    lines = path.read_text(encoding="utf-8").splitlines()
    start = int(line) - 1
    near = _words(" ".join(lines[start:start + 5]))
    for part in reading.quote.split("[...]"):
        assert _words(part) in near, (reading.name, part)


def test_a_reading_says_where_it_does_not_apply() -> None:
    scope = readings.lookup("override_scope")
    assert scope.applies({"regime": {"decision_rule": "doorzettingsmacht"}}) is None
    why = scope.applies({"regime": {"decision_rule": "consensus"}})
    assert why is not None and "regime.decision_rule = 'consensus'" in why
    assert readings.lookup("agenda_order").applies({}) is None
    bad = _bad(applies_when={"regime.decision_rule": ("no_such_rule",)})
    assert any("applies_when regime.decision_rule" in p for p in bad.problems())
