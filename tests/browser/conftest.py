"""Headless Chromium (Debian's /usr/bin/chromium) for the page tests.

Every test page is opened from file://; the fixture records console errors, page
errors, dialogs (alert/confirm/prompt: an executed payload) and every request whose URL
is not file:/data:/blob: (aborted). ``opened.assert_clean()`` fails on any of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.screenshot import CHROMIUM, LOCAL_SCHEMES, chromium_path


def pytest_collection_modifyitems(config, items):
    if chromium_path() is not None:
        return
    skip = pytest.mark.skip(
        reason=f"no Chromium at {os.environ.get('KG_CHROMIUM', CHROMIUM)}: "
        "apt-get install chromium fonts-noto-cjk to run browser tests"
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@dataclass
class Opened:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.dialogs == [], f"dialog opened: {self.dialogs}"
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors
        assert self.remote_requests == [], self.remote_requests
        assert all(u.startswith(LOCAL_SCHEMES) for u in self.requests), self.requests

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def open_page(browser):
    contexts = []

    def _open(path: Path, *, fragment: str = "", wait_ready: bool = True,
              width: int = 1280, height: int = 800) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        opened = Opened(page)

        def on_route(route):
            url = route.request.url
            if url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                opened.remote_requests.append(url)
                route.abort()

        context.route("**/*", on_route)
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
        page.on("pageerror", lambda e: opened.page_errors.append(str(e)))

        def on_dialog(d):
            opened.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(Path(path).resolve().as_uri() + fragment, wait_until="load")
        if wait_ready:
            page.evaluate("() => window.kgNetwork.ready")
        return opened

    yield _open
    for c in contexts:
        c.close()


@pytest.fixture
def node_xy():
    """``node_xy(opened, id)``: page coordinates of a node's centre."""

    def _xy(opened: Opened, node_id: str) -> tuple[float, float]:
        pos = opened.js(
            "(id) => { const n = window.kgNetwork.network;"
            " return n.canvasToDOM(n.getPosition(id)); }",
            node_id,
        )
        box = opened.page.locator("#kg-network").bounding_box()
        return box["x"] + pos["x"], box["y"] + pos["y"]

    return _xy
