"""A corpus for the article and timeline pages, and the site built from it: the sample article with
a source URL and a date, and the hostile article (script in the title, markup in the text) with a
javascript: URL. Shared by tests/test_article_pages.py and tests/browser/test_browser_paths.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from paths import CORPUS, ROOT

XSS = ROOT / "tests" / "fixtures" / "xss-article.md"
SAMPLE_ID = "kuaishou-microloan-guangzhou-top10"
HOSTILE_ID = "xss-article"
SOURCE_URL = "https://www.163.com/dy/article/KUAISHOU0TOP10.html"
HOSTILE_URL = "javascript:alert(document.domain)"


def _front(path: Path, **fields: str) -> None:
    """Add front matter keys to a corpus file (after its opening '---' line)."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    added = "".join(f"{key}: {value}\n" for key, value in fields.items())
    path.write_text(f"{head}\n{added}{rest}", encoding="utf-8")


def sources_corpus(folder: Path) -> Path:
    shutil.copytree(CORPUS, folder)
    _front(folder / f"{SAMPLE_ID}.md", source_url=SOURCE_URL, published="2026-01-05")
    shutil.copy(XSS, folder / XSS.name)
    _front(folder / XSS.name, source_url=HOSTILE_URL, published="2025-12-30")
    return folder


def build_sources_site(root: Path) -> tuple[Path, Path]:
    """(corpus, site): the corpus built into root/store (with inference) and its pages in root/out."""
    from kg.build import build
    from kg.site import update_site
    from kg.store import open_store

    corpus = sources_corpus(root / "corpus")
    with open_store(root / "store") as store:
        report = build(corpus, store, infer=True)
        assert report.ok, report.failed
        update_site(store, root / "out")
    return corpus, root / "out"
