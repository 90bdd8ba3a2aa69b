"""textio: untrusted bytes and pages in, trustworthy text out (or a CorpusError that says why).

Real articles are read from /work/shared at test time (never copied into the project);
encoded variants and web pages around them are built in tmp_path.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from kg import textio
from kg.errors import CorpusError
from kg.textio import (
    clean_remnants,
    clean_article_text,
    decode_bytes,
    has_traditional,
    html_to_text,
    is_html,
    normalise_width,
    read_article_text,
    to_simplified,
)

DEV = Path("/work/shared/corpus-dev")
GBK_SAFE_ARTICLE = DEV / "finnsp-train-0062.txt"  # {IMG:n} placeholders, every character in GBK
TAGGED_ARTICLE = DEV / "finnsp-train-0120.txt"  # <p>, <span style=…>, <header> as literal text
UPPERCASE_TAGS_ARTICLE = DEV / "finnsp-eval-0459.txt"  # <P>, <STRONG>-style tags, <!--IMG_0-->
ENTITY_ARTICLE = DEV / "finnsp-train-3705.txt"  # &middot;

needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="development corpus not available")


def dev_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").rstrip()


# --- decode_bytes / read_article_text ---------------------------------------------------------


@needs_dev
@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le-bom", "utf-16-be-bom"]
)
def test_real_article_decodes_from_every_supported_encoding(encoding: str) -> None:
    text = dev_text(GBK_SAFE_ARTICLE)
    if encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    assert decode_bytes(data, source="article.txt") == text


@needs_dev
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_file_reads_as_the_original_text(tmp_path: Path, encoding: str) -> None:
    text = dev_text(GBK_SAFE_ARTICLE)
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    assert read_article_text(path) == text


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "快手小贷增资至10亿元。\n".encode("utf-8"))
    assert read_article_text(path) == "快手小贷增资至10亿元。"


def test_newlines_normalised_and_trailing_blanks_stripped_leading_kept(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("  标题\r\n第一段。\r第二段。\r\n\r\n  \t\n".encode("utf-8"))
    assert read_article_text(path) == "  标题\n第一段。\n第二段。"


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        ("网络小贷".encode("utf-8") + b"\xff" + "牌照".encode("utf-8"), 12),
        (b"plain ascii \x80 then more", 12),
        (codecs.BOM_UTF8 + "快手".encode("utf-8") + b"\xc3(", 9),
    ],
)
def test_undecodable_bytes_raise_with_source_and_byte_offset(data: bytes, offset: int) -> None:
    with pytest.raises(CorpusError, match=rf"^broken\.txt: .*byte offset {offset}\b"):
        decode_bytes(data, source="broken.txt")


@needs_dev
def test_gbk_text_with_a_stray_byte_names_the_gb18030_offset_too() -> None:
    good = dev_text(GBK_SAFE_ARTICLE)[:200].encode("gbk")
    with pytest.raises(CorpusError, match=rf"GB18030/GBK byte 0x80 at byte offset {len(good)}"):
        decode_bytes(good + b"\x80" + "。".encode("gbk"), source="x.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Die Bundesanstalt prüft Gebühren für Überweisungen; größer und schöner. " * 4, "latin-1"),
        ("한국은행은 기준금리를 동결했다고 밝혔습니다. 금융위원회는 대출 규제를 강화했다. " * 4, "euc-kr"),
        ("日本銀行は金融政策決定会合で、短期金利の誘導目標を据え置くことを決めました。" * 4, "shift_jis"),
    ],
)
def test_other_legacy_encodings_are_not_mistaken_for_gbk(text: str, encoding: str) -> None:
    with pytest.raises(CorpusError, match="cannot decode"):
        decode_bytes(text.encode(encoding), source="foreign.txt")


def test_utf16_without_bom_is_refused_not_read_with_nuls() -> None:
    with pytest.raises(CorpusError, match="NUL character at byte offset 1"):
        decode_bytes("Kuaishou loan".encode("utf-16-le"), source="u16.txt")


def test_decoding_never_replaces_characters() -> None:
    with pytest.raises(CorpusError):
        decode_bytes(b"\xff\xfe\xff", source="odd.txt")  # UTF-16 BOM, then half a code unit


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty article"),
        (b"   \n\t\r\n\xe3\x80\x80\n", "empty article"),  # blanks, including U+3000
        (codecs.BOM_UTF8 + b"\n\n", "empty article"),
    ],
)
def test_empty_or_blank_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=re.escape(f"{path}: {message}")):
        read_article_text(path)


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        read_article_text(tmp_path / "absent.txt")
    with pytest.raises(CorpusError, match="is a directory"):
        read_article_text(tmp_path)


# --- clean_remnants ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("{IMG:1} ? 新闻每天都在发生", "? 新闻每天都在发生"),
        ("![]()\n出品|中访网\n正文。", "出品|中访网\n正文。"),
        ("正文</p><p>第二段<br/>第三段", "正文\n第二段\n第三段"),
        ("<P><strong>标题</strong></P><P><!--IMG_0--></P><P>正文</P>", "标题\n正文"),
        ("<span style=font-weight: bold;>加粗</span>的句子", "加粗的句子"),
        ("前文 {IMG:12} 后文", "前文 后文"),
        ("金额&nbsp;10亿元&middot;同比&#x589E;长", "金额\u00a010亿元·同比增长"),
        ("利率<5%，<A股>与 AT&T; R&D 不变", "利率<5%，<A股>与 AT&T; R&D 不变"),
        ("第一段\n\n第二段", "第一段\n\n第二段"),
        ("图片![配图](https://example.com/a.png)之后", "图片之后"),
    ],
)
def test_clean_remnants_removes_only_remnants(raw: str, cleaned: str) -> None:
    assert clean_remnants(raw) == cleaned


_TEST_REMNANT = re.compile(
    r"\{IMG:\d+\}|<!--.*?-->|!\[[^\]]*\]\([^)]*\)|</?(?:p|br|div|span|strong|header|footer|article|section|font|b|a|img)\b[^<>]*>",
    re.I,
)


@needs_dev
@pytest.mark.parametrize("path", [GBK_SAFE_ARTICLE, TAGGED_ARTICLE, UPPERCASE_TAGS_ARTICLE])
def test_cleaning_real_articles_keeps_every_other_character_in_order(path: Path) -> None:
    raw = dev_text(path)
    cleaned = clean_remnants(raw)
    assert "{IMG:" not in cleaned and not re.search(r"</?(?:p|span|strong)\b", cleaned, re.I)
    assert re.sub(r"\s", "", cleaned) == re.sub(r"\s", "", _TEST_REMNANT.sub("", raw))


@needs_dev
def test_cleaning_decodes_entities_in_a_real_article() -> None:
    cleaned = clean_remnants(dev_text(ENTITY_ARTICLE))
    assert "&middot;" not in cleaned and "·" in cleaned


def test_clean_remnants_survives_private_use_characters_in_the_text() -> None:
    text = "".join(chr(cp) for cp in range(0xF0000, 0xF0004)) + "{IMG:1}正文"
    assert clean_remnants(text) == "".join(chr(cp) for cp in range(0xF0000, 0xF0004)) + "正文"


# --- Traditional → Simplified, width ----------------------------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("快手小貸躋身廣州網絡小貸行業前十", "快手小贷跻身广州网络小贷行业前十"),
        ("他們的貸款餘額為１３５億元。", "他们的贷款余额为１３５亿元。"),  # punctuation and width kept
        ("監管機構發佈《辦法》，計畫儘快實施", "监管机构发布《办法》，计划尽快实施"),
    ],
)
def test_traditional_becomes_simplified_with_the_same_length(traditional: str, simplified: str) -> None:
    out = to_simplified(traditional)
    assert out == simplified
    assert len(out) == len(traditional)


@pytest.mark.parametrize("text", ["著名的乾隆年间", "快手小贷跻身广州网络小贷行业前十", "ASCII only", ""])
def test_simplified_text_is_returned_untouched(text: str) -> None:
    assert not has_traditional(text)
    assert to_simplified(text) is text


@needs_dev
def test_real_article_converted_to_traditional_and_back_keeps_length_and_text() -> None:
    from opencc import OpenCC

    original = dev_text(GBK_SAFE_ARTICLE)
    traditional = OpenCC("s2t").convert(original)
    assert has_traditional(traditional)
    back = to_simplified(traditional)
    assert len(back) == len(original)
    same = sum(a == b for a, b in zip(back, original))
    assert same / len(original) > 0.995  # a few one-to-many characters may differ


def test_length_changing_conversion_falls_back_to_character_by_character(monkeypatch) -> None:
    class Stretching:
        def convert(self, text: str) -> str:
            if len(text) > 1:
                return text + "多"  # what a length-changing phrase rule would do
            return {"貸": "贷", "們": "们"}.get(text, text)

    monkeypatch.setattr(textio, "_t2s", lambda: Stretching())
    assert to_simplified("他們貸款") == "他们贷款"


@pytest.mark.parametrize(
    ("wide", "narrow"),
    [
        ("２０２５年第二季度", "2025年第二季度"),
        ("ＧＭＶ同比增长１７．６％", "GMV同比增长17．6％"),  # full-width ．and ％ are punctuation: kept
        ("ａｐｐ，。！（）", "app，。！（）"),
        ("already 2025", "already 2025"),
    ],
)
def test_full_width_digits_and_letters_become_ascii_one_for_one(wide: str, narrow: str) -> None:
    assert normalise_width(wide) == narrow
    assert len(normalise_width(wide)) == len(wide)


def test_clean_article_text_combines_cleaning_width_and_script() -> None:
    assert clean_article_text("\n{IMG:1}\n快手小貸註冊資本增至１０億元</p><p>完成。\n") == "快手小贷注册资本增至10亿元\n完成。"


# --- HTML -------------------------------------------------------------------------------------


def _paragraphs(path: Path, count: int = 4) -> list[str]:
    """Sentences of a real article, to stand in for a page's paragraphs."""
    body = clean_remnants(dev_text(path).split("\n", 1)[1])
    sentences = [s.strip() + "。" for s in body.split("。") if len(s.strip()) > 15]
    return sentences[:count]


def _page(paragraphs: list[str], *, wrap_in_article: bool = True) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    main = f"<article><h1>页面标题</h1>{body}<script>var inArticle = 'SCRIPT_IN_ARTICLE';</script></article>"
    if not wrap_in_article:
        main = f'<div class="content">{body}</div><div class="side"><p>推荐阅读：热门</p><p>广告</p></div>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>页面标题 - 某财经网</title>
  <meta property="og:title" content="页面标题">
  <meta property="og:site_name" content="某财经网">
  <meta property="article:published_time" content="2019-04-11T08:30:00+08:00">
  <link rel="canonical" href="https://example.com/news/1.html">
  <script>var tracker = "SCRIPT_IN_HEAD 统计代码";</script>
  <style>p {{ color: red; }} .STYLE_MARKER {{}}</style>
</head>
<body>
  <header><p>网站首页 新闻 财经 HEADER_MARKER</p></header>
  <nav><ul><li>首页</li><li>理财 NAV_MARKER</li></ul></nav>
  {main}
  <aside><p>相关文章：其他新闻 ASIDE_MARKER</p></aside>
  <form><p>发表评论 FORM_MARKER</p><input name="q"></form>
  <footer><p>版权所有 FOOTER_MARKER</p></footer>
  <script type="application/ld+json">{{"headline": "SCRIPT_LD_JSON"}}</script>
  <noscript>NOSCRIPT_MARKER</noscript>
</body>
</html>"""


@needs_dev
@pytest.mark.parametrize("wrap_in_article", [True, False])
def test_page_gives_main_text_only_one_paragraph_per_line(wrap_in_article: bool) -> None:
    paragraphs = _paragraphs(GBK_SAFE_ARTICLE)
    text, _ = html_to_text(_page(paragraphs, wrap_in_article=wrap_in_article))
    lines = text.split("\n")
    for paragraph in paragraphs:
        assert paragraph in lines
    assert [line for line in lines if line in paragraphs] == paragraphs
    for marker in ("SCRIPT", "STYLE", "HEADER", "NAV", "ASIDE", "FORM", "FOOTER", "NOSCRIPT", "推荐阅读"):
        assert marker not in text


@needs_dev
def test_script_content_never_appears_in_page_text() -> None:
    paragraphs = _paragraphs(TAGGED_ARTICLE)
    page = _page(paragraphs).replace("<p>", "<p><script>document.write('SCRIPT_INLINE')</script>", 1)
    text, _ = html_to_text(page)
    assert "SCRIPT" not in text and "document.write" not in text and "统计代码" not in text


@needs_dev
def test_page_metadata_is_picked_up() -> None:
    _, meta = html_to_text(_page(_paragraphs(GBK_SAFE_ARTICLE)))
    assert meta == {
        "title": "页面标题",
        "site_name": "某财经网",
        "published": "2019-04-11T08:30:00+08:00",
        "url": "https://example.com/news/1.html",
        "language": "zh-CN",
    }


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<title> 只有标题 </title>", {"title": "只有标题"}),
        ('<meta name="pubdate" content="2019-04-11">', {"published": "2019-04-11"}),
        ('<meta name="date" content="2018/07/06">', {"published": "2018/07/06"}),
        ('<meta property="og:url" content="https://example.com/x">', {"url": "https://example.com/x"}),
        ("", {}),
    ],
)
def test_page_metadata_fallbacks(head: str, expected: dict) -> None:
    _, meta = html_to_text(f"<html><head>{head}</head><body><p>正文内容。</p></body></html>")
    assert meta == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html>", True),
        ("\n  <!doctype HTML>\n<html lang=zh>", True),
        ("<html><body>", True),
        ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', True),
        ("<p>正文</p>", False),
        ("快手小贷\n<html>", False),
    ],
)
def test_is_html_recognises_saved_pages(text: str, expected: bool) -> None:
    assert is_html(text) is expected


@needs_dev
def test_teaser_articles_do_not_outweigh_the_main_text() -> None:
    paragraphs = _paragraphs(GBK_SAFE_ARTICLE)
    page = (
        "<html><body><article><p>推荐：另一篇短文</p></article>"
        f"<div id=main>{''.join(f'<p>{p}</p>' for p in paragraphs)}</div></body></html>"
    )
    text, _ = html_to_text(page)
    assert text.split("\n") == paragraphs
