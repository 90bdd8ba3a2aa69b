"""corpus: front matter files in, Articles out; add_article refuses duplicates and never overwrites.

Real articles are read from /work/shared at test time (never copied into the project).
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from kg.corpus import (
    SCAN_CACHE,
    _write_new,
    add_article,
    iter_corpus,
    load_article,
    normalised_text_key,
    parse_corpus_file,
    scan_corpus,
)
from kg.errors import CorpusError, DuplicateArticleError
from kg.model import Article
from kg.textio import clean_article_text, split_site_name

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "corpus" / "kuaishou-microloan-guangzhou-top10.md"
SEED = Path("/work/shared/corpus-seed/kuaishou-microloan-guangzhou-top10.txt")
DEV = Path("/work/shared/corpus-dev")
ARTICLE = DEV / "finnsp-train-0062.txt"  # every character in GBK
OTHER_ARTICLE = DEV / "finnsp-train-0072.txt"
TAGGED_ARTICLE = DEV / "finnsp-train-0120.txt"

needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="development corpus not available")
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="seed article not available")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the folder (hidden ones too) with its bytes: to show nothing changed."""
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


GOOD = """---
id: sample-one
title: 快手小贷完成增资
outlet: 示例网
source_url: https://example.com/a
published: 2025-12-22
language: zh
note: extra keys are kept out of the Article
---
广州快手小额贷款有限公司完成增资。
注册资本增至10亿元。
"""


# --- the shipped corpus -----------------------------------------------------------------------


def test_shipped_corpus_file_loads_with_its_id_and_title() -> None:
    article = parse_corpus_file(SHIPPED)
    assert article.id == "kuaishou-microloan-guangzhou-top10" == SHIPPED.stem
    assert article.title == "快手小贷跻身广州网络小贷行业前十"
    assert article.outlet == "中访网"
    assert article.published is None and article.source_url is None  # not known: not invented
    assert article.language == "zh"
    assert article.path == str(SHIPPED)


@needs_seed
def test_shipped_body_is_the_seed_text_without_image_stub_and_platform_notice() -> None:
    seed = SEED.read_text(encoding="utf-8")
    body = parse_corpus_file(SHIPPED).text
    assert seed.startswith("![]()\n")
    assert seed[len("![]()\n"):].startswith(body)
    assert "特别声明" not in body and "Notice:" not in body and "![]()" not in body


def test_shipped_corpus_iterates_without_errors() -> None:
    items = list(iter_corpus(ROOT / "corpus"))
    assert items and all(isinstance(item, Article) for item in items)


# --- parse_corpus_file ------------------------------------------------------------------------


def test_good_corpus_file_parses_every_key(tmp_path: Path) -> None:
    path = write(tmp_path / "sample-one.md", GOOD)
    article = parse_corpus_file(path)
    assert article == Article(
        id="sample-one",
        title="快手小贷完成增资",
        text="广州快手小额贷款有限公司完成增资。\n注册资本增至10亿元。",
        outlet="示例网",
        source_url="https://example.com/a",
        published=date(2025, 12, 22),
        language="zh",
        path=str(path),
    )


@pytest.mark.parametrize(
    ("published_line", "expected"),
    [
        ("published: 2025-12-22", date(2025, 12, 22)),
        ("published: '2025-12-22'", date(2025, 12, 22)),
        ("published: 2025-12-22 10:30:00", date(2025, 12, 22)),
        ("published:", None),
    ],
)
def test_published_accepts_yaml_dates_and_iso_strings(tmp_path: Path, published_line: str, expected) -> None:
    path = write(tmp_path / "a.md", f"---\nid: a\ntitle: 标题\n{published_line}\n---\n正文。\n")
    assert parse_corpus_file(path).published == expected


def test_body_starts_after_the_closing_line_and_keeps_its_own_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "---\nid: a\ntitle: 标题\n---\n\n第一段。\n---\n第二段。  \n\n")
    assert parse_corpus_file(path).text == "第一段。\n---\n第二段。"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad-yaml", "---\nid: a\ntitle: [未闭合\n---\n正文。\n", r"line 3: malformed YAML"),
        ("bad-indent", "---\nid: a\n  title: x\nouter: [\n---\n正文。\n", r"line \d: malformed YAML"),
        ("unclosed", "---\nid: a\ntitle: 标题\n正文。\n", r"never closed"),
        ("no-front-matter", "标题\n正文。\n", r"no front matter"),
        ("missing-id", "---\ntitle: 标题\n---\n正文。\n", r"lacks the required key 'id'"),
        ("missing-title", "---\nid: a\n---\n正文。\n", r"lacks the required key 'title'"),
        ("empty-front-matter", "---\n---\n正文。\n", r"lacks the required key 'id'"),
        ("numeric-id", "---\nid: 123\ntitle: 标题\n---\n正文。\n", r"line 2: front matter key 'id' must be text"),
        ("list-title", "---\nid: a\ntitle: [a, b]\n---\n正文。\n", r"line 3: front matter key 'title' must be text"),
        ("unsafe-id", "---\nid: 快手 文章\ntitle: 标题\n---\n正文。\n", r"line 2: id '快手 文章' may only hold"),
        ("impossible-date", "---\nid: a\ntitle: 标题\npublished: 2026-13-45\n---\n正文。\n", r"line 4: not a valid date"),
        ("month-only", "---\nid: a\ntitle: 标题\npublished: 2026-01\n---\n正文。\n", r"line 4: .*'published' must be a date"),
        ("words-date", "---\nid: a\ntitle: 标题\npublished: early 2026\n---\n正文。\n", r"line 4: .*'published' must be a date"),
        ("outlet-number", "---\nid: a\ntitle: 标题\noutlet: 42\n---\n正文。\n", r"line 4: front matter key 'outlet' must be text"),
        ("list-front-matter", "---\n- id\n- title\n---\n正文。\n", r"must be 'key: value' lines"),
        ("python-tag", "---\nid: !!python/object:os.system a\ntitle: t\n---\n正文。\n", r"line 2: malformed YAML"),
        ("empty-body", "---\nid: a\ntitle: 标题\n---\n\n   \n", r"empty article body"),
    ],
)
def test_malformed_corpus_file_names_file_and_problem(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = write(tmp_path / f"{name}.md", content)
    with pytest.raises(CorpusError, match=rf"^{re.escape(str(path))}: (?:.*)?{message}"):
        parse_corpus_file(path)


# --- load_article -----------------------------------------------------------------------------


@needs_dev
def test_plain_text_article_is_kept_exactly_as_read() -> None:
    article = load_article(ARTICLE)
    raw = ARTICLE.read_text(encoding="utf-8")
    assert article.id == "finnsp-train-0062"
    assert article.title == raw.split("\n", 1)[0].strip()
    assert article.text == raw.rstrip()
    assert "{IMG:1}" in article.text  # offsets refer to the text as read: nothing cleaned
    assert article.path == str(ARTICLE)


@needs_dev
def test_plain_text_article_can_be_cleaned_on_request() -> None:
    article = load_article(TAGGED_ARTICLE, clean=True)
    assert "<p>" not in article.text and "<span" not in article.text
    assert article.text == clean_article_text(TAGGED_ARTICLE.read_text(encoding="utf-8"))


@needs_seed
def test_plain_title_skips_lines_without_words() -> None:
    article = load_article(SEED)
    assert article.id == SEED.stem
    assert article.title == "出品|中访网"  # the first line, "![]()", has no letters or hanzi
    assert article.text.startswith("![]()\n")


@needs_dev
def test_gbk_plain_text_loads(tmp_path: Path) -> None:
    path = tmp_path / "gbk-copy.txt"
    path.write_bytes(ARTICLE.read_text(encoding="utf-8").encode("gbk"))
    assert load_article(path).text == ARTICLE.read_text(encoding="utf-8").rstrip()


def test_corpus_file_loads_through_load_article(tmp_path: Path) -> None:
    path = write(tmp_path / "sample-one.md", GOOD)
    assert load_article(path) == parse_corpus_file(path)


def test_txt_starting_with_a_rule_is_still_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path / "ruled.txt", "---\n标题\n正文。\n")
    article = load_article(path)
    assert (article.id, article.title, article.text) == ("ruled", "标题", "---\n标题\n正文。")


# --- iter_corpus ------------------------------------------------------------------------------


def test_iter_corpus_yields_articles_and_errors_in_name_order(tmp_path: Path) -> None:
    _mixed_corpus(tmp_path)
    write(tmp_path / ".e.md.1234.tmp", "half written")
    write(tmp_path / "notes.txt", "not a corpus file")
    items = list(iter_corpus(tmp_path))
    assert [type(item).__name__ for item in items] == [
        "Article", "CorpusError", "CorpusError", "DuplicateArticleError", "Article",
    ]
    assert items[0].id == "sample-one" and items[4].id == "sample-three"
    assert str(tmp_path / "b.md") in str(items[1]) and "never closed" in str(items[1])
    assert "id 'sample-one' is already used by" in str(items[2]) and str(tmp_path / "a.md") in str(items[2])
    assert items[3].existing == str(tmp_path / "a.md")


def test_iter_corpus_of_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such corpus folder"):
        list(iter_corpus(tmp_path / "absent"))


def _mixed_corpus(folder: Path) -> None:
    write(folder / "a.md", GOOD)
    write(folder / "b.md", "---\nid: b\ntitle: 标题\n正文。\n")  # never closed
    write(folder / "c.md", GOOD.replace("完成增资。", "完成了增资，另一篇。"))  # id of a.md again
    write(folder / "d.md", GOOD.replace("sample-one", "sample-two").replace("\n注册", "\n\n 注册"))  # a.md's text
    write(folder / "e.md", GOOD.replace("sample-one", "sample-three").replace("完成增资。", "获批牌照。"))


def _as_listed(items: list) -> list:
    return [(i.id, i.path, i.content_hash) if not isinstance(i, CorpusError) else (type(i).__name__, str(i))
            for i in items]


def test_a_scan_lists_what_iter_corpus_reads_first_from_the_files_then_from_its_cache(tmp_path: Path, monkeypatch) -> None:
    import kg.corpus as corpus

    _mixed_corpus(tmp_path)
    expected = _as_listed(list(iter_corpus(tmp_path)))
    assert _as_listed(list(scan_corpus(tmp_path))) == expected
    assert (tmp_path / SCAN_CACHE).exists()
    reads: list[str] = []
    real = corpus.parse_corpus_file
    monkeypatch.setattr(corpus, "parse_corpus_file", lambda p: reads.append(Path(p).name) or real(p))
    monkeypatch.setattr(corpus, "RACY_NS", -10**12)  # as if the files were older than the last scan
    assert _as_listed(list(scan_corpus(tmp_path))) == expected
    assert reads == ["b.md"]  # a broken file is not cached: read (and reported) every time


def test_a_scan_reads_a_file_again_when_it_changed_or_may_have(tmp_path: Path, monkeypatch) -> None:
    import os

    import kg.corpus as corpus

    write(tmp_path / "a.md", GOOD)
    write(tmp_path / "e.md", GOOD.replace("sample-one", "sample-three").replace("完成增资。", "获批牌照。"))
    first = {i.id: i.content_hash for i in scan_corpus(tmp_path)}
    stat = (tmp_path / "e.md").stat()
    write(tmp_path / "e.md", GOOD.replace("sample-one", "sample-three").replace("完成增资。", "获批执照。"))  # same size
    os.utime(tmp_path / "e.md", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and same mtime: within the racy window
    second = {i.id: i.content_hash for i in scan_corpus(tmp_path)}
    assert second["sample-one"] == first["sample-one"] and second["sample-three"] != first["sample-three"]
    monkeypatch.setattr(corpus, "RACY_NS", -10**12)
    write(tmp_path / "a.md", GOOD.replace("完成增资。", "完成增资，规模扩大。"))  # another size
    assert {i.id: i.content_hash for i in scan_corpus(tmp_path)}["sample-one"] != first["sample-one"]


@pytest.mark.parametrize("cache", ["not json", '{"format": "kg-scan 0", "files": {}}', '{"format": "kg-scan 1"}', ""])
def test_a_scan_with_a_broken_or_old_cache_reads_the_files(tmp_path: Path, cache: str) -> None:
    _mixed_corpus(tmp_path)
    (tmp_path / SCAN_CACHE).write_text(cache, encoding="utf-8")
    assert _as_listed(list(scan_corpus(tmp_path))) == _as_listed(list(iter_corpus(tmp_path)))


# --- normalised_text_key ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "快手小贷 完成增资,注册资本增至１０亿元!\n\n",
        "快手小貸完成增資。註冊資本增至10億元！",
        "  快手小贷完成增资 ——注册资本增至“10”亿元。{IMG:1}",
        "<p>快手小贷完成增资。</p><p>注册资本增至10亿元。</p>",
    ],
)
def test_text_key_ignores_form(variant: str) -> None:
    assert normalised_text_key(variant) == normalised_text_key("快手小贷完成增资。注册资本增至10亿元。")


def test_text_key_tells_different_articles_apart() -> None:
    assert normalised_text_key("注册资本增至10亿元。") != normalised_text_key("注册资本增至5亿元。")


# --- add_article ------------------------------------------------------------------------------


@needs_dev
def test_add_plain_text_article_writes_a_readable_corpus_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"  # missing: created
    path = add_article(ARTICLE, corpus)
    assert path == corpus / "finnsp-train-0062.md"
    content = path.read_text(encoding="utf-8")
    front = yaml.safe_load(content.split("---\n")[1])
    title, site = split_site_name(ARTICLE.read_text(encoding="utf-8").split("\n")[0].strip())
    assert site  # its first line ends with the site's name: the title without it, the site as outlet
    assert front == {"id": "finnsp-train-0062", "title": title, "outlet": site, "language": "zh"}
    assert "\\u" not in content and front["title"] in content  # hanzi written as hanzi
    article = parse_corpus_file(path)
    assert article.text == clean_article_text(ARTICLE.read_text(encoding="utf-8"))
    assert "{IMG:" not in article.text
    assert [p.name for p in corpus.iterdir()] == [path.name]  # no temp file left behind


@needs_dev
def test_add_article_options_win(tmp_path: Path) -> None:
    path = add_article(
        ARTICLE, tmp_path, id="tianyan-morning-2019-04-11", title="网贷天眼早报", outlet="网贷天眼",
        source_url="https://example.com/x", published="2019-04-11",
    )
    article = parse_corpus_file(path)
    assert (article.id, article.title, article.outlet, article.source_url, article.published) == (
        "tianyan-morning-2019-04-11", "网贷天眼早报", "网贷天眼", "https://example.com/x", date(2019, 4, 11),
    )


@needs_dev
def test_add_gbk_html_page_takes_main_text_and_metadata(tmp_path: Path) -> None:
    lines = [line for line in clean_article_text(TAGGED_ARTICLE.read_text(encoding="utf-8")).split("\n")[1:] if line]
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="gbk"><title>页 - 站</title>'
        '<meta property="og:title" content="高返利平台與P2P有什麼不同">'
        '<meta property="og:site_name" content="某財經網">'
        '<meta name="pubdate" content="2019-04-11 08:00">'
        '<link rel="canonical" href="https://example.com/p2p.html">'
        "<script>var x = 'SCRIPT_MARKER';</script></head><body><nav><p>首页 NAV</p></nav>"
        f"<div id=main>{paragraphs}</div><footer><p>版权 FOOTER</p></footer></body></html>"
    )
    source = tmp_path / "saved page.htm"
    source.write_bytes(page.encode("gbk"))
    path = add_article(source, tmp_path / "corpus")
    article = parse_corpus_file(path)
    assert article.id == "saved-page"
    assert article.title == "高返利平台与P2P有什么不同"  # Traditional → Simplified
    assert article.outlet == "某财经网"
    assert article.source_url == "https://example.com/p2p.html"
    assert article.published == date(2019, 4, 11)
    assert article.text == "\n".join(lines)
    assert "SCRIPT_MARKER" not in article.text and "NAV" not in article.text and "FOOTER" not in article.text


def _variants(text: str) -> dict[str, bytes]:
    spaced = re.sub("。", "。 ", text).replace("\n", "\n\n")
    return {
        "same-file.txt": text.encode("utf-8"),
        "gbk.txt": text.encode("gbk"),
        "gb18030-crlf.txt": text.replace("\n", "\r\n").encode("gb18030"),
        "utf16.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "bom-and-spacing.txt": codecs.BOM_UTF8 + ("\n  " + spaced + "\n\n").encode("utf-8"),
    }


@needs_dev
@pytest.mark.parametrize("variant", list(_variants("x")))
def test_add_article_refuses_a_duplicate_naming_the_existing_file(tmp_path: Path, variant: str) -> None:
    corpus = tmp_path / "corpus"
    existing = add_article(ARTICLE, corpus)
    before = snapshot(corpus)
    source = tmp_path / variant
    source.write_bytes(_variants(ARTICLE.read_text(encoding="utf-8"))[variant])
    with pytest.raises(DuplicateArticleError, match=re.escape(str(existing))) as caught:
        add_article(source, corpus, id="another-id")
    assert caught.value.existing == str(existing)
    assert snapshot(corpus) == before


@needs_seed
def test_adding_the_seed_again_is_refused_as_the_shipped_entry(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SHIPPED.name).write_bytes(SHIPPED.read_bytes())
    before = snapshot(corpus)
    with pytest.raises(DuplicateArticleError) as caught:
        add_article(SEED, corpus, id="kuaishou-again")  # the seed still has the platform notice
    assert caught.value.existing == str(corpus / SHIPPED.name)
    assert snapshot(corpus) == before


@needs_dev
def test_add_article_refuses_an_id_in_use(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    first = add_article(ARTICLE, corpus, id="taken")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match=rf"id 'taken' is already used by {re.escape(str(first))}"):
        add_article(OTHER_ARTICLE, corpus, id="taken")
    assert snapshot(corpus) == before


@needs_dev
def test_add_article_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "clash.md").write_text("hand-written notes, not a corpus file\n", encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match="already exists; not overwriting"):
        add_article(ARTICLE, corpus, id="clash")
    assert snapshot(corpus) == before


def test_write_new_refuses_an_existing_target_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = write(tmp_path / "x.md", "original\n")
    with pytest.raises(CorpusError, match="already exists"):
        _write_new(target, "replacement\n")
    assert target.read_text(encoding="utf-8") == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id": "has space"}, "invalid id 'has space'"),
        ({"id": "../escape"}, "invalid id '../escape'"),
        ({"published": "2026-01"}, "published must be a date"),
    ],
)
def test_add_article_refuses_bad_options(tmp_path: Path, options: dict, message: str) -> None:
    source = write(tmp_path / "a.txt", "标题\n正文内容。\n")
    with pytest.raises(CorpusError, match=re.escape(message)):
        add_article(source, tmp_path / "corpus", **options)
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize(
    ("file_name", "id_pattern"),
    [
        ("快手小贷.txt", r"article-[0-9a-f]{8}"),
        ("Kuaishou 快手 Loan.txt", r"kuaishou-loan-[0-9a-f]{8}"),
        ("My Article (2019).TXT", r"my-article-2019"),
    ],
)
def test_add_article_derives_an_ascii_id_from_the_file_name(tmp_path: Path, file_name: str, id_pattern: str) -> None:
    source = write(tmp_path / file_name, "标题一行\n快手小贷完成增资，注册资本增至10亿元。\n")
    path = add_article(source, tmp_path / "corpus")
    assert re.fullmatch(id_pattern, path.stem)
    assert parse_corpus_file(path).id == path.stem


@pytest.mark.parametrize("content", [b"", b"\n  \n", "{IMG:1}\n<p></p>\n".encode("utf-8")])
def test_add_article_refuses_an_empty_source(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(content)
    with pytest.raises(CorpusError, match=re.escape(str(source))):
        add_article(source, tmp_path / "corpus")
    assert not (tmp_path / "corpus").exists()


def test_added_traditional_article_is_stored_simplified_with_half_width_digits(tmp_path: Path) -> None:
    source = write(tmp_path / "trad.txt", "快手小貸完成增資\n註冊資本增至１０億元。\n")
    article = parse_corpus_file(add_article(source, tmp_path / "corpus"))
    assert article.title == "快手小贷完成增资"
    assert article.text == "快手小贷完成增资\n注册资本增至10亿元。"
