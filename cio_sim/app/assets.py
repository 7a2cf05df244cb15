"""The page's front-end files, served offline from the ``solara-assets`` package.

Solara's server hands the browser its JavaScript and CSS from a local cache
(``solara.server.settings.assets.proxy_cache_dir``) and fetches a file from a CDN only when
the cache lacks it. The ``[app]`` extra installs ``solara[assets]``, whose ``solara-assets``
package puts the matching files into that cache at install time, so the page needs no
network. :func:`missing` says which files the page would still have to fetch.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The CDN files of Solara's page template: ``{{cdn}}/<package>@<version>/<file>``.
_CDN_FILE = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d[\w.-]*/[^\"'{}\s]*)"
                       r"(\{\{ipywidget_major_version\}\})?([^\"'{}\s]*)")


def _template() -> str:
    import solara.server

    return (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text(
        encoding="utf-8")


def required() -> list[str]:
    """Paths (relative to the CDN) the page loads in this installation: the Vue version's
    front-end bundle for the installed ipywidgets, require.js and Font Awesome."""
    import ipyvue
    import ipywidgets
    import solara.server.settings as server_settings

    vue3 = ipyvue.__version__.startswith("3")
    major = ipywidgets.__version__.split(".")[0]
    out = set()
    for head, marker, tail in _CDN_FILE.findall(_template()):
        if "vuetify" in head and ("vuetify3-app" in head) != vue3:
            continue
        out.add(head + (major if marker else "") + tail)
    if server_settings.assets.fontawesome_enabled:
        out.add(server_settings.assets.fontawesome_path.strip("/"))
    return sorted(out)


def cache_dir() -> Path:
    """Where Solara's server looks for the front-end files before asking the CDN."""
    import solara.server.settings as server_settings

    return Path(server_settings.assets.proxy_cache_dir)


def missing() -> list[str]:
    """Front-end files the page needs that the local cache lacks (empty: works offline)."""
    base = cache_dir()
    return [p for p in required() if not (base / p).is_file()]
