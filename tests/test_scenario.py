"""Scenario loading: bundled names, files, extends, overrides and one-line errors."""

from pathlib import Path

import pytest

import cio_sim
from cio_sim.scenario import ScenarioError, load_scenario, parse_assignment


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_bundled_scenario_loads_and_validates() -> None:
    names = cio_sim.bundled_names()
    for required in ("consensus_2021", "doorzettingsmacht_2026", "keuzematrix",
                     "roadmap_replay_2022_2025"):
        assert required in names
    for name in names:
        assert load_scenario(name).name == name


def test_extends_inherits_and_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", 'extends = "doorzettingsmacht_2026"\n'
                 '[regime]\noverride_rounds = 3\n')
    sc = load_scenario(path)
    assert sc.get("regime.decision_rule") == "doorzettingsmacht"
    assert sc.get("regime.override_rounds") == 3
    assert sc.get("regime.routing") == "uniform"


def test_dotted_overrides_from_strings_and_mappings() -> None:
    sc = load_scenario("consensus_2021", ["departments.FIN.time_share=0.5",
                                          "regime.decision_rule=doorzettingsmacht"])
    assert sc.get("departments.FIN.time_share") == 0.5
    assert sc.get("regime.decision_rule") == "doorzettingsmacht"
    table = sc.parameter_table().set_index("key")
    assert table.loc["departments.FIN.time_share", "set_by"].startswith("scenario override")
    assert table.loc["departments.FIN.time_share", "provenance"] == "ADR:L2525"


def test_digest_changes_with_values_only() -> None:
    a = load_scenario("consensus_2021")
    assert a.digest() == load_scenario("consensus_2021").digest()
    assert a.digest() != a.with_overrides({"cio_beraad.slots": 7}).digest()


@pytest.mark.parametrize(("overrides", "key", "needle"), [
    ({"departments.XYZ.time_share": 0.5}, "departments.XYZ", "allowed here: AZ, BZ"),
    ({"departments.FIN.time_share": 1.5}, "departments.FIN.time_share", "in [0, 1]"),
    ({"regime.decision_rule": "majority"}, "regime.decision_rule", "'consensus'"),
    ({"regime.decison_rule": "consensus"}, "regime.decison_rule", "did you mean"),
    ({"cio_beraad.slots": 2.5}, "cio_beraad.slots", "an integer"),
    ({"regime.advisers": "yes"}, "regime.advisers", "true or false"),
    ({"departments.BZ.time_share": 0.2}, "departments.BZ.time_share", "fulltime"),
])
def test_bad_values_raise_one_clear_line(overrides, key, needle) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario("consensus_2021", overrides)
    message = str(err.value)
    assert "\n" not in message
    assert err.value.key == key
    assert needle in message


@pytest.mark.parametrize(("text", "needle"), [
    ("[regime\n", "not valid TOML"),
    ('[regime]\nrouting = "keuzematrx"\n', "did you mean 'keuzematrix'"),
    ("[cio_beraad]\nslots = -1\n", "in [1, 100]"),
    ('extends = "nope"\n', "no bundled scenario"),
    ("regime = 3\n", "expected a table"),
])
def test_bad_files_name_the_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and needle in str(err.value)
    assert "\n" not in str(err.value)


def test_cycles_in_extends_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle in extends"):
        load_scenario(tmp_path / "a.toml")


def test_missing_file_and_unknown_name() -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario("no/such/file.toml")
    with pytest.raises(ScenarioError, match="did you mean 'keuzematrix'"):
        load_scenario("keuzematrx")


def test_unknown_regime_name_at_model_construction() -> None:
    with pytest.raises(ScenarioError, match=r"regime\.routing"):
        cio_sim.CIOModel("consensus_2021", overrides={"regime.routing": "random"})


@pytest.mark.parametrize(("text", "expected"), [
    ("a.b=1", ("a.b", 1)), ("a=0.5", ("a", 0.5)), ("a=true", ("a", True)),
    ("a = keuzematrix", ("a", "keuzematrix")), ('a="x y"', ("a", "x y")),
])
def test_parse_assignment(text, expected) -> None:
    assert parse_assignment(text) == expected


def test_parse_assignment_needs_an_equals_sign() -> None:
    with pytest.raises(ScenarioError, match="KEY=VALUE"):
        parse_assignment("regime.routing")
