"""Headless Chromium for pages: screenshots (README images), browser tests, benchmarks
(a development helper, not part of the installed package).

Uses Playwright-python with Debian's ``chromium`` package (Playwright's own browser
download is not possible here). Playwright is a test/dev dependency, imported lazily.
Every request that is not ``file:``, ``data:`` or ``blob:`` is aborted and recorded.
"""

from __future__ import annotations

import os
import re
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
    "source_shots",
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
    fragment: str = "",
) -> Path:
    """Open a generated page from ``file://`` and write a PNG screenshot.

    Waits for a network page to be drawn (``kgNetwork.ready``). ``select`` is a node id to
    select and focus first (e.g. to show its neighbourhood highlighted). ``browser`` is
    an already launched Playwright browser (a new headless Chromium is used otherwise).
    ``fragment`` (``#s-120``) opens the page at that anchor, e.g. a highlighted sentence.
    """
    if browser is None:
        with launch_chromium() as own:
            return _screenshot(own, html_path, png_path, width, height, full_page, select,
                               timeout_s, fragment)
    return _screenshot(browser, html_path, png_path, width, height, full_page, select,
                       timeout_s, fragment)


def _screenshot(browser, html_path, png_path, width, height, full_page, select, timeout_s,
                fragment=""):
    html = Path(html_path).resolve()
    png = Path(png_path)
    png.parent.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1)
    try:
        block_remote(context)
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        page.goto(html.as_uri() + fragment, wait_until="load")
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


_FACT_LINK = re.compile(r'class="kg-jump"')
_FIRST_JUMP = re.compile(r'href="(#s-\d+)" class="kg-jump"')


def source_shots(site: str | Path, out_dir: str | Path, *, article: str | None = None,
                 browser: Any = None) -> dict[str, Path]:
    """README images of a generated site: an article page (by default the one with the most facts,
    opened at its first fact's sentence, highlighted) and the timeline, as PNGs of 1024×640 (under 300 kB)."""
    site, out = Path(site), Path(out_dir)
    pages = sorted((site / "article").glob("*.html"))
    if article is not None:
        chosen = next(p for p in pages if p.stem == article)
    else:
        chosen = max(pages, key=lambda p: (len(_FACT_LINK.findall(p.read_text(encoding="utf-8"))), p.name))
    first = _FIRST_JUMP.search(chosen.read_text(encoding="utf-8"))
    options = {"width": 1024, "height": 640, "browser": browser}
    return {
        "article": screenshot_page(chosen, out / "article.png", fragment=first.group(1) if first else "",
                                   **options),
        "timeline": screenshot_page(site / "timeline.html", out / "timeline.png", **options),
    }


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Screenshots of a generated site's article page and timeline.")
    ap.add_argument("site", help="the site folder (kg viz -o / output)")
    ap.add_argument("out", help="where to write article.png and timeline.png")
    ap.add_argument("--article", help="an article id (default: the article with the most facts)")
    args = ap.parse_args()
    for name, path in source_shots(args.site, args.out, article=args.article).items():
        print(f"{name}: {path}")
