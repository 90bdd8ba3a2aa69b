"""Bulk import: many article files, folders, JSON Lines and CSV files into the corpus in one process.

Each article file, and each record of a JSON Lines or CSV file, is one article. Every one is
cleaned and checked like a single `kg add` (kg.corpus.draft_article, CorpusAdder): a record
that cannot be read or added is reported and skipped while the others go in; a near-duplicate
of an article already in the corpus or added earlier in the same import is skipped (reported
with its similarity) unless kept; the same text is always skipped. Every corpus file is written
whole or not at all, so an import stopped half-way leaves the articles added so far and nothing
else.

Records: the parts of an article are read from the first present field of article_cues.yaml's
lists (text, content or body for the text …) or from the field named by `field_mapping`.
A record without an id gets `<file stem>-<record number>`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.corpus import MAX_PAGE_BYTES, CorpusAdder, Draft, Given, draft_article, draft_file
from kg.errors import CorpusError, DuplicateArticleError, NearDuplicateError
from kg.neardup import NEAR_DUPLICATE_SIMILARITY
from kg.textio import article_cues, decode_bytes, loose_date

__all__ = ["ARTICLE_SUFFIXES", "RECORD_SUFFIXES", "PARTS", "ImportReport", "field_mapping", "article_sources",
           "is_record_file", "count_articles", "iter_drafts", "import_articles"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".xhtml")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv")
PARTS = ("id", "title", "text", "url", "published", "outlet")
"""The parts of an article a record can hold; `--field PART=FIELD` names the field for one."""


@dataclass
class ImportReport:
    """What an import did, each entry naming its source (a file, or file:line for a record)."""

    added: list[tuple[str, Path]] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # source, of id, similarity
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # source, of id (same text)
    failed: list[tuple[str, str]] = field(default_factory=list)  # source, message saying why

    @property
    def total(self) -> int:
        return len(self.added) + len(self.near_duplicates) + len(self.duplicates) + len(self.failed)


def field_mapping(pairs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The fields read for each part: article_cues.yaml's defaults, with `PART=FIELD` pairs
    (from --field) replacing a part's list by that one field. ValueError for a malformed pair."""
    cues = article_cues()
    mapping = {part: cues[f"{part}_fields"] for part in PARTS}
    for pair in pairs:
        part, sep, name = pair.partition("=")
        part, name = part.strip(), name.strip()
        if not sep or not name or part not in PARTS:
            raise ValueError(f"{pair!r}: expected PART=FIELD with PART one of {', '.join(PARTS)}")
        mapping[part] = (name,)
    return mapping


def is_record_file(path: Path) -> bool:
    return path.suffix.lower() in RECORD_SUFFIXES


def article_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files an import reads: files as given, folders as their article files (recursively,
    by name; hidden ones and the folder's own documents such as README.md left out). A missing
    path is kept, to be reported when read."""
    documents = {name.lower() for name in article_cues()["folder_documents"]}
    out: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            out.extend(sorted(p for p in given.rglob("*")
                              if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
                              and p.stem.lower() not in documents
                              and not any(part.startswith(".") for part in p.relative_to(given).parts)))
        else:
            out.append(given)
    return out


def count_articles(files: Iterable[Path]) -> int:
    """How many articles the files hold (a record file's records counted), for a progress bar."""
    total = 0
    for path in files:
        if not is_record_file(path):
            total += 1
            continue
        try:
            if path.suffix.lower() == ".csv":
                total += sum(1 for _ in _csv_rows(path))
            else:
                with open(path, "rb") as fh:
                    total += sum(1 for line in fh if line.strip())
        except (OSError, CorpusError):
            total += 1  # reported as one failure when read
    return total


def iter_drafts(files: Iterable[Path], given: Given = Given(),
                mapping: Mapping[str, tuple[str, ...]] | None = None) -> Iterator[tuple[str, Draft | CorpusError]]:
    """(source, Draft) per article of the files, or (source, the CorpusError saying why it cannot be read).

    `given` (the command's options) wins over what a record or file says."""
    mapping = mapping or field_mapping(())
    for path in files:
        if not is_record_file(path):
            try:
                yield str(path), draft_file(path, given)
            except CorpusError as exc:
                yield str(path), exc
            continue
        for where, stem, record in _records(path):
            if isinstance(record, CorpusError):
                yield where, record
                continue
            try:
                raw, found = _article_parts(record, where, mapping)
                yield where, draft_article(raw, where, stem, given.over(found))
            except CorpusError as exc:
                yield where, exc


def import_articles(paths: Iterable[str | os.PathLike[str]], corpus_dir: str | os.PathLike[str], *,
                    given: Given = Given(), mapping: Mapping[str, tuple[str, ...]] | None = None,
                    similarity: float = NEAR_DUPLICATE_SIMILARITY, keep_duplicates: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Add every article of `paths` to the corpus in one turn at its lock; what happened to each.

    `progress(done, total)` is called after each article when given (the total is counted first)."""
    files = article_sources(paths)
    total = count_articles(files) if progress else 0
    report = ImportReport()
    with CorpusAdder(corpus_dir, similarity=similarity, keep_duplicates=keep_duplicates) as adder:
        for source, item in iter_drafts(files, given, mapping):
            _add_one(adder, source, item, report)
            if progress:
                progress(report.total, max(total, report.total))
    return report


def _add_one(adder: CorpusAdder, source: str, item: Draft | CorpusError, report: ImportReport) -> None:
    try:
        if isinstance(item, CorpusError):
            raise item
        report.added.append((source, adder.add(item)))
    except NearDuplicateError as exc:
        report.near_duplicates.append((source, exc.existing_id or exc.existing, exc.similarity))
    except DuplicateArticleError as exc:
        report.duplicates.append((source, exc.existing_id or exc.existing))
    except CorpusError as exc:
        message = str(exc)
        report.failed.append((source, message if message.startswith(source) else f"{source}: {message}"))


# ---------------------------------------------------------------------------------------------
# Records

Record = dict[str, object]


def _records(path: Path) -> Iterator[tuple[str, str, Record | CorpusError]]:
    """(where, id stem, record or error) for each record of a JSON Lines or CSV file."""
    try:
        if path.suffix.lower() == ".csv":
            for number, (line, row) in enumerate(_csv_rows(path), start=1):
                yield f"{path}:{line}", f"{path.stem}-{number}", row
        else:
            yield from _jsonl_records(path)
    except OSError as exc:
        yield str(path), path.stem, CorpusError(f"{path}: cannot read: {exc.strerror or exc}")
    except CorpusError as exc:
        yield str(path), path.stem, exc


def _jsonl_records(path: Path) -> Iterator[tuple[str, str, Record | CorpusError]]:
    with open(path, "rb") as fh:
        for line_number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{line_number}"
            try:
                record = json.loads(decode_bytes(line, source=where))
            except CorpusError as exc:
                record = exc
            except ValueError as exc:
                record = CorpusError(f"{where}: not valid JSON ({exc})")
            if not isinstance(record, (dict, CorpusError)):
                record = CorpusError(f"{where}: a record must be a JSON object, got {type(record).__name__}")
            yield where, f"{path.stem}-{line_number}", record


def _csv_rows(path: Path) -> Iterator[tuple[int, Record]]:
    """(first line, row) for each row of a CSV file with a header line, decoded as article files are."""
    if path.stat().st_size > MAX_PAGE_BYTES * 16:
        raise CorpusError(f"{path}: over {MAX_PAGE_BYTES * 16:,} bytes; split it, or use JSON Lines")
    text = decode_bytes(path.read_bytes(), source=str(path))
    csv.field_size_limit(max(csv.field_size_limit(), MAX_PAGE_BYTES))  # an article is longer than csv's 128 kB default
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise CorpusError(f"{path}: no header line naming the fields")
    start = 2
    try:
        for row in reader:
            yield start, {k: v for k, v in row.items() if k is not None and v is not None}
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CorpusError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None


def _article_parts(record: Record, where: str, mapping: Mapping[str, tuple[str, ...]]) -> tuple[str, Given]:
    """The record's text, and what its fields say about the article."""
    values = {part: _field(record, names, where, part) for part, names in mapping.items()}
    text = values.pop("text")
    if not text:
        raise CorpusError(f"{where}: no text in the record (read the fields {', '.join(mapping['text'])}; "
                          "name another with --field text=FIELD)")
    published = values["published"]
    when = loose_date(published) if published else None
    if published and when is None:
        raise CorpusError(f"{where}: {published!r} ({'/'.join(mapping['published'])}) is not a date")
    return text, Given(id=values["id"], title=values["title"], outlet=values["outlet"],
                       source_url=values["url"], published=when)


def _field(record: Record, names: tuple[str, ...], where: str, part: str) -> str | None:
    """The first of the fields that the record fills, as text (an id may be a number)."""
    for name in names:
        value = record.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, int) and not isinstance(value, bool) and part == "id":
            return str(value)
        if not isinstance(value, str):
            raise CorpusError(f"{where}: field '{name}' ({part}) must be text, got {type(value).__name__}")
        if value.strip():
            return value.strip() if part != "text" else value
    return None
