"""`cio-sim app`: registered lazily, one-line errors, exec of Solara's server."""

from __future__ import annotations

import sys

from helpers import modules_after

from cio_sim import app, cli


def test_help_lists_app_without_importing_solara():
    code = "import cio_sim.cli as c; c.build_parser()"
    assert modules_after(code, "solara", "cio_sim.app") == []
    assert "app" in cli.build_parser().format_help()


def test_missing_extra_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(app, "missing", lambda: ["solara"])
    assert cli.main(["app"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'cio-sim[app]'" in err[0]


def test_bad_scenario_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(app, "missing", lambda: [])
    assert cli.main(["app", "--scenario", "no_such_scenario"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_server_command_and_environment():
    cmd = app.server_command("127.0.0.1", 8123)
    assert cmd[:4] == [sys.executable, "-m", "cio_sim.app.serve", "run"]
    assert app.PAGE in cmd and "8123" in cmd and "--no-open" in cmd
    assert app.SOCKET_FD not in cmd
    assert app.server_command("127.0.0.1", 8123, fd=7)[-2:] == [app.SOCKET_FD, "7"]
    env = app.server_env("keuzematrix", None, 4)
    assert env["CIO_SIM_APP_SCENARIO"] == "keuzematrix" and env["CIO_SIM_APP_SEED"] == "4"
