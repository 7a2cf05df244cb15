"""Attacks on what cio-sim reads: FIFOs, devices, oversized, non-UTF-8 and deeply nested
files give one line naming the file (never a hang, a memory error or a traceback); limits
are checked at planning."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .helpers import cli, fingerprint, refused

RUN = ("run", "consensus_2021", "-n", "2", "--set", "horizon_weeks=8", "--no-report")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    from cio_sim.cli import main

    out = tmp_path_factory.mktemp("own") / "b"
    assert main([*RUN, "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", ["manifest.json", "results.sqlite"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_special_store_files_give_one_line(batch, tmp_path, capsys, name, kind):
    out = tmp_path / "b"
    shutil.copytree(batch, out)
    (out / name).unlink()
    if kind == "fifo":
        os.mkfifo(out / name)
    else:
        (out / name).symlink_to("/dev/zero")
    before = fingerprint(tmp_path)
    for args in (["report", out], [*RUN, "--out", out, "--resume"], ["export", out, "--csv"]):
        code, _, err = cli(capsys, *args)
        refused(code, err, name)
    assert fingerprint(tmp_path) == before
    # repair never reads it: a link is refused, a FIFO is moved aside (nothing deleted)
    code, out_text, err = cli(capsys, "repair", out)
    if kind == "fifo":
        assert code == 0 and "moved aside" in out_text, (out_text, err)
        assert [p for p in out.iterdir() if p.name.startswith(f"{name}.damaged-")]
        code, _, err = cli(capsys, *RUN, "--out", out, "--resume")
        assert code == 0, err
    else:
        refused(code, err, name)
        assert fingerprint(tmp_path) == before


def _experiment_attacks(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    latin = tmp_path / "latin1.toml"
    latin.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (3 * 1024 * 1024) + "\n")
    return {"fifo": fifo, "zero": zero, "latin1": latin, "deep": deep, "big": big}


@pytest.mark.parametrize("attack", ["fifo", "zero", "latin1", "deep", "big"])
@pytest.mark.parametrize("command", ["sweep", "explore", "validate"])
def test_bad_input_files_give_one_line_naming_the_file(tmp_path, capsys, attack, command):
    if command == "explore":
        pytest.importorskip("SALib")
    path = _experiment_attacks(tmp_path)[attack]
    code, _, err = cli(capsys, command, path)
    refused(code, err, path.name)


def test_replications_over_the_limit_are_refused_at_planning(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = cli(capsys, "run", "consensus_2021", "-n", "99999999999999999999",
                       "--out", out)
    refused(code, err, "replications")
    assert not out.exists()


def test_a_huge_grid_is_refused_before_planning(tmp_path, capsys):
    exp = tmp_path / "huge.toml"
    values = ", ".join(str(i) for i in range(100))
    exp.write_text('scenario = "consensus_2021"\nreplications = 1\n[grid]\n'
                   f'"regime.override_rounds" = [{values}]\n'
                   f'"horizon_weeks" = [{", ".join(str(10 + i) for i in range(100))}]\n'
                   f'"seed_unused" = [{values}]\n')
    code, _, err = cli(capsys, "sweep", exp, "--out", tmp_path / "out")
    refused(code, err, "design points")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_app_port_out_of_range_is_one_line(capsys, port):
    code, _, err = cli(capsys, "app", "--port", port)
    refused(code, err, "--port")


def test_app_on_a_busy_port_fails_before_printing_the_address(capsys):
    import socket

    from cio_sim import app

    if app.missing():
        pytest.skip("needs the [app] extra")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, out, err = cli(capsys, "app", "--port", busy.getsockname()[1])
    refused(code, err, "already in use")
    assert "http://" not in out
