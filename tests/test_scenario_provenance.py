"""Per-value provenance in scenario files: every value a bundled preset sets says where it
comes from, `cio-sim params` shows that note (not the default's), and a bad ``[provenance]``
table is one line naming the file and the key."""

from __future__ import annotations

import pytest

from cio_sim.cli import main
from cio_sim.scenario import ScenarioError, bundled_dir, bundled_names, load_scenario
from cio_sim.scenario_files import PROVENANCE, read_toml_file


@pytest.mark.parametrize("name", bundled_names())
def test_every_value_a_preset_sets_has_its_provenance(name):
    scenario = load_scenario(name)
    table = scenario.parameter_table().set_index("key")
    set_by_a_file = table.index[table["set_by"].str.startswith("scenario ")]
    assert len(set_by_a_file) > 0
    for key in set_by_a_file:
        note = scenario.key_provenance.get(key)
        assert note and PROVENANCE.match(note), f"{name}: {key} has no source note"
        assert table.loc[key, "provenance"] == note
    # each file notes the values it sets itself (an extended file's notes are its own)
    data = read_toml_file(bundled_dir() / f"{name}.toml")
    assert set(data.get("provenance", {})) <= set(scenario.key_provenance)


def test_params_shows_the_presets_provenance_beside_its_value(capsys):
    assert main(["params", "doorzettingsmacht_2026", "--changed"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("regime.decision_rule"))
    block = " ".join(lines[at:at + 3])
    assert "doorzettingsmacht" in block and "N26:L15" in block
    assert "ADR:L968-970" not in block            # the consensus default's source line
    assert main(["params", "doorzettingsmacht_2026", "--format", "csv"]) == 0
    csv = capsys.readouterr().out.splitlines()
    assert "default_provenance" in csv[0]          # the default's source stays in the data
    row = next(line for line in csv if line.startswith("regime.decision_rule,"))
    assert "N26:L15" in row and "ADR:L968-970" in row


def _write(tmp_path, text: str):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


def test_a_note_is_dropped_where_a_later_file_sets_the_value_again(tmp_path):
    path = _write(tmp_path, 'extends = "doorzettingsmacht_2026"\n[regime]\n'
                            'kader_force = "voluntary"\n')
    scenario = load_scenario(path)
    assert "regime.kader_force" not in scenario.key_provenance
    assert scenario.key_provenance["regime.decision_rule"].startswith("N26:L15")
    row = scenario.parameter_table().set_index("key").loc["regime.kader_force"]
    assert row["provenance"].startswith("not stated for this value")
    over = load_scenario("doorzettingsmacht_2026", ["regime.decision_rule=consensus"])
    assert "regime.decision_rule" not in over.key_provenance


@pytest.mark.parametrize(("text", "needle"), [
    ('[regime]\nrouting = "keuzematrix"\n[provenance]\n"regime.kader_force" = "ADR:L994"\n',
     "s.toml: provenance.regime.kader_force: names a value this file does not set"),
    ('[regime]\nrouting = "keuzematrix"\n[provenance]\n"regime.routing" = "the ADR"\n',
     "s.toml: provenance.regime.routing: got 'the ADR'; allowed: a source line"),
    ('[regime]\nrouting = "keuzematrix"\n[provenance]\n"regime.routing" = 3\n',
     "allowed: a source line like 'ADR:L968' or 'assumption: <reason>'"),
    ('provenance = "ADR:L1"\n', "s.toml: provenance: got 'ADR:L1'; allowed: a table"),
])
def test_a_bad_provenance_table_is_one_line_naming_file_and_key(tmp_path, text, needle):
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, text))
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_dotted_and_nested_provenance_keys_are_the_same(tmp_path):
    path = _write(tmp_path, '[regime]\nrouting = "keuzematrix"\n[provenance.regime]\n'
                            'routing = "ADR:L607-608"\n')
    assert load_scenario(path).key_provenance == {"regime.routing": "ADR:L607-608"}
