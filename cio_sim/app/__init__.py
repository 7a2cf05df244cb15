"""Interactive exploration in the browser (``cio-sim app``; needs the ``[app]`` extra).

The page (:mod:`cio_sim.app.page`) runs on Solara with Mesa's visualisation controller;
:mod:`cio_sim.app.session` holds the runs, :mod:`cio_sim.app.adapter` is the only module that
reads model state, :mod:`cio_sim.app.figures` draws the charts and
:mod:`cio_sim.app.controls` describes the controls from the parameter schema.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings

# Solara's rules-of-hooks check flags a component inside Mesa's visualisation module when the
# page imports it: not ours, and no news to a user. The page's own components stay checked.
warnings.filterwarnings("ignore", category=UserWarning,
                        message=r".*[/\\]mesa[/\\]visualization[/\\]solara_viz\.py:\d+: ")

PAGE = "cio_sim.app.page"
REQUIRED = ("solara", "mesa.visualization")


def missing() -> list[str]:
    """Packages of the ``[app]`` extra that cannot be imported here."""
    out = []
    for name in REQUIRED:
        try:
            found = importlib.util.find_spec(name) is not None
        except ImportError:
            found = False
        if not found:
            out.append(name)
    return out


def server_command(host: str, port: int, fd: int | None = None) -> list[str]:
    """The command that serves the page: Solara's server (production mode, no browser)
    behind the Host and Origin check of :mod:`cio_sim.app.serve`; with ``fd``, on that
    listening socket (inherited, already bound to ``host``:``port``) instead of binding."""
    command = [sys.executable, "-m", "cio_sim.app.serve", "run", PAGE, "--host", host,
               "--port", str(port), "--production", "--no-open", "--log-level", "warning"]
    return command if fd is None else [*command, SOCKET_FD, str(fd)]


#: The option of :mod:`cio_sim.app.serve` that names the inherited listening socket.
SOCKET_FD = "--socket-fd"


#: Solara's warning for a plain-http page not on 'localhost' (it then uses samesite=lax
#: cookies, which is right for a page served to this machine): no news to a user.
SAMESITE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


def server_env(scenario: str, compare: str | None, seed: int) -> dict[str, str]:
    """Environment for the server: the initial settings, Solara's telemetry and its "runs on
    Solara" banner off, and no developer warnings on the user's terminal."""
    env = dict(os.environ)
    warn = [w for w in env.get("PYTHONWARNINGS", "").split(",") if w]
    env.update({"CIO_SIM_APP_SCENARIO": scenario, "CIO_SIM_APP_COMPARE": compare or "",
                "CIO_SIM_APP_SEED": str(seed), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
                "SOLARA_THEME_SHOW_BANNER": "False",
                "PYTHONWARNINGS": ",".join([*warn, SAMESITE_WARNING])})
    return env
