"""Attacks on the app's server: a Host that is not the served address (DNS rebinding) and an
Origin of another site (a cross-site websocket) are refused before they reach the page."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest

from cio_sim.app.serve import AddressCheck, HostGuard

PORT = 8765


@pytest.mark.parametrize("host, port, header", [
    ("127.0.0.1", PORT, "127.0.0.1:8765"), ("127.0.0.1", PORT, "localhost:8765"),
    ("127.0.0.1", PORT, "[::1]:8765"), ("127.0.0.1", PORT, "LOCALHOST:8765"),
    ("127.0.0.1", 80, "127.0.0.1"), ("0.0.0.0", PORT, "192.168.1.20:8765"),
    ("0.0.0.0", PORT, "[fe80::1]:8765"), ("::", PORT, "localhost:8765"),
    ("10.0.0.5", PORT, "10.0.0.5:8765"),
])
def test_the_served_address_is_answered(host, port, header):
    assert AddressCheck(host, port).problem([header], []) is None
    origin = f"http://{header}"
    assert AddressCheck(host, port).problem([header], [origin]) is None


@pytest.mark.parametrize("host, header", [
    ("127.0.0.1", "evil.example:8765"),      # DNS rebinding: a name of the attacker's
    ("127.0.0.1", "127.0.0.1:9999"),         # another port
    ("127.0.0.1", "127.0.0.1"),              # port 80 implied
    ("127.0.0.1", "127.0.0.1.evil.example:8765"),
    ("127.0.0.1", "127.0.0.1:8765:1"), ("127.0.0.1", "[::1"), ("127.0.0.1", ""),
    ("127.0.0.1", "127.0.0.1:99999"), ("0.0.0.0", "rebind.example:8765"),
    ("10.0.0.5", "localhost:8765"),
])
def test_another_host_is_refused(host, header):
    assert "Host" in AddressCheck(host, PORT).problem([header], [])


def test_no_or_two_host_headers_are_refused():
    check = AddressCheck("127.0.0.1", PORT)
    assert check.problem([], []) is not None
    assert check.problem(["127.0.0.1:8765", "evil.example:8765"], []) is not None


@pytest.mark.parametrize("origin", [
    "http://evil.example", "http://evil.example:8765", "null", "file://", "http://127.0.0.1",
    "http://127.0.0.1:9999", "https://127.0.0.1:8765", "ws://127.0.0.1:8765", "",
])
def test_an_origin_of_another_site_is_refused(origin):
    check = AddressCheck("127.0.0.1", PORT)
    assert "Origin" in check.problem(["127.0.0.1:8765"], [origin])
    assert check.problem(["127.0.0.1:8765"], ["http://127.0.0.1:8765", origin]) is not None


def _call(guard: HostGuard, kind: str, headers: list[tuple[bytes, bytes]]) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "websocket.connect"} if kind == "websocket" else {
            "type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(guard({"type": kind, "headers": headers}, receive, send))
    return sent


def _guard() -> tuple[HostGuard, list[str]]:
    reached: list[str] = []

    async def app(scope, receive, send) -> None:
        reached.append(scope["type"])

    return HostGuard(app, "127.0.0.1", PORT), reached


def test_the_guard_refuses_a_cross_site_websocket_before_it_opens():
    guard, reached = _guard()
    sent = _call(guard, "websocket", [(b"host", b"127.0.0.1:8765"),
                                      (b"origin", b"http://evil.example")])
    assert sent == [{"type": "websocket.close", "code": 1008}] and reached == []
    sent = _call(guard, "websocket", [(b"host", b"127.0.0.1:8765"),
                                      (b"origin", b"http://127.0.0.1:8765")])
    assert sent == [] and reached == ["websocket"]


def test_the_guard_answers_a_rebound_name_with_403_and_one_line():
    guard, reached = _guard()
    sent = _call(guard, "http", [(b"Host", b"evil.example:8765")])
    assert sent[0]["status"] == 403 and reached == []
    body = sent[1]["body"].decode()
    assert body.count("\n") == 1 and "evil.example" in body
    _call(guard, "http", [(b"Host", b"localhost:8765")])
    assert reached == ["http"]


def test_lifespan_passes_through():
    guard, reached = _guard()
    _call(guard, "lifespan", [])
    assert reached == ["lifespan"]


def test_the_server_takes_only_a_listening_socket():
    from cio_sim.app.serve import _take_option, inherited_socket

    args = ["run", "page", "--socket-fd", "9", "--port", "1"]
    assert _take_option(args, "--socket-fd") == "9" and args == ["run", "page", "--port", "1"]
    with socket.socket() as unbound:
        for fd in ("x", "-1", str(unbound.fileno())):
            with pytest.raises(SystemExit) as stop:
                inherited_socket(fd)
            assert "cannot be served on" in str(stop.value)
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        taken = inherited_socket(str(os.dup(listening.fileno())))
        assert taken.getsockname() == listening.getsockname()
        taken.close()
