"""The page's front-end files come with the [app] extra (solara-assets), not from a CDN."""

from __future__ import annotations

import importlib.metadata

import pytest

pytest.importorskip("solara")

from cio_sim.app import assets


def test_the_page_template_names_the_vue_bundle_requirejs_and_fonts():
    req = assets.required()
    assert any("solara-vuetify" in p and p.endswith(".min.js") for p in req)
    assert "requirejs@2.3.6/require.js" in req
    assert all("{" not in p for p in req)


def test_every_file_the_page_loads_is_installed_by_solara_assets():
    """Shipped by the solara-assets distribution itself (not filled in by a script), and
    present where Solara's server looks before it asks the CDN."""
    shipped = {str(f).replace("\\", "/").split("share/solara/cdn/", 1)[-1]
               for f in importlib.metadata.files("solara-assets") or ()}
    assert [p for p in assets.required() if p not in shipped] == []
    assert assets.missing() == []
