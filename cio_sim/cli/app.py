"""``cio-sim app``: serve the interactive page (Solara) that runs the model week by week."""

from __future__ import annotations

import argparse
import os
import socket
from collections.abc import Sequence

from .common import CLIError, int_at_least, seed

NAME = "app"
HELP = "explore a scenario interactively in the browser"
DESCRIPTION = ("Serve a page that runs the model week by week: step, play and reset; change the "
               "regime parts and main assumptions (with units and provenance); watch the "
               "forums' queues, backlog, decisions, compliance, agenda and attendance; run a "
               "second regime side by side on the same seed; click a proposal to see its path. "
               "Needs the [app] extra: pip install 'cio-sim[app]'.")
#: Connections the bound socket queues before the server accepts them (uvicorn's default).
BACKLOG = 2048
EPILOG = ("examples:\n  cio-sim app\n  cio-sim app --scenario keuzematrix "
          "--compare doorzettingsmacht_2026\n  cio-sim app --port 8800 --seed 7")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default="consensus_2021",
                   help="base scenario, run A (default consensus_2021)")
    p.add_argument("--compare", metavar="SCENARIO",
                   help="start side by side: run B takes this scenario's regime parts")
    p.add_argument("--seed", type=seed, default=1, help="seed of both runs (default 1)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1)")
    p.add_argument("--port", type=_port, default=8765,
                   help="port to listen on, 1 to 65535 (default 8765)")


def _port(text: str) -> int:
    """A TCP port: a whole number from 1 to 65535 (argparse turns the error into one line)."""
    value = int_at_least(1)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"got {value}; allowed: a port from 1 to 65535")
    return value


def _bind(host: str, port: int) -> socket.socket:
    """Bind and listen on the address once, before printing it: a busy port or an unknown
    host is one line, and the server is handed this socket, so no other process can take the
    port between the check and the serving."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CLIError(f"--host {host}: not an address of this machine ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise CLIError(f"cannot serve on {host}:{port} ({exc.strerror or exc}); choose "
                       "another --port") from None
    return sock


def main(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Serve the interactive page; the app package is imported only here (keeps --help fast)."""
    from .. import app
    from ..scenario import load_scenario

    if app.missing():
        raise CLIError("the app needs the [app] extra (missing: " + ", ".join(app.missing())
                       + "); install it with: pip install 'cio-sim[app]'")
    load_scenario(args.scenario)
    if args.compare:
        load_scenario(args.compare)
    sock = _bind(args.host, args.port)
    print(f"cio-sim app: open http://{args.host}:{args.port} in a browser (Ctrl-C stops)",
          flush=True)
    env = app.server_env(args.scenario, args.compare, args.seed)
    if os.name == "posix":              # become the server, on the socket bound above
        os.set_inheritable(sock.fileno(), True)
        command = app.server_command(args.host, args.port, fd=sock.fileno())
        os.execve(command[0], command, env)
    import subprocess

    sock.close()                        # no descriptor passing here: the server binds again
    with subprocess.Popen(app.server_command(args.host, args.port), env=env) as server:
        try:
            return server.wait()
        except KeyboardInterrupt:       # Ctrl-C reaches the server too; let it finish
            server.wait()
            return 0
