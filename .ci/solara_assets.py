"""Fill Solara's CDN proxy cache from the npm registry, for machines without CDN access.

Solara's server proxies the page's front-end files from a CDN and caches them in
``solara.server.settings.assets.proxy_cache_dir``. On a machine that reaches the npm
registry but not the CDN (as in CI), this packs the same npm packages (the ones Solara's page
template and settings name, at the versions they name) and unpacks them into that cache, in
the CDN's layout (``<package>@<version>/<file>``). Run it with the Python of the app's venv.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import solara.server
import solara.server.settings as server_settings

TEMPLATE = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
SPEC = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d[\w.-]*)/")


def packages() -> list[str]:
    specs = set(SPEC.findall(TEMPLATE.read_text(encoding="utf-8")))
    fontawesome = server_settings.assets.fontawesome_path.strip("/").split("/")[0]
    specs.add(fontawesome)
    specs.add("requirejs@2.3.6")
    return sorted(specs)


def main() -> int:
    cache = Path(server_settings.assets.proxy_cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    for spec in packages():
        target = cache / spec
        if (target / "package.json").exists():
            print(f"solara assets: {spec} already cached")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()
            with tarfile.open(Path(tmp) / out[-1]) as tar:
                for member in tar.getmembers():
                    if not member.isfile() or not member.name.startswith("package/"):
                        continue
                    dest = target / member.name[len("package/"):]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    src = tar.extractfile(member)
                    assert src is not None
                    dest.write_bytes(src.read())
        print(f"solara assets: {spec} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
