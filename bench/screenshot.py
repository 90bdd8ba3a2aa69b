"""Headless Chromium for pages: screenshots (README images), browser tests, benchmarks
(a development helper, not part of the installed package).

Uses Playwright-python with Debian's ``chromium`` package (Playwright's own browser
download is not possible here). Playwright is a test/dev dependency, imported lazily.
Every request that is not ``file:``, ``data:`` or ``blob:`` is aborted and recorded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LOCAL_SCHEMES",
    "chromium_path",
    "launch_chromium",
    "block_remote",
    "screenshot_page",
]

#: Debian's chromium; override with the KG_CHROMIUM environment variable.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:")


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    path = os.environ.get("KG_CHROMIUM", CHROMIUM)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


@contextmanager
def launch_chromium(**launch_options: Any) -> Iterator[Any]:
    """A headless Playwright ``Browser`` on Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise FileNotFoundError(
            f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS, **launch_options
        )
        try:
            yield browser
        finally:
            browser.close()


def block_remote(context: Any, blocked: list[str] | None = None) -> None:
    """Abort every request of ``context`` that is not file:/data:/blob:."""

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    context.route("**/*", handle)


def screenshot_page(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1400,
    height: int = 900,
    full_page: bool = False,
    select: str | None = None,
    timeout_s: float = 60.0,
    browser: Any = None,
) -> Path:
    """Open a generated page from ``file://`` and write a PNG screenshot.

    Waits for a network page to be drawn (``kgNetwork.ready``). ``select`` is a node id to
    select and focus first (e.g. to show its neighbourhood highlighted). ``browser`` is
    an already launched Playwright browser (a new headless Chromium is used otherwise).
    """
    if browser is None:
        with launch_chromium() as own:
            return _screenshot(own, html_path, png_path, width, height, full_page, select,
                               timeout_s)
    return _screenshot(browser, html_path, png_path, width, height, full_page, select,
                       timeout_s)


def _screenshot(browser, html_path, png_path, width, height, full_page, select, timeout_s):
    html = Path(html_path).resolve()
    png = Path(png_path)
    png.parent.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1)
    try:
        block_remote(context)
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        page.goto(html.as_uri(), wait_until="load")
        if page.evaluate("() => typeof window.kgNetwork !== 'undefined'"):
            page.evaluate("() => window.kgNetwork.ready")
            if select is not None:
                page.evaluate(
                    "(id) => window.kgNetwork.selectNode(id, {animate: false})", select
                )
            page.wait_for_timeout(300)
        page.screenshot(path=str(png), full_page=full_page)
    finally:
        context.close()
    return png
