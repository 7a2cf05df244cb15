"""Scenario loading: bundled names, files, extends, overrides and one-line errors."""

import copy
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cio_sim
from cio_sim.cli import main
from cio_sim.params import RULES, SCHEMA, Param, iter_params
from cio_sim.scenario import (
    RUN_BUDGET_SECONDS,
    CostWarning,
    Scenario,
    ScenarioError,
    folder_name,
    from_dict,
    load_scenario,
    nest,
    parse_assignment,
)


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
    # the source gives the default, not this value: the table says so
    assert table.loc["departments.FIN.time_share", "default_provenance"] == "ADR:L2525"
    assert table.loc["departments.FIN.time_share", "provenance"] == \
        "not stated for this value (the default 0.2: ADR:L2525)"


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


# ---------------------------------------------------------------------------- reading files

def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[regime]\nrouting = \"keuzematrix\"\n")
    assert load_scenario(path).get("regime.routing") == "keuzematrix"


def test_extends_is_relative_to_the_extending_file_not_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "base.toml", "horizon_weeks = 30\n")
    child = write(tmp_path / "sub", "child.toml", 'extends = "base.toml"\n')
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    write(decoy, "base.toml", "horizon_weeks = 99\n")      # same name in the working dir
    for cwd in (tmp_path, decoy, tmp_path / "sub"):
        monkeypatch.chdir(cwd)
        assert load_scenario(child).get("horizon_weeks") == 30


def test_an_error_in_an_extends_target_names_it_and_the_file_that_extends_it(
        tmp_path: Path) -> None:
    write(tmp_path, "base.toml", "[cio_beraad]\nslots = 0\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert err.value.source == str(tmp_path / "base.toml")
    assert str(err.value).endswith(f"(extended by {child})")


def test_a_rule_broken_across_extends_names_the_file_that_set_the_last_value(
        tmp_path: Path) -> None:
    write(tmp_path, "base.toml", "[positions]\npriority_high = 0.4\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[positions]\n'
                  "priority_low = 0.6\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert err.value.source == str(child) and err.value.key == "positions.priority_low"
    # values valid only together: a base that a child repairs is fine
    write(tmp_path, "base2.toml", "[positions]\npriority_low = 0.9\npriority_high = 0.95\n")
    ok = write(tmp_path, "ok.toml", 'extends = "base2.toml"\n[positions]\npriority_low = 0.1\n')
    assert load_scenario(ok).get("positions.priority_low") == 0.1


def test_a_cycle_written_with_dotdot_is_found(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    path = write(tmp_path / "d", "s.toml", 'extends = "../d/./s.toml"\n')
    with pytest.raises(ScenarioError, match="cycle in extends"):
        load_scenario(path)


# ---------------------------------------------------------------------------- overrides

@pytest.mark.parametrize("overrides", [
    ["horizon_weeks=5", "horizon_weeks.x=1"],
    ["horizon_weeks.x=1", "horizon_weeks=5"],
    {"regime.routing": "uniform", "regime": {"routing": "uniform"}},
    {"departments.FIN": {"time_share": 0.5}, "departments.FIN.fulltime": False},
])
def test_conflicting_dotted_keys_raise_scenario_error(overrides) -> None:
    with pytest.raises(ScenarioError, match="conflicts with"):
        load_scenario("consensus_2021", overrides)


def test_overrides_of_sibling_keys_combine() -> None:
    sc = load_scenario("consensus_2021", {"departments.FIN.time_share": 0.6,
                                          "departments.FIN.fulltime": True})
    assert sc.get("departments.FIN.fulltime") is True


@pytest.mark.parametrize("overrides", [{1: 2}, {"regime": {3: "x"}}, [5], "horizon_weeks"])
def test_odd_python_overrides_raise_scenario_error(overrides) -> None:
    with pytest.raises(ScenarioError):
        load_scenario("consensus_2021", overrides)


# ---------------------------------------------------------------------------- names

@pytest.mark.parametrize(("name", "folder"), [
    ("consensus_2021", "consensus_2021"), ("../../x", "x"), ("/etc/passwd", "etc_passwd"),
    ("..", "scenario"), ("", "scenario"), ("a b/c", "a_b_c"), ("Café", "Cafe"),
    ("x" * 300, "x" * 100),
])
def test_folder_names_are_safe_slugs(name: str, folder: str) -> None:
    assert folder_name(name) == folder


def test_a_name_that_looks_like_a_path_writes_under_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    path = write(work, "s.toml", 'name = "../../escaped"\nhorizon_weeks = 4\n')
    monkeypatch.chdir(work)
    assert main(["run", str(path), "-n", "1", "-q", "--no-report"]) == 0
    capsys.readouterr()
    assert (work / "results" / "escaped" / "manifest.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert sorted(p.name for p in work.iterdir()) == ["results", "s.toml"]


# ---------------------------------------------------------------------------- cost

def test_a_costly_scenario_warns_with_its_estimate(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CostWarning)
        load_scenario("consensus_2021")                       # within the budget
    heavy = {"horizon_weeks": 1040, "extra_departments": 200,
             **{f"arrivals.{k}_per_year": 200.0 for k in
                ("departmental", "incident", "parliamentary", "cio_rijk")}}
    with pytest.warns(CostWarning, match=r"estimated at about \d+ s and [\d.]+ GB per run"):
        sc = load_scenario("consensus_2021", heavy)
    seconds, megabytes = sc.cost_estimate()
    assert seconds > RUN_BUDGET_SECONDS and megabytes < 4000
    args = ["validate", "consensus_2021"]
    sets = [part for k, v in heavy.items() for part in ("--set", f"{k}={v}")]
    assert main(["params", "consensus_2021", *sets]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("cio-sim: warning: ") and "per run" in err[0]
    assert main(args) == 0 and capsys.readouterr().err == ""


# ---------------------------------------------------------------------------- whole space

def _value(spec: Param) -> st.SearchStrategy:
    if spec.choices is not None:
        return st.sampled_from(tuple(spec.choices))   # a registry is not a sequence
    if isinstance(spec.default, bool):
        return st.booleans()
    if isinstance(spec.default, int):
        return st.integers(int(spec.low), int(spec.high))
    return st.floats(spec.low, spec.high, allow_nan=False)


PARAMS = [(k, p) for k, p in iter_params() if k not in ("horizon_weeks",)]


def _repair(values: dict) -> dict:
    """Make the cross-field rules hold (used for most examples, so most reach the model)."""
    for rule in RULES:
        for keys in rule.instances(nest(values)):
            got = [values[k] for k in keys]
            if rule.test(*got):
                continue
            if rule.kind == "ordered":
                values[keys[0]], values[keys[1]] = sorted(got)
            elif rule.kind == "share_sum":
                for k in keys:
                    values[k] = values[k] / sum(got)
            else:
                values[keys[0]] = max(values[keys[0]], 0.5)
    return values


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(values=st.fixed_dictionaries({k: _value(p) for k, p in PARAMS}),
       horizon=st.integers(1, SCHEMA["horizon_weeks"].high), repair=st.booleans(),
       seed=st.integers(0, 2 ** 32 - 1))
@example(values={k: (p.high if p.high is not None and p.choices is None
                     and not isinstance(p.default, bool) else p.default) for k, p in PARAMS},
         horizon=SCHEMA["horizon_weeks"].high, repair=True, seed=0)
@example(values={k: (p.low if p.low is not None and p.choices is None
                     and not isinstance(p.default, bool) else p.default) for k, p in PARAMS},
         horizon=1, repair=True, seed=0)
def test_any_point_of_the_declared_space_runs_or_raises_scenario_error(
        values: dict, horizon: int, repair: bool, seed: int) -> None:
    """Load, build the model and run a few weeks: no exception but ScenarioError."""
    values = {**values, "horizon_weeks": horizon}
    if repair:
        values = _repair(values)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CostWarning)
            sc = load_scenario("consensus_2021", values)
    except ScenarioError:
        assert not repair
        return
    model = cio_sim.CIOModel(sc, seed=seed)
    for _ in range(min(horizon, 8)):
        model.step()
    summary = model.summary()
    assert isinstance(summary, dict)


def _values_with(dotted: str, value) -> dict:
    values = copy.deepcopy(load_scenario("consensus_2021").values)
    *path, last = dotted.split(".")
    node = values
    for part in path:
        node = node[part]
    node[last] = value
    return values


@pytest.mark.parametrize(("name", "values", "needle"), [
    ("x", _values_with("cio_beraad.slots", -3), "cio_beraad.slots: got -3"),
    ("x", _values_with("positions.autonomy_low", 0.95), "must not exceed"),
    ("x", {"horizon_weeks": 52}, "parameter(s) missing); values must hold every parameter"),
    ("x", _values_with("cio_beraad.no_such_key", 1), "unknown key"),
    ("", _values_with("horizon_weeks", 52), "name: got ''"),
    ("x", 5, "values: got 5"),
])
def test_direct_construction_validates(name, values, needle) -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario(name, values)
    assert needle in str(info.value) and str(info.value).startswith("Scenario(...): ")
    assert "\n" not in str(info.value)


def test_direct_construction_keeps_a_complete_valid_tree() -> None:
    base = load_scenario("consensus_2021")
    direct = Scenario("direct", _values_with("cio_beraad.slots", 7))
    assert direct.values == base.with_overrides({"cio_beraad.slots": 7}).values
    assert direct.values is not base.values


def test_builders_check_once_and_skip_the_full_check(monkeypatch) -> None:
    """with_overrides, load_scenario and from_dict validate what they change, not the whole
    tree again (they stay as fast as before)."""
    import cio_sim.scenario as scenario_module

    def refuse(*_):
        raise AssertionError("full check called")

    monkeypatch.setattr(scenario_module, "_complete", refuse)
    load_scenario("consensus_2021").with_overrides({"cio_beraad.slots": 7})
    from_dict("x", {"cio_beraad": {"slots": 7}})
    with pytest.raises(AssertionError):
        Scenario("x", load_scenario("consensus_2021").values)
