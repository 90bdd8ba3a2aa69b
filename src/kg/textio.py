"""Reading untrusted article text: bytes → str, saved web pages → main text, web remnants out.

Articles arrive as whatever a browser or a colleague saved: UTF-8 with or without a BOM, GBK,
UTF-16, HTML pages, Traditional characters, full-width digits. Everything here either returns
text that can be trusted character for character or raises CorpusError: nothing is silently
replaced, because extraction offsets and evidence sentences must point at real text.

Offsets: `decode_bytes`, `read_article_text`, `to_simplified` and `normalise_width` keep the
article's characters where they are (same length, same positions). `clean_remnants` and
`html_to_text` produce a new text; offsets computed afterwards refer to that cleaned text.
"""

from __future__ import annotations

import codecs
import html as htmllib
import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from kg.errors import CorpusError, EmptyArticleError, KgError
from kg.files import load_yaml

__all__ = [
    "decode_bytes",
    "read_article_text",
    "html_to_text",
    "clean_remnants",
    "to_simplified",
    "has_traditional",
    "normalise_width",
    "clean_article_text",
    "is_html",
    "article_cues",
    "loose_date",
    "split_site_name",
    "header_facts",
]

# ---------------------------------------------------------------------------------------------
# Decoding

_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_cjk_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=65536)
def _is_common_chinese(ch: str) -> bool:
    """Punctuation or a frequent hanzi: what real Chinese text is made of.

    GB2312 rows 1–3 are punctuation and full-width forms, rows 16–55 the 3,755 most frequent
    hanzi; Big5 has the same split for Traditional text. Bytes of another encoding read as
    GB18030 land mostly elsewhere (rare hanzi, kana, GBK extension areas).
    """
    if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f":
        return True
    try:
        lead = ch.encode("gb2312")[0]
        return 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7
    except UnicodeEncodeError:
        pass
    try:
        lead = ch.encode("big5")[0]
        return 0xA1 <= lead <= 0xC6
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=65536)
def _gb2312_lead(ch: str) -> int:
    try:
        return ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 0


def _looks_chinese(text: str) -> bool:
    """True when GB18030-decoded text reads like Chinese rather than another legacy encoding.

    Three measured signals (229 real articles vs Latin-1, Shift-JIS, EUC-JP, EUC-KR, random bytes):
    most non-ASCII characters are common hanzi or Chinese punctuation (articles ≥ 0.96), at least
    half are ideographs, and — for longer texts — some hanzi come from the upper half of GB2312
    level 1 (的是在中有这为; articles ≥ 0.28), which EUC-KR Hangul read as GBK never reaches.
    """
    non_ascii = [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()]
    if not non_ascii:
        return False
    ideographs = [ch for ch in non_ascii if _is_cjk_ideograph(ch)]
    if len(ideographs) < 0.5 * len(non_ascii):
        return False
    if sum(map(_is_common_chinese, non_ascii)) < 0.8 * len(non_ascii):
        return False
    if len(ideographs) >= 20:
        upper = sum(1 for ch in ideographs if _gb2312_lead(ch) > 0xC8)
        if upper < 0.1 * len(ideographs):
            return False
    return True


def _reject_nul(text: str, data: bytes, source: str, *, utf16: bool = False) -> str:
    """NUL never occurs in an article; it means a binary file or UTF-16 without a BOM."""
    if "\x00" in text:
        index = text.index("\x00")
        offset = 2 + len(text[:index].encode("utf-16-le")) if utf16 else data.find(b"\x00")
        raise CorpusError(
            f"{source}: NUL character at byte offset {offset}: not a text file "
            "(binary, or UTF-16 without a byte-order mark)"
        )
    return text


def decode_bytes(data: bytes, *, source: str) -> str:
    """Decode an article's bytes strictly: UTF-8 (BOM optional), GB18030/GBK, UTF-16 with a BOM.

    GB18030 is tried only after UTF-8 fails and is accepted only when the result looks like
    Chinese, because almost any byte soup decodes as GB18030. Nothing is ever replaced: a byte
    that fits no encoding raises CorpusError naming `source` and the offset of the first byte
    that is not UTF-8 (and of the first that is not GB18030, when that decoding fails too).
    A NUL character is refused as well: it means a binary file or UTF-16 without a BOM.
    """
    if data.startswith(codecs.BOM_UTF8):
        bom = len(codecs.BOM_UTF8)
        try:
            return _reject_nul(data[bom:].decode("utf-8"), data, source)
        except UnicodeDecodeError as exc:
            offset = bom + exc.start
            raise CorpusError(
                f"{source}: has a UTF-8 byte-order mark but byte 0x{data[offset]:02x} "
                f"at byte offset {offset} is not valid UTF-8"
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _reject_nul(data.decode("utf-16"), data, source, utf16=True)
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{source}: has a UTF-16 byte-order mark but the bytes at byte offset "
                f"{exc.start} are not valid UTF-16"
            ) from None
    try:
        return _reject_nul(data.decode("utf-8"), data, source)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        gb_note = f"as GB18030/GBK byte 0x{data[exc.start]:02x} at byte offset {exc.start} is invalid"
    else:
        if _looks_chinese(text):
            return _reject_nul(text, data, source)
        gb_note = "as GB18030/GBK it does not read as Chinese text"
    bad = utf8_error.start
    raise CorpusError(
        f"{source}: cannot decode: byte 0x{data[bad]:02x} at byte offset {bad} is not UTF-8; "
        f"{gb_note}; and there is no UTF-16 byte-order mark"
    )


_NEWLINES = re.compile(r"\r\n?")


def read_article_text(path: str | os.PathLike[str]) -> str:
    """An article file's text: decoded, newlines as \\n, trailing whitespace stripped.

    Leading text is kept as is so that offsets match the file as read. A missing file, a
    folder, an unreadable file and an empty or whitespace-only file are CorpusErrors.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a directory, not an article file") from None
    except OSError as exc:
        if p.is_dir():
            raise CorpusError(f"{path}: is a directory, not an article file") from None
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = _NEWLINES.sub("\n", decode_bytes(data, source=str(path))).rstrip()
    if not text.strip():
        raise EmptyArticleError(f"{path}: empty article")
    return text


# ---------------------------------------------------------------------------------------------
# Web remnants

# Tags that turn up as literal text in scraped articles. Only real HTML element names are
# matched, so that "<5%" or "<A股>" in a sentence is left alone.
_BLOCK_TAGS = (
    "p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|table|thead|tbody|tfoot|tr|header|footer|article|"
    "section|aside|nav|main|blockquote|pre|figure|figcaption|center|address"
)
_INLINE_TAGS = (
    "span|strong|b|i|em|u|s|a|img|font|sup|sub|small|big|label|code|strike|ins|del|mark|abbr|"
    "cite|q|wbr|td|th|iframe|video|audio|source|embed|object|picture"
)
_TAG = r"<\s*/?\s*(?:{names})(?=[\s/>])[^<>]*>"
_BLOCK_RE = _TAG.format(names=_BLOCK_TAGS)
_INLINE_RE = _TAG.format(names=_INLINE_TAGS)
_REMNANT = re.compile(
    rf"(?P<block>{_BLOCK_RE})"
    rf"|(?P<inline>{_INLINE_RE}"
    r"|<!--.{0,200}?-->"  # <!--IMG_0--> placeholders
    r"|\{IMG:\d+\}"  # {IMG:1} placeholders
    r"|!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\))",  # markdown image stubs ![](...)
    re.IGNORECASE | re.DOTALL,
)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_BLANKS = " \t\u3000"


def _marks(text: str) -> tuple[str, str]:
    """Two private-use characters absent from the text, to mark where remnants were."""
    free = (chr(cp) for cp in range(0xF0000, 0xF0100) if chr(cp) not in text)
    return next(free), next(free)


def clean_remnants(text: str) -> str:
    """Remove web remnants ({IMG:1}, stray <p>/<br>/<span …> tags, <!-- -->, ![](…)), decode &nbsp;-style entities.

    Only the remnants and the blanks around them change; all other characters stay as they
    are, in order. A block tag between two pieces of text becomes a line break (so that
    "…。</p><p>…" still ends a paragraph), a line made only of remnants disappears, and
    entities are decoded (&nbsp; → U+00A0, &middot; → ·). The result is a new text: offsets
    computed from it refer to the cleaned text, not to the input.
    """
    block, inline = _marks(text)
    marked = _REMNANT.sub(lambda m: block if m.group("block") else inline, text)
    if block in marked or inline in marked:
        strip = _BLANKS + block + inline
        lines = [
            line for line in marked.split("\n")
            if not ((block in line or inline in line) and not line.strip(strip))  # remnants only
        ]
        marked = "\n".join(lines)
        run = re.compile(f"[{_BLANKS}]*[{block}{inline}][{strip}]*")

        def replace(match: re.Match[str]) -> str:
            at_line_start = match.start() == 0 or marked[match.start() - 1] == "\n"
            at_line_end = match.end() == len(marked) or marked[match.end()] == "\n"
            if at_line_start or at_line_end:
                return ""
            if block in match.group(0):
                return "\n"
            return " " if match.group(0).strip(block + inline) else ""

        marked = run.sub(replace, marked)
    return _ENTITY.sub(lambda m: htmllib.unescape(m.group(0)), marked)


# ---------------------------------------------------------------------------------------------
# Traditional → Simplified, full-width → half-width (both keep the length)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # imported lazily: loading its dictionaries takes a while

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_only() -> frozenset[str] | None:
    """Characters that t2s changes and that Simplified text does not use (not in GB2312).

    GB2312 is the Simplified character set, so 著, 乾, 後, 於 (also correct in Simplified text)
    do not count; 們, 貸, 網 do. None when opencc's dictionary file cannot be found.
    """
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    try:
        lines = table.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    chars = set()
    for line in lines:
        key = line.split("\t", 1)[0]
        if len(key) == 1 and not _gb2312_lead(key):
            chars.add(key)
    return frozenset(chars)


def has_traditional(text: str) -> bool:
    """Cheap check: does the text hold a character only Traditional Chinese uses?"""
    trad = _traditional_only()
    if trad is None:
        return _t2s().convert(text) != text
    return not trad.isdisjoint(text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s), keeping the length and every position.

    Applied only when the text holds Traditional-only characters, so that Simplified text
    that merely contains 著 or 乾 is never touched. Should a phrase conversion change the
    length, the text is converted character by character instead (characters whose
    conversion is not one character stay as they are), so offsets stay meaningful.
    Punctuation is left alone.
    """
    if not text or not has_traditional(text):
        return text
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        one = converter.convert(ch)
        out.append(one if len(one) == 1 else ch)
    return "".join(out)


_WIDTH = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}


def normalise_width(text: str) -> str:
    """Full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ) → ASCII; one character each.

    Numbers and names then match regardless of the input method; Chinese punctuation
    (，。％（）) is kept as written.
    """
    return text.translate(_WIDTH)


def clean_article_text(text: str) -> str:
    """What a corpus stores: remnants removed, ASCII digits and letters, Simplified characters.

    Only clean_remnants changes positions; the other two steps keep every character in place.
    Leading blank lines and trailing whitespace go, as they would when the file is read back.
    """
    text = to_simplified(normalise_width(clean_remnants(text)))
    return _LEADING_BLANK_LINES.sub("", text).rstrip()


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t\u3000]*\n)+")


# ---------------------------------------------------------------------------------------------
# Saved web pages

_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
         "iframe", "svg", "button", "select", "textarea", "object", "embed", "canvas", "head")
_BREAKS = frozenset(
    "p div br hr li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th article "
    "section main blockquote pre figure figcaption center address body html".split()
)
_SPACE = re.compile(r"\s+")
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)


def is_html(text: str) -> bool:
    """True for a saved web page (starts with <!doctype html> or <html>)."""
    return bool(_HTML_START.match(text[:4096]))


def _cjk_count(text: str) -> int:
    return len(_CJK_IDEOGRAPH.findall(text))


def _main_element(soup):
    """The element holding the article: an <article>, else the parent of the most Chinese <p>s.

    An <article> wins unless it holds less than half the Chinese of the best <p> parent
    (pages that use <article> for teaser boxes). Falls back to <body>.
    """
    scores: dict[int, list] = {}
    for p in soup.find_all("p"):
        if p.parent is not None:
            entry = scores.setdefault(id(p.parent), [0, p.parent])
            entry[0] += _cjk_count(p.get_text())
    best_count, best = max(scores.values(), key=lambda entry: entry[0], default=(0, None))
    articles = [(_cjk_count(a.get_text()), a) for a in soup.find_all("article")]
    article_count, article = max(articles, key=lambda entry: entry[0], default=(0, None))
    if article is not None and article_count and article_count >= 0.5 * best_count:
        return article
    if best is not None and best_count:
        return best
    return soup.body or soup


def _lines(element) -> list[str]:
    """The element's text, one line per block element; blanks collapsed as a browser would."""
    from bs4 import Comment, NavigableString, Tag

    parts: list[str] = []

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                name = (child.name or "").lower()
                if name in _BREAKS:
                    parts.append("\n")
                walk(child)
                if name in _BREAKS:
                    parts.append("\n")

    walk(element)
    lines = []
    for raw in "".join(parts).split("\n"):
        line = _SPACE.sub(" ", raw).strip()
        if line:
            lines.append(line)
    return lines


def _meta(soup) -> dict[str, str]:
    def content(*selectors: tuple[str, str]) -> str | None:
        for attr, value in selectors:
            tag = soup.find("meta", attrs={attr: re.compile(rf"^{re.escape(value)}$", re.I)})
            if tag and tag.get("content", "").strip():
                return _SPACE.sub(" ", tag["content"]).strip()
        return None

    meta: dict[str, str] = {}
    title = content(("property", "og:title"), ("name", "og:title"))
    if not title and soup.title and soup.title.get_text().strip():
        title = _SPACE.sub(" ", soup.title.get_text()).strip()
    if title:
        meta["title"] = title
    site = content(("property", "og:site_name"), ("name", "og:site_name"))
    if site:
        meta["site_name"] = site
    published = content(
        ("property", "article:published_time"), ("name", "article:published_time"),
        ("name", "pubdate"), ("name", "publishdate"), ("name", "PubDate"),
        ("itemprop", "datePublished"), ("name", "date"), ("name", "dc.date"),
    )
    if not published:
        time_tag = soup.find("time", attrs={"datetime": True})
        if time_tag and time_tag["datetime"].strip():
            published = time_tag["datetime"].strip()
    if published:
        meta["published"] = published
    url = ""
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rels = rel.split() if isinstance(rel, str) else rel
        if "canonical" in (r.lower() for r in rels) and link["href"].strip():
            url = link["href"].strip()
            break
    url = url or content(("property", "og:url"), ("name", "og:url")) or ""
    if url:
        meta["url"] = url
    root = soup.find("html")
    if root and root.get("lang", "").strip():
        meta["language"] = root["lang"].strip()
    return meta


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Main text of a saved web page and what its head says about it.

    Scripts, styles, navigation, headers, footers, asides and forms are dropped; the main
    element is the <article> (the one with the most Chinese, if several), else the element
    whose <p> children hold the most Chinese. Paragraphs are separated by \\n. The metadata
    dict has any of: title (og:title, else <title>), site_name (og:site_name), published
    (article:published_time, pubdate, date, <time datetime>, as written), url (canonical,
    else og:url), language (<html lang>).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    meta = _meta(soup)
    for tag in soup.find_all(list(_DROP)):
        tag.decompose()
    return "\n".join(_lines(_main_element(soup))), meta


def analysis_text(text: str) -> str:
    """The text extraction reads: same length and positions as the input, so every offset found
    in it points into the article as stored. Web remnants and HTML entities become spaces,
    full-width digits and letters half-width, Traditional characters Simplified."""
    masked = text
    if "<" in masked or "{" in masked or "![" in masked:  # every remnant starts with one of these
        masked = _REMNANT.sub(lambda m: " " * len(m.group(0)), masked)
    if "&" in masked:
        masked = _ENTITY.sub(lambda m: " " * len(m.group(0)), masked)
    masked = masked.translate(_NUMBER_MARKS)
    return to_simplified(normalise_width(masked))


_NUMBER_MARKS = {0xFF0E: ".", 0xFF05: "%"}  # １７．６％ reads as a number once its digits are ASCII


# ---------------------------------------------------------------------------------------------
# What an article's own text says about it: the site name after its title, its date and source lines

CUES_FILE = Path(__file__).with_name("article_cues.yaml")
_MEDIA_FILE = Path(__file__).parent / "extract" / "vocab" / "media.yaml"  # outlet_endings, declared there
_HEAD_CHARS = 240
"""How far into the text date and source lines are looked for. The dev articles that have them state
them within their first 120 characters; digests quote other stories' （来源：…） from 250 on."""
_SITE_NAME_MAX = 12
_SENTENCE_MARKS = frozenset("，。！？!?,；;：:、“”\"《》()（）")
_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_NOT_AFTER = r"(?<![\u3400-\u9fff（(])"  # a cue right after a hanzi or an opening bracket is no cue


@lru_cache(maxsize=1)
def article_cues() -> dict[str, tuple[str, ...]]:
    """The cue lists of article_cues.yaml (plus media.yaml's outlet endings), read once and checked."""
    try:
        raw = load_yaml(CUES_FILE.read_text(encoding="utf-8"))
        media = load_yaml(_MEDIA_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KgError(f"{CUES_FILE}: cannot read: {exc}") from None
    keys = ("title_separators", "site_name_endings", "date_cues", "outlet_cues", "not_outlets",
            "text_fields", "title_fields", "url_fields", "published_fields", "outlet_fields", "id_fields",
            "folder_documents")
    if not isinstance(raw, dict) or sorted(raw) != sorted(keys):
        raise KgError(f"{CUES_FILE}: expected exactly the keys {', '.join(keys)}")
    for key, value in raw.items():
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise KgError(f"{CUES_FILE}, key {key}: must be a non-empty list of non-empty text")
    cues = {key: tuple(value) for key, value in raw.items()}
    cues["site_name_endings"] += tuple(media["outlet_endings"])
    return cues


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Separator, dated-line and source-line patterns built from the cue words."""
    cues = article_cues()
    alternation = lambda key: "|".join(map(re.escape, cues[key]))  # noqa: E731
    day = r"(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
    stamp = r"(?P<stamp>\d{4}[-/]\d{1,2}[-/]\d{1,2})\s+\d{1,2}:\d{2}"  # a page's 2018-12-21 20:51, not 截止2019年4月5日 23:59
    dated = re.compile(rf"{_NOT_AFTER}(?:{alternation('date_cues')})\s*[:：]?\s*{day}|{stamp}")
    source = re.compile(
        rf"{_NOT_AFTER}(?:{alternation('outlet_cues')})\s*[:：]\s*(?P<outlet>[^\s?？|｜，,。;；:：/、]{{2,{_SITE_NAME_MAX}}})(?=[\s?？|｜]|$)")
    return re.compile(alternation("title_separators")), dated, source


def loose_date(value: str | None) -> date | None:
    """The first date written as 2019-03-05, 2019/3/5, 2019.3.5 or 2019年3月5日 in `value`, if a real one."""
    match = _LOOSE_DATE.search(value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _is_site_name(name: str) -> bool:
    if _DOMAIN.match(name):
        return len(name) <= 63
    if not 0 < len(name) <= _SITE_NAME_MAX or _SENTENCE_MARKS.intersection(name):
        return False
    return name.endswith(article_cues()["site_name_endings"])


def split_site_name(title: str) -> tuple[str, str | None]:
    """The title without the site names a page appends after separators, and the last of them.

    "标题_新浪财经" → ("标题", "新浪财经"); "标题_财经频道_凤凰网" → ("标题", "凤凰网"). A part that
    does not read as a site name (a second headline, a column such as 网贷预警) stays in the title,
    and so does the whole title when less than 4 characters would be left."""
    separator = _patterns()[0]
    rest, site = title.strip(), None
    while cuts := list(separator.finditer(rest)):
        head, tail = rest[:cuts[-1].start()].strip(), rest[cuts[-1].end():].strip()
        if len(head) < 4 or not _is_site_name(tail):
            break
        rest, site = head, site or tail
    return rest, site


def header_facts(text: str) -> tuple[date | None, str | None]:
    """The publication date and the outlet that the top of an article states, each None if not.

    Read from the first characters only, where a saved article carries its 发布时间：… and 来源：…
    lines (or a bare 2018-12-21 20:51 stamp); the （来源：…） of stories quoted further down and
    dates in the body are not the article's own. Outlets such as 网络 or 本站 say nothing."""
    _, dated, source = _patterns()
    head = text[:_HEAD_CHARS]
    when = None
    for match in dated.finditer(head):
        when = loose_date(match.group("date") or match.group("stamp"))
        if when:
            break
    outlet = None
    for match in source.finditer(head):
        if match.group("outlet") not in article_cues()["not_outlets"]:
            outlet = match.group("outlet")
            break
    return when, outlet
