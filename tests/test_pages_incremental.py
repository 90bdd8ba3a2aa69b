"""Pages follow what changed: after an article is edited, added or removed, only its sources (and
those of articles naming an entity whose name or category changed) are read, only the pages that
show it are written, and the site is byte for byte the one a fresh run draws from the same store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.site
from kg.build import build
from kg.site import article_href, update_site
from kg.store import open_store
from sources_site import HOSTILE_ID, SAMPLE_ID, sources_corpus

# two more articles written for these tests (no third-party text)
EXTRA = {
    "plain-a": "2024年，深圳青松小额贷款有限公司的贷款余额为12亿元。\n青松小贷与平安银行开展合作。\n",
    "plain-b": "2023年，重庆蓝天消费金融有限公司完成增资，注册资本提升至20亿元。\n",
}
SHARED_PAGES = {"index.html", "network.html", "timeline.html"}


def _write_article(corpus: Path, article_id: str, body: str) -> None:
    (corpus / f"{article_id}.md").write_text(
        f'---\nid: {article_id}\ntitle: "{article_id} 标题"\npublished: 2024-03-01\n---\n{body}', encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """(corpus, store, out, reads): a built store with its pages; ``reads`` lists the articles whose
    sources each later run reads."""
    corpus = sources_corpus(tmp_path / "corpus")
    for article_id, body in EXTRA.items():
        _write_article(corpus, article_id, body)
    store = open_store(tmp_path / "store")
    assert build(corpus, store, infer=True).ok
    out = tmp_path / "out"
    update_site(store, out)
    reads: list[str] = []
    contents = kg.site._Sources.contents

    def spy(self, articles, links):
        reads.extend(articles)
        return contents(self, articles, links)

    monkeypatch.setattr(kg.site._Sources, "contents", spy)
    yield corpus, store, out, reads
    store.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}


def _same_as_fresh(store, out: Path, tmp: Path) -> None:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    update_site(store, fresh)
    mine, theirs = _files(out), _files(fresh)
    assert sorted(mine) == sorted(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []


def _edit(corpus: Path, article_id: str, added: str) -> None:
    path = next(p for p in corpus.glob("*.md") if f"id: {article_id}\n" in p.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8") + added, encoding="utf-8")


CHANGES = [
    # (change, article read again, its page written)
    ("edit-without-names", lambda c: _edit(c, "plain-b", "\n本文完。\n"), ["plain-b"], ["plain-b"]),
    ("edit-naming-a-known-entity", lambda c: _edit(c, HOSTILE_ID, "\n快手小贷与中国银行开展合作。\n"),
     [HOSTILE_ID], [HOSTILE_ID]),
    ("new-article", lambda c: _write_article(c, "plain-c", "2022年，深圳青松小额贷款有限公司发布年报。\n"),
     ["plain-c"], ["plain-c"]),
    ("removed-article", lambda c: (c / "plain-b.md").unlink(), [], []),
]


@pytest.mark.parametrize("change, read, written", [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_a_one_article_change_reads_that_article_only_and_draws_what_a_fresh_run_draws(
        site, tmp_path, change, read, written):
    corpus, store, out, reads = site
    change(corpus)
    assert build(corpus, store, infer=True).ok
    report = update_site(store, out)
    assert sorted(reads) == sorted(_article_iris(store, read))
    articles_written = sorted(p for p in report.written if p.startswith("article/"))
    assert articles_written == sorted(article_href(a) for a in written)
    assert report.articles_read == len(read)
    assert report.entities_read < len(list(out.glob("entity/*.html")))  # not every entity's facts
    assert set(report.written) - {p for p in report.written if p.startswith("entity/")} <= \
        SHARED_PAGES | set(articles_written)
    _same_as_fresh(store, out, tmp_path)


def _article_iris(store, ids: list[str]) -> list[str]:
    rows = store.select("SELECT ?a ?id WHERE { ?a <http://purl.org/dc/terms/identifier> ?id }").rows
    return [str(a) for a, i in rows if str(i) in ids]


def test_nothing_changed_reads_nothing(site):
    corpus, store, out, reads = site
    (out / kg.site.PAGES_STATE).write_text((out / kg.site.PAGES_STATE).read_text(encoding="utf-8")
                                           .replace('"stamp": "', '"stamp": "x'), encoding="utf-8")
    report = update_site(store, out)  # the stamp differs, the sources do not
    assert (report.written, reads, report.articles_read, report.entities_read) == ([], [], 0, 0)


def test_missing_pages_of_unread_sources_are_drawn_as_a_fresh_run_draws_them(site, tmp_path):
    corpus, store, out, reads = site
    entity_page = sorted(out.glob("entity/*.html"))[0]
    for page in (out / article_href(SAMPLE_ID), entity_page):
        page.unlink()
    _edit(corpus, "plain-b", "\n本文完。\n")
    assert build(corpus, store, infer=True).ok
    report = update_site(store, out)
    assert article_href(SAMPLE_ID) in report.written and entity_page.relative_to(out).as_posix() in report.written
    _same_as_fresh(store, out, tmp_path)


def test_force_reads_every_article(site):
    corpus, store, out, reads = site
    report = update_site(store, out, force=True)
    assert report.articles_read == len(list(out.glob("article/*.html"))) == len(set(reads))
