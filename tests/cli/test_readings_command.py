"""``cio-sim readings``: every reading listed with variants, default, source and quote, wrapped
and never cut; JSON; one-line errors for unknown names."""

from __future__ import annotations

import json

from cio_sim.cli import main
from cio_sim.cli.common import WIDTH
from cio_sim.readings import READINGS


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lists_every_reading_with_its_variants_default_source_and_words(capsys):
    code, out, err = _cli(capsys, "readings")
    assert code == 0 and err == ""
    assert all(len(line) <= WIDTH for line in out.splitlines())
    flat = " ".join(out.split())                 # wrapped, so compare without line breaks
    for reading in READINGS:
        assert f"{reading.name}: {' '.join(reading.title.split())}" in flat
        assert f"source {reading.source}:" in flat
        assert " ".join(reading.quote.split()) in flat      # the whole quote, not cut
        assert " ".join(reading.reason.split()) in flat
        for variant in reading.variants:
            mark = " (default)" if variant == reading.default else ""
            assert f"- {variant}{mark}:" in flat
    assert "regime.override_scope=\"adr_themes\"" in flat
    assert "matters in: regime.decision_rule = 'doorzettingsmacht'" in flat


def test_named_readings_only_and_json(capsys):
    code, out, _ = _cli(capsys, "readings", "agenda_order")
    assert code == 0 and "agenda_order:" in out and "override_scope" not in out
    code, out, _ = _cli(capsys, "readings", "--json")
    data = json.loads(out)
    assert [d["name"] for d in data] == [r.name for r in READINGS]
    scope = next(d for d in data if d["name"] == "override_scope")
    assert scope["variants"]["adr_themes"] == {"regime.override_scope": "adr_themes"}
    assert scope["default"] == "all" and scope["source"] == "ADR:L3507"


def test_an_unknown_reading_is_one_line_naming_the_known_ones(capsys):
    code, out, err = _cli(capsys, "readings", "overide_scope")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert "no reading 'overide_scope'" in lines[0] and "did you mean 'override_scope'" in lines[0]
    assert all(r.name in lines[0] for r in READINGS)
