"""A corpus of malformed scenario files: each gives one clear line, never a traceback.

Committed files are in tests/data/malformed/ (every file there must fail; helper files that
they extend are in parts/); files that cannot be committed (a FIFO, device links, a huge
file, a long extends chain) are made in a temporary folder. Every case goes through the
Python API and through ``cio-sim validate`` and ``cio-sim run -n 1 --out DIR`` in-process;
a few go through real subprocesses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cio_sim.cli import main
from cio_sim.scenario import MAX_BYTES, MAX_EXTENDS, ScenarioError, load_scenario

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "data" / "malformed"
FILES = sorted(CORPUS.glob("*.toml"))

#: Corpus files whose problem is written in another file: that file must be named too.
NAMED_TOO = {
    "extends_cycle_a.toml": "parts/cycle_b.toml",
    "extends_bad_target_value.toml": "parts/nan_slots.toml",
    "extends_bad_target_syntax.toml": "parts/not_toml.toml",
    "extends_bad_target_encoding.toml": "parts/latin1.toml",
    "extends_chain_bad.toml": "parts/nan_slots.toml",
    "extends_dev_zero.toml": "/dev/zero",
    "extends_directory.toml": "parts",
}


def _fifo(tmp: Path) -> Path:
    path = tmp / "fifo.toml"
    os.mkfifo(path)
    return path


def _extends_fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.toml")
    return _write(tmp / "extends_fifo.toml", 'extends = "pipe.toml"\n')


def _dev_zero_link(tmp: Path) -> Path:
    path = tmp / "zero.toml"
    path.symlink_to("/dev/zero")
    return path


def _dev_null_link(tmp: Path) -> Path:
    path = tmp / "null.toml"
    path.symlink_to("/dev/null")
    return path


def _extends_dev_zero_link(tmp: Path) -> Path:
    (tmp / "z.toml").symlink_to("/dev/zero")
    return _write(tmp / "extends_zero_link.toml", 'extends = "z.toml"\n')


def _directory(tmp: Path) -> Path:
    path = tmp / "folder.toml"
    path.mkdir()
    return path


def _huge(tmp: Path) -> Path:
    return _write(tmp / "huge.toml", "# padding\n" * (MAX_BYTES // 10 + 1))


def _extends_huge(tmp: Path) -> Path:
    _huge(tmp)
    return _write(tmp / "extends_huge.toml", 'extends = "huge.toml"\n')


def _long_chain(tmp: Path) -> Path:
    for i in range(MAX_EXTENDS + 5):
        _write(tmp / f"c{i}.toml", f'extends = "c{i + 1}.toml"\n')
    _write(tmp / f"c{MAX_EXTENDS + 5}.toml", "horizon_weeks = 10\n")
    return tmp / "c0.toml"


def _symlink_loop(tmp: Path) -> Path:
    (tmp / "loop_a.toml").symlink_to(tmp / "loop_b.toml")
    (tmp / "loop_b.toml").symlink_to(tmp / "loop_a.toml")
    return tmp / "loop_a.toml"


def _cycle_through_symlink(tmp: Path) -> Path:
    (tmp / "real").mkdir()
    (tmp / "alias").symlink_to(tmp / "real")
    return _write(tmp / "real" / "s.toml", 'extends = "../alias/s.toml"\n')


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GENERATED: dict[str, Callable[[Path], Path]] = {
    "fifo": _fifo, "extends_fifo": _extends_fifo, "dev_zero_link": _dev_zero_link,
    "dev_null_link": _dev_null_link, "extends_dev_zero_link": _extends_dev_zero_link,
    "directory": _directory, "huge": _huge, "extends_huge": _extends_huge,
    "long_extends_chain": _long_chain, "symlink_loop": _symlink_loop,
    "cycle_through_symlink": _cycle_through_symlink,
}


def test_the_corpus_covers_at_least_sixty_files() -> None:
    assert len(FILES) >= 60
    classes = {p.name.split("_", 1)[0] for p in FILES}
    assert classes == {"enc", "toml", "depth", "value", "key", "rule", "meta", "extends"}


def _check_api(path: Path) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "\n" not in message and len(message) < 700, message
    assert str(path) in message, message
    return message


def _check_cli(path: Path, capsys: pytest.CaptureFixture[str], out: Path) -> None:
    for args in (["validate", str(path)], ["run", str(path), "-n", "1", "--out", str(out)]):
        code = main(args)
        stdout, stderr = capsys.readouterr()
        lines = stderr.splitlines()
        assert code == 2, (args, stdout, stderr)
        assert 1 <= len(lines) <= 3 and lines[-1].startswith("cio-sim: error: "), stderr
        assert "Traceback" not in stderr and stdout == ""
        assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_committed_file_is_refused_in_one_line(path: Path, capsys, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)     # extends_cwd_only names a file that exists from here
    message = _check_api(path)
    if path.name in NAMED_TOO:
        assert NAMED_TOO[path.name] in message and "extended by" in message, message
    _check_cli(path, capsys, tmp_path / "out")


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_file_is_refused_in_one_line(name: str, capsys, tmp_path: Path) -> None:
    path = GENERATED[name](tmp_path)
    _check_api(path)
    _check_cli(path, capsys, tmp_path / "out")


def test_real_processes_exit_2_without_blocking(tmp_path: Path) -> None:
    """A handful of cases as a user runs them: separate processes, in parallel."""
    cases = [_fifo(tmp_path), _extends_dev_zero_link(tmp_path),
             CORPUS / "enc_utf16_bom_only.toml"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "cio_sim.cli", "validate", str(p)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=tmp_path) for p in cases]
    for path, proc in zip(cases, procs, strict=True):
        try:
            _, stderr = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"{path}: the process blocked")
        assert proc.returncode == 2, (path, stderr)
        assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr, stderr
        assert str(path.name) in stderr
