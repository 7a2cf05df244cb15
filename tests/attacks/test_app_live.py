"""Attacks on the live app: the port it prints is the port it holds (no other process can
take it between the check and the serving)."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from helpers import free_port

from cio_sim import app

pytestmark = pytest.mark.browser

START_TIMEOUT = 90.0


def _need_app() -> None:
    if not app.missing():
        return
    reason = "the [app] extra is not installed; pip install -e '.[app]'"
    if os.environ.get("CI"):
        pytest.fail(f"the live app tests cannot run under CI: {reason}")
    pytest.skip(reason)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def test_the_printed_port_is_held_until_the_server_serves_on_it(tmp_path):
    _need_app()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cio_sim.cli", "app", "--host", "127.0.0.1", "--port",
         str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=tmp_path, start_new_session=True)
    try:
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line, line
        # The moment the address is printed, the port is taken and already accepts.
        with socket.socket() as rival:
            rival.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            with pytest.raises(OSError) as refused:
                rival.bind(("127.0.0.1", port))
        assert refused.value.errno == errno.EADDRINUSE
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"http://127.0.0.1:{port}/"):
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "the app did not answer on its port"
            time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()
