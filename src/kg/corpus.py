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
import json
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import yaml

from kg.errors import (
    ArticleTooLongError,
    CorpusError,
    DuplicateArticleError,
    EmptyArticleError,
    NearDuplicateError,
)
from kg.files import folder_lock, load_yaml, remove_leftovers, temp_path, write_atomic
from kg.model import Article
from kg.neardup import Cached, SignatureIndex, jaccard, load_sidecar, save_sidecar, shingles, signature
from kg.textio import (
    clean_remnants,
    clean_article_text,
    header_facts,
    html_to_text,
    is_html,
    loose_date,
    normalise_width,
    read_article_text,
    split_site_name,
    to_simplified,
)

__all__ = [
    "parse_corpus_file",
    "load_article",
    "iter_corpus",
    "normalised_text_key",
    "add_article",
    "draft_article",
    "draft_file",
    "Given",
    "Draft",
    "CorpusAdder",
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
    root = _corpus_root(folder)

    def parsed() -> Iterator[tuple[Path, str, str, Article] | CorpusError]:
        for path in _corpus_files(root):
            try:
                article = parse_corpus_file(path)
            except CorpusError as exc:
                yield exc
                continue
            yield path, article.id, _text_digest(article.text), article

    yield from _first_of_each(parsed())


@dataclass(frozen=True)
class Listed:
    """What a build needs of a corpus file before extracting it: the text is read again then."""

    id: str
    path: str
    content_hash: str


SCAN_CACHE = ".kg-scan.json"  # (size, mtime) → (id, content hash, text digest) of each corpus file
_SCAN_FORMAT = "kg-scan 1"
RACY_NS = 2_000_000_000  # a file changed this close to the last scan may have kept its size and mtime


def scan_corpus(folder: str | os.PathLike[str]) -> Iterator[Listed | CorpusError]:
    """iter_corpus's answer without the texts: a file unchanged since the last scan (same size and
    mtime, older than that scan by RACY_NS) is not read again — a build with nothing changed read
    and normalised every file, 20 s of a 50,000-article corpus. The cache is a file in the corpus
    folder, rewritten when anything changed (not at all in a read-only corpus)."""
    root = _corpus_root(folder)
    cache, written = _load_scan_cache(root)
    seen: dict[str, list] = {}
    started, read = time.time_ns(), []

    def listed() -> Iterator[tuple[Path, str, str, Listed] | CorpusError]:
        for path in _corpus_files(root):
            stat = path.stat()
            entry = cache.get(path.name)
            if not (entry and entry[:2] == [stat.st_size, stat.st_mtime_ns] and stat.st_mtime_ns < written - RACY_NS):
                try:
                    article = parse_corpus_file(path)
                except CorpusError as exc:
                    yield exc
                    continue
                entry = [stat.st_size, stat.st_mtime_ns, article.id, article.content_hash, _text_digest(article.text)]
                read.append(path.name)
            seen[path.name] = entry
            yield path, entry[2], entry[4], Listed(entry[2], str(path), entry[3])

    yield from _first_of_each(listed())
    if read or seen.keys() != cache.keys():
        _save_scan_cache(root, seen, started)


def _corpus_root(folder: str | os.PathLike[str]) -> Path:
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(f"{folder}: no such corpus folder")
    return root


def _text_digest(text: str) -> str:
    # a digest, not the text: a corpus's texts are not all held in memory at once
    return hashlib.blake2b(normalised_text_key(text).encode("utf-8"), digest_size=16).hexdigest()


T = TypeVar("T")


def _first_of_each(entries: Iterator[tuple[Path, str, str, T] | CorpusError]) -> Iterator[T | CorpusError]:
    """The entries (path, id, text digest, item) whose id and text no earlier entry has; errors for the others."""
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, CorpusError):
            yield entry
            continue
        path, article_id, digest, item = entry
        if article_id in ids:
            yield CorpusError(f"{path}: id '{article_id}' is already used by {ids[article_id]}")
        elif digest in texts:
            yield DuplicateArticleError(f"{path}: same article as {texts[digest]} (same normalised text)",
                                        existing=texts[digest])
        else:
            ids[article_id] = texts[digest] = str(path)
            yield item


def _load_scan_cache(root: Path) -> tuple[dict[str, list], int]:
    """The cached entries by file name and when that scan started; nothing if unreadable."""
    try:
        data = json.loads((root / SCAN_CACHE).read_text(encoding="utf-8"))
        if data.get("format") == _SCAN_FORMAT and isinstance(data.get("files"), dict):
            return data["files"], int(data["started_ns"])
    except (OSError, ValueError, TypeError, KeyError):
        pass  # a cache only: the files are read
    return {}, 0


def _save_scan_cache(root: Path, entries: dict[str, list], started_ns: int) -> None:
    try:
        write_atomic(root / SCAN_CACHE, json.dumps({"format": _SCAN_FORMAT, "started_ns": started_ns, "files": entries},
                                                   ensure_ascii=False))
    except OSError:
        pass  # a read-only corpus: the next scan reads the files again


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


def _date_option(value: date | str | None, where: str) -> date | None:
    try:
        return _as_date(value)
    except ValueError:
        raise CorpusError(f"{where}: published must be a date YYYY-MM-DD, got {value!r}") from None


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


@dataclass(frozen=True)
class Given:
    """What the options, a record's fields or a corpus file's front matter say about an article."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    source_url: str | None = None
    published: date | str | None = None
    language: str | None = None

    def over(self, other: Given) -> Given:
        """These values, and `other`'s where these say nothing."""
        return Given(**{f.name: getattr(self, f.name) if getattr(self, f.name) is not None else getattr(other, f.name)
                        for f in fields(Given)})


@dataclass(frozen=True)
class Draft:
    """An article ready to be added: cleaned text, the text's dedupe key, front matter, and where
    it came from (for messages). `id_given`: the id was asked for, not derived from a file name."""

    source: str
    text: str
    key: str
    front: dict[str, object]
    id_given: bool

    @property
    def id(self) -> str:
        return str(self.front["id"])


def draft_file(source: str | os.PathLike[str], given: Given = Given()) -> Draft:
    """A plain-text file, saved page or corpus file of another corpus, as a Draft.

    A file with front matter (not .txt) brings its own id, title and other keys; `given` wins
    over them, as over a page's metadata."""
    src = Path(source)
    _check_file_size(src, limit=MAX_PAGE_BYTES)
    raw = read_article_text(src)
    if src.suffix.lower() not in _HTML_SUFFIXES and src.suffix.lower() != ".txt" and _has_front_matter(raw):
        article = _article_from_text(raw, src)
        given = given.over(Given(article.id, article.title, article.outlet, article.source_url,
                                 article.published, article.language))
        raw = article.text
    return draft_article(raw, str(src), src.stem, given, html=src.suffix.lower() in _HTML_SUFFIXES)


def draft_article(raw: str, where: str, stem: str, given: Given = Given(), *, html: bool = False) -> Draft:
    """Raw article text (or a saved page) as a Draft: cleaned (clean_article_text), with front matter
    from `given`, else the page's metadata, else the text itself (textio.split_site_name,
    textio.header_facts); id = a slug of `stem` unless given. Refused: no text, a text over
    MAX_ARTICLE_CHARS characters, an invalid id or date."""
    meta: dict[str, str] = {}
    if html or is_html(raw):
        raw, meta = html_to_text(raw)
    check_length(raw, where)  # refused before spending seconds cleaning megabytes
    text = check_length(clean_article_text(raw), where)
    if not text:
        raise EmptyArticleError(f"{where}: no article text found")
    key = normalised_text_key(text)
    return Draft(where, text, key, _front_matter(where, stem, text, key, meta, given), given.id is not None)


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
    similarity: float | None = None,
    keep_duplicates: bool = False,
) -> Path:
    """Turn a plain-text or saved-HTML article into a new corpus file; return its path.

    Any supported encoding is read and UTF-8 written; a page keeps its main text only; web
    remnants go, digits become half-width and Traditional becomes Simplified (clean_article_text).
    Front matter comes from the options, else from the page's metadata, else from the text (the
    first line as title, a site name after its separator as outlet, 发布时间/来源 lines), and
    id = a slug of the file name. Refused, leaving the folder as it was: an article over
    MAX_ARTICLE_CHARS characters (ArticleTooLongError), an article already in the corpus
    (DuplicateArticleError naming that file; NearDuplicateError for one whose shingles are at
    least `similarity` alike, or that is another inside a header or footer, unless
    `keep_duplicates`), an id asked for and already used, an existing target file. The file
    appears complete or not at all; see CorpusAdder for the lock and the signature cache.
    """
    given = Given(id, title, outlet, source_url, published, language)
    draft = draft_file(source, given)
    with CorpusAdder(corpus_dir, similarity=similarity, keep_duplicates=keep_duplicates) as adder:
        return adder.add(draft)


def _front_matter(where: str, stem: str, text: str, key: str, meta: dict[str, str],
                  given: Given) -> dict[str, object]:
    """The new file's front matter, from what is given, else the page, else the text."""
    article_id = (given.id or _slug_id(stem, key)).strip()
    if not ARTICLE_ID.match(article_id):
        raise CorpusError(
            f"{where}: invalid id {article_id!r}: use ASCII letters, digits, '.', '_' and '-' "
            "(it names the file and goes into IRIs)"
        )
    found_title, site = split_site_name(meta.get("title") or _title_line(text) or "")
    headline = given.title or found_title
    if not headline or not headline.strip():
        raise CorpusError(f"{where}: no title given and no line with words in it to use as one")
    headline = to_simplified(normalise_width(" ".join(headline.split())))
    stated_date, stated_outlet = header_facts(text)
    if given.published is not None:
        when = _date_option(given.published, where)
    else:
        when = loose_date(meta.get("published")) or stated_date
    front: dict[str, object] = {"id": article_id, "title": headline}
    for name, value in (
        ("outlet", to_simplified(given.outlet or meta.get("site_name") or site or stated_outlet or "").strip()),
        ("source_url", given.source_url or meta.get("url")),
        ("published", when),
    ):
        if value:
            front[name] = value
    front["language"] = given.language or "zh"
    return front


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


SIDECAR_MIN_ARTICLES = 20
"""A corpus of fewer articles gets no signature cache: reading it whole takes under 0.2 s (about
7 ms per article: parse, normalise, MinHash), and a small folder stays free of the extra file."""


class CorpusAdder:
    """One writer's turn at a corpus folder: holds its lock, knows what the corpus holds, adds drafts.

    Entering takes the folder's lock (concurrent adds take turns, so the duplicate check and the
    write cannot interleave), deletes temporary files that adds killed mid-write left behind,
    and reads what the corpus holds: ids, text digests and MinHash signatures (kg.neardup), from
    the sidecar cache for files unchanged since it was written. Leaving saves the cache when the
    corpus holds SIDECAR_MIN_ARTICLES or more and anything changed, then releases the lock.

    `similarity`: refuse a text whose shingles are at least this alike (Jaccard) to an article
    already there; None checks only the same text and a text inside another with a header or
    footer (at least 80 % of it). `keep_duplicates` adds near-duplicates anyway; the same text
    is always refused (a build would skip it).
    """

    def __init__(self, corpus_dir: str | os.PathLike[str], *, similarity: float | None = None,
                 keep_duplicates: bool = False) -> None:
        self.folder = Path(corpus_dir)
        self.similarity = similarity
        self.keep_duplicates = keep_duplicates
        self._stack = ExitStack()
        self._cache: dict[str, Cached] = {}
        self._paths: dict[str, Path] = {}  # id → file
        self._digests: dict[str, str] = {}  # text digest → id
        self._keys: dict[str, str] = {}  # id → normalised text, read when a candidate needs it
        self._index = SignatureIndex()
        self._changed = False

    def __enter__(self) -> CorpusAdder:
        with ExitStack() as stack:
            stack.enter_context(folder_lock(self.folder))
            remove_leftovers(self.folder)
            self._load()
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._stack:
            if self._changed and len(self._cache) >= SIDECAR_MIN_ARTICLES:
                save_sidecar(self.folder, self._cache)

    def _load(self) -> None:
        cached = load_sidecar(self.folder)
        for path in _corpus_files(self.folder):
            stat = path.stat()
            entry = cached.get(path.name)
            if entry is None or (entry.size, entry.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                try:
                    article = parse_corpus_file(path)
                except CorpusError:
                    continue  # a broken file is iter_corpus's to report; its name is still taken
                key = normalised_text_key(article.text)
                entry = Cached(stat.st_size, stat.st_mtime_ns, article.id, _digest(key), signature(shingles(key)))
                self._changed = True
            self._remember(path, entry)
        self._changed = self._changed or not set(cached) <= set(self._cache)

    def _remember(self, path: Path, entry: Cached) -> None:
        self._cache[path.name] = entry
        if entry.id not in self._paths:  # a second file with the same id is iter_corpus's to report
            self._paths[entry.id] = path
            self._index.add(entry.id, entry.sig)
        self._digests.setdefault(entry.digest, entry.id)

    def add(self, draft: Draft) -> Path:
        """Write the draft as a new corpus file, or raise what the corpus already has."""
        digest, sig = self.check(draft)
        article_id = self._free_id(draft, digest)
        target = self.folder / f"{article_id}.md"
        if target.exists():
            raise CorpusError(f"{target}: already exists; not overwriting it")
        _write_new(target, _render({**draft.front, "id": article_id}, draft.text))
        stat = target.stat()
        self._keys[article_id] = draft.key
        self._remember(target, Cached(stat.st_size, stat.st_mtime_ns, article_id, digest, sig))
        self._changed = True
        return target

    def check(self, draft: Draft) -> tuple[str, object]:
        """The draft's text digest and signature; DuplicateArticleError if the corpus has its text,
        NearDuplicateError if it has a near-duplicate (unless near-duplicates are kept)."""
        digest = _digest(draft.key)
        if digest in self._digests:
            existing = self._paths[self._digests[digest]]
            raise DuplicateArticleError(f"{draft.source}: already in the corpus as {existing} (same text)",
                                        existing=str(existing), existing_id=self._digests[digest])
        pieces = shingles(draft.key)
        sig = signature(pieces)
        nearest = self._nearest(draft.key, pieces, sig)
        if nearest and not self.keep_duplicates:
            other, alike = nearest
            raise NearDuplicateError(
                f"{draft.source}: near-duplicate of {other} (similarity {alike:.2f}), in the corpus as "
                f"{self._paths[other]}", existing=str(self._paths[other]), existing_id=other, similarity=alike)
        return digest, sig

    def _free_id(self, draft: Draft, digest: str) -> str:
        """The draft's id; a derived one already in use gets the text's digest appended (two
        index.html pages), one asked for is refused."""
        used = self._paths.get(draft.id)
        if used is None:
            return draft.id
        if draft.id_given:
            raise CorpusError(f"{draft.source}: id '{draft.id}' is already used by {used}")
        return f"{draft.id[:110]}-{digest[:8]}"

    def _nearest(self, key: str, pieces: frozenset[str], sig) -> tuple[str, float] | None:
        """The most similar article that counts as a near-duplicate, with its similarity."""
        best: tuple[str, float] | None = None
        for other in self._index.candidates(sig):
            other_key = self._key_of(other)
            if other_key is None:
                continue
            alike = jaccard(pieces, shingles(other_key))
            near = (self.similarity is not None and alike >= self.similarity) or _same_article(key, other_key)
            if near and (best is None or alike > best[1]):
                best = (other, alike)
        return best

    def _key_of(self, article_id: str) -> str | None:
        if article_id not in self._keys:
            try:
                self._keys[article_id] = normalised_text_key(parse_corpus_file(self._paths[article_id]).text)
            except CorpusError:
                return None
        return self._keys[article_id]
