"""docs/parameters.md is generated from the schema and must be up to date."""

from pathlib import Path

from cio_sim import paramdoc
from cio_sim.params import iter_params

DOC = Path(__file__).resolve().parents[1] / "docs" / "parameters.md"


def test_committed_parameter_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == paramdoc.render(), (
        "docs/parameters.md is stale: run `python -m cio_sim.paramdoc > docs/parameters.md`")


def test_every_parameter_appears_once_with_its_provenance() -> None:
    text = paramdoc.render()
    for key, spec in iter_params():
        lines = [ln for ln in text.splitlines() if ln.startswith(f"| `{key}` |")]
        assert len(lines) == 1, key
        assert spec.provenance.replace("|", "\\|") in lines[0], key


def test_kinds_of_provenance() -> None:
    assert paramdoc.kind_of(next(p for _, p in iter_params()
                                 if p.provenance == "ADR:L3349")) == "source"
    kinds = {paramdoc.kind_of(p) for _, p in iter_params()}
    assert kinds == {"source", "assumption"}


def test_a_source_provenance_never_hides_an_assumption() -> None:
    """Either `assumption: reason[; mechanism SOURCE]` or a source line that gives the value."""
    mixed = [key for key, p in iter_params()
             if not p.provenance.startswith("assumption:") and "assumption" in p.provenance]
    assert mixed == []


def test_prose_counts_are_generated_and_up_to_date() -> None:
    """README.md and docs/exploration.md cite schema counts through markers that
    `python -m cio_sim.prose_counts` fills; a count that went stale fails here."""
    from cio_sim import prose_counts

    root = DOC.parents[1]
    values = prose_counts.counts()
    for name in prose_counts.PROSE_FILES:
        text = (root / name).read_text(encoding="utf-8")
        assert "<!-- count:" in text, name
        assert text == prose_counts.with_counts(text, values), (
            f"{name}: counts are stale: run `python -m cio_sim.prose_counts`")
    assert prose_counts.with_counts("<!-- count:parameters -->1<!-- /count -->", values) == \
        f"<!-- count:parameters -->{values['parameters']}<!-- /count -->"
