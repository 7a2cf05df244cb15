"""Attacks on what cio-sim writes: it writes only its own files, in folders that are new,
empty or its own, and never through a link it did not make. Every attack fingerprints the
folder before and after: nothing of the user's may change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .helpers import cli, fingerprint, refused

RUN = ("run", "consensus_2021", "-n", "2", "--set", "horizon_weeks=8", "--no-report")


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    """A user's folder with cio-sim-like names: report.md, figures/, csv/."""
    folder = tmp_path / "mine"
    (folder / "figures").mkdir(parents=True)
    (folder / "csv").mkdir()
    (folder / "report.md").write_text("my report\n")
    (folder / "figures" / "backlog.png").write_bytes(b"\x89PNG mine")
    (folder / "csv" / "runs.csv").write_text("a,b\n1,2\n")
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A small batch of cio-sim's own (copied by the attacks that need one)."""
    from cio_sim.cli import main

    out = tmp_path_factory.mktemp("own") / "b"
    assert main([*RUN, "--out", str(out)]) == 0
    return out


def test_a_linked_lock_file_is_refused_and_its_target_untouched(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".writer.lock").symlink_to(victim)
    before = fingerprint(tmp_path)
    code, _, err = cli(capsys, *RUN, "--out", out)
    refused(code, err, ".writer.lock", "symbolic link")
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("name", ["report.md", "figures", "manifest.json", "results.sqlite"])
def test_a_link_among_its_names_is_refused(batch, tmp_path, capsys, name):
    import shutil

    out = tmp_path / "b"
    shutil.copytree(batch, out)
    victim = tmp_path / "victim"
    victim.mkdir() if name == "figures" else victim.write_text("precious\n")
    target = out / name
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(victim)
    before = fingerprint(tmp_path)
    for args in ([*RUN, "--out", out, "--force"], ["report", out], ["repair", out]):
        code, _, err = cli(capsys, *args)
        refused(code, err, "symbolic link")
    assert fingerprint(tmp_path) == before


def test_a_users_folder_is_refused_by_every_writer(user_folder, capsys, monkeypatch):
    before = fingerprint(user_folder)
    for args in ([*RUN, "--out", user_folder], [*RUN, "--out", user_folder, "--force"],
                 [*RUN, "--out", user_folder, "--resume"], ["repair", user_folder],
                 ["report", user_folder]):
        code, _, err = cli(capsys, *args)
        assert code == 2 and len(err) == 1, (args, err)
    monkeypatch.chdir(user_folder)
    code, _, err = cli(capsys, *RUN, "--out", ".", "--force")
    refused(code, err, "did not write")
    assert fingerprint(user_folder) == before


def test_export_and_report_refuse_a_users_folder(batch, user_folder, capsys):
    before = fingerprint(user_folder)
    code, _, err = cli(capsys, "export", batch, "--csv", "--to", user_folder / "csv")
    refused(code, err, "did not write")
    code, _, err = cli(capsys, "export", batch, "--csv", "--to", user_folder)
    refused(code, err, "did not write")
    code, _, err = cli(capsys, "report", batch, "--out", user_folder)
    refused(code, err, "did not write")
    assert fingerprint(user_folder) == before


def test_a_foreign_manifest_is_refused_by_every_command(tmp_path, capsys):
    folder = tmp_path / "pwa"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"name": "My PWA"}))
    (folder / "index.html").write_text("<html></html>")
    before = fingerprint(tmp_path)
    for args in ([*RUN, "--out", folder, "--force"], [*RUN, "--out", folder, "--resume"],
                 ["repair", folder], ["report", folder], ["export", folder, "--csv"]):
        code, _, err = cli(capsys, *args)
        refused(code, err, "manifest.json")
    assert fingerprint(tmp_path) == before


def test_force_removes_only_its_own_files(batch, tmp_path, capsys):
    import shutil

    out = tmp_path / "b"
    shutil.copytree(batch, out)
    code, _, err = cli(capsys, *RUN, "--out", out, "--force")
    assert code == 0, err
    assert (out / "manifest.json").exists() and (out / "results.sqlite").exists()
    (out / "notes.txt").write_text("mine\n")  # a user's file beside the results
    (out / "data").mkdir()
    (out / "data" / "x.csv").write_text("1\n")
    code, _, err = cli(capsys, *RUN, "--out", out, "--force")
    assert code == 0, err
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "data" / "x.csv").read_text() == "1\n"


def test_explore_refuses_a_users_folder_and_a_climbing_name(tmp_path, capsys, monkeypatch):
    pytest.importorskip("SALib")
    root = Path(__file__).resolve().parents[2]
    folder = tmp_path / "thesis"
    (folder / "src").mkdir(parents=True)
    (folder / "thesis.tex").write_text("\\documentclass{article}\n")
    (folder / "src" / "a.py").write_text("x = 1\n")
    (folder / "explore.sqlite").write_bytes(b"copied")
    experiment = root / "experiments" / "explore_ci.toml"
    climbing = tmp_path / "up.toml"
    text = experiment.read_text()
    climbing.write_text('name = ".."\n' + "\n".join(
        line for line in text.splitlines() if not line.startswith("name")))
    before = fingerprint(tmp_path)
    for extra in ([], ["--force"], ["--resume"]):
        code, _, err = cli(capsys, "explore", experiment, "--out", folder, *extra)
        refused(code, err, "did not write")
    monkeypatch.chdir(folder)
    code, _, err = cli(capsys, "explore", experiment, "--out", ".", "--force")
    refused(code, err, "did not write")
    code, _, err = cli(capsys, "explore", climbing)
    refused(code, err, "name")
    assert fingerprint(tmp_path) == before
    assert sorted(os.listdir(folder)) == ["explore.sqlite", "src", "thesis.tex"]
