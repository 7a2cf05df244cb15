"""The app's server: Solara's, behind a guard that answers only requests addressed to the
address it serves and coming from its own page.

A page on another site can make a browser send requests to ``127.0.0.1`` (a cross-site
websocket), and a name of the attacker's that resolves to ``127.0.0.1`` makes the browser
treat the app as that site (DNS rebinding). Both are refused: the ``Host`` header must name
the served address (or, served on every interface, this machine or an IP address) with the
served port, and an ``Origin`` header, when a browser sends one, must name the same. A
refused request gets 403 and one line of text; a refused websocket is closed before it
opens.

The server is handed the listening socket ``cio-sim app`` bound before it printed the
address (``--socket-fd N``), so the port checked is the port served.

    python -m cio_sim.app.serve run cio_sim.app.page --host H --port P [solara options]
        [--socket-fd N]
"""

from __future__ import annotations

import inspect
import ipaddress
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlsplit

#: The ASGI application Solara's ``run`` hands to uvicorn.
SOLARA_APP = "solara.server.starlette:app"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD = frozenset({"0.0.0.0", "::", ""})

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _split(hostport: str) -> tuple[str, int | None] | None:
    """(host, port or None) of ``host[:port]`` / ``[v6][:port]``; None when malformed."""
    text = hostport.strip().lower()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    elif ":" in text:  # a bare IPv6 address has no port
        host, port_text = text, None
    else:
        host, port_text = text, None
    if not host:
        return None
    if port_text is None:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return host, int(port_text)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class AddressCheck:
    """Which ``Host`` and ``Origin`` values name the address served (``host``:``port``)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host.strip("[]").lower(), port
        names = {self.host}
        if self.host in LOOPBACK:
            names |= LOOPBACK
        self.wildcard = self.host in WILDCARD
        if self.wildcard:
            names |= LOOPBACK | {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.names = frozenset(names)

    def _names_us(self, hostport: str, default_port: int) -> bool:
        parts = _split(hostport)
        if parts is None:
            return False
        name, port = parts
        if (port if port is not None else default_port) != self.port:
            return False
        return name in self.names or (self.wildcard and _is_ip(name))

    def problem(self, hosts: Sequence[str], origins: Sequence[str]) -> str | None:
        """Why a request with these ``Host`` and ``Origin`` headers is refused (None: not)."""
        if len(hosts) != 1 or not self._names_us(hosts[0], 80):
            shown = hosts[0][:80] if hosts else "none"
            return f"Host {shown!r} is not the address this app serves"
        if len(origins) > 1:
            return "more than one Origin header"
        if origins:
            parts = urlsplit(origins[0].strip())
            if parts.scheme != "http" or not parts.netloc or not self._names_us(
                    parts.netloc, 80):  # the page is served over plain http
                return f"Origin {origins[0][:80]!r} is not this app's page"
        return None


class HostGuard:
    """ASGI middleware: requests and websockets whose Host or Origin is not the served
    address are refused before they reach the app (see :class:`AddressCheck`)."""

    def __init__(self, app: Callable[..., Awaitable[None]], host: str, port: int):
        self.app = app
        self.check = AddressCheck(host, port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") in ("http", "websocket"):
            hosts, origins = [], []
            for key, value in scope.get("headers", ()):
                name = bytes(key).lower()
                if name == b"host":
                    hosts.append(bytes(value).decode("latin-1"))
                elif name == b"origin":
                    origins.append(bytes(value).decode("latin-1"))
            problem = self.check.problem(hosts, origins)
            if problem is not None:
                await self._refuse(scope, receive, send, problem)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, problem: str) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        body = f"refused: {problem}\n".encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _option(args: Sequence[str], flag: str, default: str) -> str:
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return default


def install_guard(host: str, port: int) -> None:
    """Wrap the app uvicorn loads for Solara in :class:`HostGuard` (uvicorn loads it by name
    once Solara's settings are made, so the guard goes in where it is loaded)."""
    import uvicorn.config

    original = getattr(uvicorn.config, "import_from_string", None)
    if original is None:
        raise RuntimeError("this uvicorn loads apps differently; the app's Host and Origin "
                           "check cannot be installed")

    def load(name: Any) -> Any:
        loaded = original(name)
        return HostGuard(loaded, host, port) if name == SOLARA_APP else loaded

    uvicorn.config.import_from_string = load


def serve_on(sock: socket.socket) -> None:
    """Make uvicorn serve on ``sock`` (already bound and listening) instead of binding the
    address again, through its public ``Server.run(sockets=...)``."""
    import uvicorn

    original = uvicorn.Server.run
    if "sockets" not in inspect.signature(original).parameters:
        raise RuntimeError("this uvicorn cannot be handed a socket; the app would bind its "
                           "port a second time")

    def run(self: Any, sockets: list[socket.socket] | None = None) -> None:
        return original(self, sockets=sockets if sockets is not None else [sock])

    uvicorn.Server.run = run


def _take_option(args: list[str], flag: str) -> str | None:
    """Remove ``flag VALUE`` from ``args`` (it is ours, not Solara's); its value or None."""
    if flag in args:
        i = args.index(flag)
        if i + 1 < len(args):
            value = args[i + 1]
            del args[i:i + 2]
            return value
    return None


def inherited_socket(fd_text: str) -> socket.socket:
    """The listening socket with descriptor ``fd_text``; SystemExit with one line if it is
    not one."""
    try:
        sock = socket.socket(fileno=int(fd_text))
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) != 1:
            raise OSError("not a listening socket")
    except (ValueError, OSError) as exc:
        raise SystemExit(f"cio-sim app: socket descriptor {fd_text!r} cannot be served on "
                         f"({exc})") from None
    return sock


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``solara ARGS`` with the guard installed for its ``--host`` and ``--port``, on the
    inherited socket when ``--socket-fd`` names one."""
    from . import SOCKET_FD

    args = list(sys.argv[1:] if argv is None else argv)
    fd_text = _take_option(args, SOCKET_FD)
    host = _option(args, "--host", "127.0.0.1")
    port = int(_option(args, "--port", "8765"))
    if fd_text is not None:
        serve_on(inherited_socket(fd_text))
    install_guard(host, port)
    from solara.__main__ import main as solara_main

    sys.argv = ["solara", *args]
    solara_main()


if __name__ == "__main__":
    main()
