"""The corpus: one article per Markdown file with YAML front matter, in one folder.

    ---
    id: kuaishou-microloan-guangzhou-top10
    title: 快手小贷跻身广州网络小贷行业前十
    outlet: 中访网
    source_url: https://...
    published: 2026-01-15
    language: zh
    ---
    <article body>

`id` and `title` are required; other keys are optional and unknown keys (such as `note`) are
ignored, so a file can record what is not known instead of inventing it. The body is the
article text that extraction offsets refer to. Files are added with `add_article`, which
cleans the text once, refuses duplicates and never overwrites anything.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import yaml

from kg.errors import ArticleTooLongError, CorpusError, DuplicateArticleError, EmptyArticleError
from kg.files import folder_lock, load_yaml, remove_leftovers, temp_path
from kg.model import Article
from kg.textio import (
    clean_remnants,
    clean_article_text,
    html_to_text,
    is_html,
    normalise_width,
    read_article_text,
    to_simplified,
)

__all__ = [
    "parse_corpus_file",
    "load_article",
    "iter_corpus",
    "normalised_text_key",
    "add_article",
    "remove_interrupted_writes",
    "ARTICLE_ID",
    "MAX_ARTICLE_CHARS",
]

ARTICLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
"""What an id may look like: it names the corpus file and goes into IRIs unchanged."""

MAX_ARTICLE_CHARS = 100_000
"""The ceiling on one article's text, in characters. `kg add` refuses a longer article and a build
reports and skips a longer corpus file, so one article can never fail every later build (spaCy
refuses texts over 1,000,000 characters, and extraction time and memory grow with length).
News articles are far shorter: the longest of the 230 dev articles has 7,200 characters."""

MAX_PAGE_BYTES = 64 * 1024 * 1024
"""A saved web page larger than this is refused unread (its main text is what counts)."""

_MAX_BYTES_PER_CHAR = 4  # UTF-8 and GB18030 take at most 4 bytes per character, UTF-16 4
_FRONT_MATTER_ALLOWANCE = 64 * 1024
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_OPEN = re.compile(r"\A---[ \t]*\n")
_CLOSE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_NEAR_DUPLICATE = 0.8  # a text inside another one at least this long counts as the same article


# ---------------------------------------------------------------------------------------------
# Reading


def _too_long(where: object, chars: int) -> ArticleTooLongError:
    return ArticleTooLongError(
        f"{where}: {chars:,} characters, over the ceiling of {MAX_ARTICLE_CHARS:,} characters per "
        "article; split it into several articles")


def check_length(text: str, where: object) -> str:
    """`text` itself, or ArticleTooLongError when it is over MAX_ARTICLE_CHARS."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise _too_long(where, len(text))
    return text


def _check_file_size(path: Path, *, allowance: int = 0, limit: int | None = None) -> None:
    """Refuse unread a file too large to hold an article within the ceiling (or over `limit` bytes)."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_article_text reports missing and unreadable files
    if limit is not None:
        if size > limit:
            raise ArticleTooLongError(f"{path}: {size:,} bytes, over the limit of {limit:,} bytes for a saved page")
        return
    if size > MAX_ARTICLE_CHARS * _MAX_BYTES_PER_CHAR + allowance:
        raise ArticleTooLongError(
            f"{path}: {size:,} bytes, over the ceiling of {MAX_ARTICLE_CHARS:,} characters per article "
            "in any encoding; split it into several articles")


def _has_front_matter(text: str) -> bool:
    return bool(_OPEN.match(text))


def _key_line(front: str, key: str) -> int | None:
    """The file line (1-based, the opening '---' is line 1) where `key:` is written."""
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
    for number, line in enumerate(front.split("\n"), start=2):
        if pattern.match(line):
            return number
    return None


def _where(path: object, front: str, key: str) -> str:
    line = _key_line(front, key)
    return f"{path}: line {line}" if line else f"{path}"


def _load_yaml(front: str, path: object) -> object:
    lines = front.split("\n")
    try:
        return load_yaml(front)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at_end = mark is None or mark.line >= len(lines) or not lines[mark.line].strip()
        if at_end and exc.context_mark is not None:
            mark = exc.context_mark  # "got <stream end>": point at what was left open instead
        if mark is None:
            raise CorpusError(f"{path}: malformed YAML in front matter: {exc}") from None
        number = mark.line + 2
        text = lines[mark.line] if mark.line < len(lines) else ""
        problem = "; ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
        raise CorpusError(
            f"{path}: line {number}: malformed YAML in front matter ({problem}): {text!r}"
        ) from None
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: malformed YAML in front matter: {exc}") from None
    except ValueError as exc:  # a timestamp-looking value that is no date, e.g. 2026-13-01
        for number, line in enumerate(lines, start=2):
            value = line.partition(":")[2].strip()
            if re.match(r"^\d{4}-\d{1,2}-\d{1,2}", value):
                try:
                    date.fromisoformat(value[:10])
                except ValueError:
                    raise CorpusError(f"{path}: line {number}: not a valid date ({exc}): {line!r}") from None
        raise CorpusError(f"{path}: invalid value in front matter: {exc}") from None


def _as_date(value: object) -> date | None:
    """A YAML date, or a 'YYYY-MM-DD' string, as a date; None for no value; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        return date.fromisoformat(value.strip())
    raise ValueError(value)


def _optional_str(data: dict, key: str, front: str, path: object) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CorpusError(
            f"{_where(path, front, key)}: front matter key '{key}' must be text, "
            f"got {type(value).__name__} {value!r}"
        )
    return value.strip() or None


def _article_from_text(text: str, path: object) -> Article:
    """Split front matter from body and check every key; `path` is only used in messages."""
    if not _has_front_matter(text):
        raise CorpusError(f"{path}: no front matter: a corpus file starts with a '---' line")
    opened = _OPEN.match(text)
    assert opened is not None
    closing = _CLOSE.search(text, opened.end())
    if closing is None:
        raise CorpusError(
            f"{path}: front matter opened on line 1 is never closed: add a '---' line after it"
        )
    front = text[opened.end():closing.start()]
    body = text[closing.end():].lstrip("\n")
    data = _load_yaml(front, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CorpusError(
            f"{path}: front matter must be 'key: value' lines, got a {type(data).__name__}"
        )
    for key in ("id", "title"):
        if data.get(key) is None or data.get(key) == "":
            raise CorpusError(f"{path}: front matter lacks the required key '{key}'")
        if not isinstance(data[key], str):
            raise CorpusError(
                f"{_where(path, front, key)}: front matter key '{key}' must be text, "
                f"got {type(data[key]).__name__} {data[key]!r} (quote it)"
            )
    article_id = data["id"].strip()
    if not ARTICLE_ID.match(article_id):
        raise CorpusError(
            f"{_where(path, front, 'id')}: id {article_id!r} may only hold ASCII letters, digits, "
            "'.', '_' and '-' (it names the file and goes into IRIs)"
        )
    title = data["title"].strip()
    if not title:
        raise CorpusError(f"{_where(path, front, 'title')}: front matter key 'title' is empty")
    try:
        published = _as_date(data.get("published"))
    except ValueError:
        raise CorpusError(
            f"{_where(path, front, 'published')}: front matter key 'published' must be a date "
            f"YYYY-MM-DD, got {data.get('published')!r}"
        ) from None
    if not body.strip():
        raise EmptyArticleError(f"{path}: empty article body after the front matter")
    check_length(body, path)
    return Article(
        id=article_id,
        title=title,
        text=body,
        outlet=_optional_str(data, "outlet", front, path),
        source_url=_optional_str(data, "source_url", front, path),
        published=published,
        language=_optional_str(data, "language", front, path) or "zh",
        path=str(path),
    )


def parse_corpus_file(path: str | os.PathLike[str]) -> Article:
    """A corpus file as an Article; CorpusError naming the file (and line) for anything malformed,
    ArticleTooLongError for a body over MAX_ARTICLE_CHARS (a file far too large is not even read)."""
    _check_file_size(Path(path), allowance=_FRONT_MATTER_ALLOWANCE)
    return _article_from_text(read_article_text(path), path)


def _title_line(text: str) -> str | None:
    """The first line with letters or hanzi in it: skips image stubs, rules and blank lines."""
    for line in text.split("\n"):
        if any(ch.isalpha() for ch in line):
            return line.strip()
    return None


def load_article(path: str | os.PathLike[str], *, clean: bool = False) -> Article:
    """Any article file: a corpus file with front matter, a plain text file, or a saved page.

    A .txt file is always plain text: id = file stem, title = its first line with letters or
    hanzi, text = the file as decoded (newlines as \\n, trailing blanks dropped), because
    extraction offsets and gold files refer to the text as read. Other files are corpus
    files when they start with '---', saved pages when they look like HTML (text = main
    text), plain text otherwise. A text over MAX_ARTICLE_CHARS raises ArticleTooLongError.
    `clean=True` applies textio.clean_article_text (remnants out,
    half-width digits, Simplified) — offsets then refer to the cleaned text.
    """
    p = Path(path)
    _check_file_size(p, limit=MAX_PAGE_BYTES)
    raw = read_article_text(path)
    suffix = p.suffix.lower()
    if suffix != ".txt" and _has_front_matter(raw):
        article = _article_from_text(raw, path)
        if clean:
            text = clean_article_text(article.text)
            if not text:
                raise CorpusError(f"{path}: empty article after cleaning")
            article = replace(article, text=text)
        return article
    title = None
    text = raw
    if suffix in _HTML_SUFFIXES or (suffix != ".txt" and is_html(raw)):
        text, meta = html_to_text(raw)
        title = meta.get("title")
    check_length(text, path)
    if clean:
        text = clean_article_text(text)
    if not text.strip():
        raise EmptyArticleError(f"{path}: empty article")
    title = title or _title_line(text)
    if not title:
        raise CorpusError(f"{path}: no line with words in it to use as a title")
    return Article(id=p.stem, title=title, text=text, path=str(path))


def _corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith(".") and p.is_file())


def iter_corpus(folder: str | os.PathLike[str]) -> Iterator[Article | CorpusError]:
    """Every *.md file of the folder in name order: its Article, or the CorpusError it raises.

    Bad files are yielded as errors instead of raised so that a build can report them and go
    on. A file whose id an earlier file already uses yields a CorpusError, one whose text an
    earlier file already has (same normalised_text_key) a DuplicateArticleError. A missing
    folder raises CorpusError on the first next().
    """
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(f"{folder}: no such corpus folder")
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in _corpus_files(root):
        try:
            article = parse_corpus_file(path)
        except CorpusError as exc:
            yield exc
            continue
        if article.id in ids:
            yield CorpusError(f"{path}: id '{article.id}' is already used by {ids[article.id]}")
            continue
        key = normalised_text_key(article.text)
        if key in texts:
            yield DuplicateArticleError(
                f"{path}: same article as {texts[key]} (same normalised text)", existing=texts[key]
            )
            continue
        ids[article.id] = str(path)
        texts[key] = str(path)
        yield article


def remove_interrupted_writes(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files that adds killed mid-write left in the corpus folder.

    Takes the folder's lock, so an add in progress is waited for, never cut short."""
    root = Path(folder)
    if not root.is_dir():
        return []
    try:
        with folder_lock(root):
            return remove_leftovers(root)
    except OSError:  # a read-only corpus: nothing was written there, nothing to tidy
        return []


# ---------------------------------------------------------------------------------------------
# Adding


def normalised_text_key(text: str) -> str:
    """The dedupe key: what stays when a re-saved copy of an article differs only in form.

    Web remnants out, NFKC (full-width → ASCII), Traditional → Simplified, every whitespace,
    punctuation and control character removed, case folded. Two files with the same key hold
    the same article whatever their encoding, line breaks, spacing or quote marks.
    """
    text = to_simplified(unicodedata.normalize("NFKC", clean_remnants(text)))
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC").casefold()


def _same_article(key: str, other: str) -> bool:
    """Equal keys, or one inside the other and nearly as long (a copy with a footer added)."""
    if key == other:
        return True
    short, long_ = (key, other) if len(key) <= len(other) else (other, key)
    return bool(short) and len(short) >= _NEAR_DUPLICATE * len(long_) and short in long_


def _slug_id(stem: str, key: str) -> str:
    """An ASCII id from the file name; names with hanzi get a short hash of the text added."""
    stem = unicodedata.normalize("NFKC", stem)
    ascii_part = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:80].strip("-")
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    if not ascii_part:
        return f"article-{digest}"
    if any(ord(ch) > 127 and ch.isalnum() for ch in stem):
        return f"{ascii_part}-{digest}"
    return ascii_part


def _date_option(value: date | str | None) -> date | None:
    try:
        return _as_date(value)
    except ValueError:
        raise CorpusError(f"published must be a date YYYY-MM-DD, got {value!r}") from None


def _date_from_page(value: str | None) -> date | None:
    """A page's publication date as written in its meta tags, when it reads as a date."""
    match = _LOOSE_DATE.search(value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _render(front: dict[str, object], text: str) -> str:
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{head}---\n{text}\n"


def _write_new(target: Path, content: str) -> None:
    """Write `content` to `target`, which must not exist: temp file, fsync, then a hard link.

    os.link fails when the target exists, so no existing file is ever replaced (os.replace
    would). Where hard links are not supported, the file is created with mode 'x' instead.
    """
    tmp = temp_path(target)
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise CorpusError(f"{target}: already exists; not overwriting it") from None
        except OSError:
            try:
                with open(target, "x", encoding="utf-8", newline="\n") as fh:
                    fh.write(content)
            except FileExistsError:
                raise CorpusError(f"{target}: already exists; not overwriting it") from None
    except OSError as exc:
        raise CorpusError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def add_article(
    source: str | os.PathLike[str],
    corpus_dir: str | os.PathLike[str],
    *,
    id: str | None = None,  # noqa: A002 - the front matter key
    title: str | None = None,
    outlet: str | None = None,
    source_url: str | None = None,
    published: date | str | None = None,
    language: str = "zh",
) -> Path:
    """Turn a plain-text or saved-HTML article into a new corpus file; return its path.

    Any supported encoding is read and UTF-8 written; a page keeps its main text only; web
    remnants go, digits become half-width and Traditional becomes Simplified (clean_article_text).
    Front matter comes from the options, else from the page's metadata, else id = a slug
    of the file name and title = the first line. Refused, leaving the folder as it was:
    an article over MAX_ARTICLE_CHARS characters (ArticleTooLongError), an article already in
    the corpus (DuplicateArticleError naming that file), an id already used, an existing
    target file. The file appears complete or not at all. Concurrent adds to one folder take
    turns (an exclusive lock on the folder around the duplicate check and the write), and the
    one holding the lock deletes temporary files that adds killed mid-write left behind.
    """
    src = Path(source)
    folder = Path(corpus_dir)
    _check_file_size(src, limit=MAX_PAGE_BYTES)
    raw = read_article_text(src)
    meta: dict[str, str] = {}
    if src.suffix.lower() in _HTML_SUFFIXES or is_html(raw):
        raw, meta = html_to_text(raw)
    elif _has_front_matter(raw) and src.suffix.lower() != ".txt":
        raise CorpusError(f"{src}: already has front matter; copy it into {folder} instead")
    check_length(raw, src)  # refused before spending seconds cleaning megabytes
    text = check_length(clean_article_text(raw), src)
    if not text:
        raise CorpusError(f"{src}: no article text found")
    key = normalised_text_key(text)

    article_id, front = _front_matter(src, text, key, meta, id=id, title=title, outlet=outlet,
                                      source_url=source_url, published=published, language=language)
    folder.mkdir(parents=True, exist_ok=True)
    # One `kg add` at a time decides: the duplicate check and the write happen under the folder's
    # lock, so two processes adding the same text store one file and the other is told which.
    with folder_lock(folder):
        remove_leftovers(folder)  # temporary files of adds killed mid-write
        target = _free_target(src, folder, key, article_id)
        _write_new(target, _render(front, text))
    return target


def _front_matter(src: Path, text: str, key: str, meta: dict[str, str], *, id: str | None,  # noqa: A002
                  title: str | None, outlet: str | None, source_url: str | None,
                  published: date | str | None, language: str) -> tuple[str, dict[str, object]]:
    """The new file's id and front matter, from the options, else the page, else the text."""
    article_id = (id or _slug_id(src.stem, key)).strip()
    if not ARTICLE_ID.match(article_id):
        raise CorpusError(
            f"invalid id {article_id!r}: use ASCII letters, digits, '.', '_' and '-' "
            "(it names the file and goes into IRIs)"
        )
    headline = title or meta.get("title") or _title_line(text)
    if not headline or not headline.strip():
        raise CorpusError(f"{src}: no title given and no line with words in it to use as one")
    headline = to_simplified(normalise_width(" ".join(headline.split())))
    when = _date_option(published) if published is not None else _date_from_page(meta.get("published"))
    front: dict[str, object] = {"id": article_id, "title": headline}
    for name, value in (
        ("outlet", to_simplified(outlet or meta.get("site_name") or "").strip()),
        ("source_url", source_url or meta.get("url")),
        ("published", when),
    ):
        if value:
            front[name] = value
    front["language"] = language
    return article_id, front


def _free_target(src: Path, folder: Path, key: str, article_id: str) -> Path:
    """The new file's path, unless the corpus already has the article, the id or the file."""
    used: dict[str, Path] = {}
    for path in _corpus_files(folder):
        try:
            existing = parse_corpus_file(path)
        except CorpusError:
            continue  # a broken file is iter_corpus's to report; its name is still taken
        if _same_article(key, normalised_text_key(existing.text)):
            raise DuplicateArticleError(
                f"{src}: already in the corpus as {path} (same text)", existing=str(path)
            )
        used.setdefault(existing.id, path)
    if article_id in used:
        raise CorpusError(f"{src}: id '{article_id}' is already used by {used[article_id]}")
    target = folder / f"{article_id}.md"
    if target.exists():
        raise CorpusError(f"{target}: already exists; not overwriting it")
    return target
