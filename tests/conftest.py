"""Shared fixtures: real articles by path, a corpus copy per test, a store built once per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import CORPUS


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The project's corpus in a temporary folder, free to edit."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="module")
def built_store(tmp_path_factory):
    """The sample corpus built into an embedded store (read by many tests, written by none)."""
    from kg.build import build
    from kg.store import open_store

    folder = tmp_path_factory.mktemp("built")
    store = open_store(folder / "store")
    report = build(CORPUS, store)
    assert report.ok, report.failed
    yield store
    store.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session: Playwright's sync API allows one per thread."""
    from bench.screenshot import chromium_path, launch_chromium

    if chromium_path() is None:
        pytest.skip("no Chromium: apt-get install chromium fonts-noto-cjk to run browser tests")
    with launch_chromium() as b:
        yield b
