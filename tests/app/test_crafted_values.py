"""Crafted widget values sent to the live app over the page's own websocket, as a hostile
page or script could send them: NaN, Infinity, a string, null, a huge number, a list, for an
integer slider, a float slider, a select, the weeks-per-Step slider and the row of view
buttons (which sends an index). Each becomes a
message on the page and the control keeps its value; the page never shows a traceback or a
server path, and still steps afterwards.

Before, 27 of these 40 replaced the page with the server's traceback: Solara's SliderInt and
SliderFloat convert the value with int()/float(), and its ToggleButtonsSingle looks the
index up in its list, before the page's own check. The messages
are Jupyter widget messages (``comm_msg``, ``method: update``, ``state: {v_model: ...}``),
written as text so that NaN and Infinity arrive as such (the server's JSON reader takes
them; a browser's JSON.stringify cannot write them)."""

from __future__ import annotations

import contextlib
import json
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import WAIT_MS, PageProbe

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

#: Every websocket the page opens, kept where page.evaluate can reach it.
KEEP_SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.__cioSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__cioSockets.push(this); }
  };
})();"""

#: The values, as they are written into the message's JSON text.
CRAFTED = ["NaN", "Infinity", "-Infinity", '"x"', "null", "1e400",
           "123456789012345678901234567890", "[1]"]

#: The controls attacked: the widget's model in the page and its state that tells it apart,
#: and the control's class on the page (whose label shows the value in use).
TARGETS = {
    "integer slider": ("SliderModel", {"min": 1.0, "max": 8.0}, "ctl-regime-override_rounds"),
    "float slider": ("SliderModel", {"min": 0.0, "max": 60.0},
                     "ctl-arrivals-departmental_per_year"),
    "select": ("SelectModel", {"items": ["uniform", "keuzematrix"]}, "ctl-regime-routing"),
    "weeks per Step": ("SliderModel", {"min": 1.0, "max": 26.0}, "weeks-per-step"),
    "view switch": ("BtnToggleModel", {"class_": "view-switch"}, "view-switch"),
}


class Socket:
    """The page's widget websocket: what the server opened (widget models by comm id) and a
    way to send a message as the page's front end does."""

    def __init__(self, page) -> None:
        self.page = page
        self.received: list[dict] = []
        self.session: str | None = None
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):
                self.received.append(json.loads(payload))

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and self.session is None:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self.session = json.loads(payload)["header"]["session"]

    def widget(self, model: str, state: dict) -> str:
        """The comm id of the newest widget of ``model`` whose state has ``state``."""
        found = [m["content"]["comm_id"] for m in self.received
                 if m.get("msg_type") == "comm_open"
                 and (s := m["content"].get("data", {}).get("state", {}))
                 and s.get("_model_name") == model
                 and all(s.get(k) == v for k, v in state.items())]
        assert found, f"no {model} with {state} on the page"
        return found[-1]

    def update(self, comm_id: str, raw_value: str, timeout: float = WAIT_MS / 1000) -> None:
        """Send ``v_model = raw_value`` (JSON text, NaN allowed) to the widget; return when
        the server has handled it (its status 'idle' for this message)."""
        msg_id = f"crafted-{uuid.uuid4()}"
        message = {"buffers": [], "channel": "shell",
                   "content": {"comm_id": comm_id,
                               "data": {"method": "update", "state": {"v_model": "@VALUE@"},
                                        "buffer_paths": []}},
                   "header": {"date": "2026-01-01T00:00:00.000Z", "msg_id": msg_id,
                              "msg_type": "comm_msg", "session": self.session,
                              "username": "", "version": "5.2"},
                   "metadata": {}, "parent_header": {}}
        text = json.dumps(message).replace('"@VALUE@"', raw_value)
        self.page.evaluate("text => window.__cioSockets.forEach(s => s.readyState === 1 "
                           "&& s.send(text))", text)
        deadline = time.monotonic() + timeout
        while not any(m.get("msg_type") == "status"
                      and m.get("parent_header", {}).get("msg_id") == msg_id
                      and m.get("content", {}).get("execution_state") == "idle"
                      for m in self.received):
            assert time.monotonic() < deadline, f"the server never handled {raw_value}"
            self.page.wait_for_timeout(50)


def _leaks(text: str) -> list[str]:
    """What a traceback shows: the word, the source tree, the Python installation."""
    words = ["Traceback", 'File "', "site-packages", str(ROOT), sys.prefix]
    return [w for w in words if w in text]


@pytest.fixture
def attacked_page(browser_context, app_url, screenshot_dir, request):
    """A fresh page on the app whose websocket the test can write to."""
    page = browser_context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.add_init_script(KEEP_SOCKETS)
    socket = Socket(page)
    probe = PageProbe(page).open(app_url)
    try:
        yield probe, socket
    finally:
        page.screenshot(path=screenshot_dir / f"last-{request.node.name}.png")
        page.close()


def test_crafted_widget_values_become_a_message_and_the_page_still_steps(attacked_page):
    probe, socket = attacked_page
    page = probe.page
    page.get_by_text("Arrivals", exact=True).click()    # its sliders exist once opened
    page.locator(".ctl-arrivals-departmental_per_year").wait_for()
    page.wait_for_timeout(500)
    assert socket.session, "the page sent no widget message to learn its session from"
    alert = page.locator(".v-alert")
    for name, (model, state, css) in TARGETS.items():
        label = page.locator(f".{css}").first
        shown = label.inner_text() if name != "weeks per Step" else \
            page.get_by_text("weeks per Step (and per frame").inner_text()
        for raw in CRAFTED:
            socket.update(socket.widget(model, state), raw)   # a refused slider is new
            page.wait_for_timeout(200)            # the server's reply, drawn
            text = page.evaluate("document.body.innerText")
            assert not _leaks(text), f"{name} = {raw}: the page shows {_leaks(text)}"
            assert alert.count() >= 1, f"{name} = {raw}: no message on the page"
            message = " ".join(alert.first.inner_text().split())
            assert "allowed" in message or "must" in message, (name, raw, message)
            now = label.inner_text() if name != "weeks per Step" else \
                page.get_by_text("weeks per Step (and per frame").inner_text()
            assert now == shown, f"{name} = {raw} changed the control: {now!r}"
    page.locator(".view-forums img").first.wait_for()    # still the first view
    page.get_by_role("button", name="Step").click()     # the page still works
    page.get_by_text("Week 1 of").wait_for()
    page.get_by_text("Headline figures at week 1").wait_for()
    assert not _leaks(page.evaluate("document.body.innerText"))
