"""The curated registry of known entities (ontology/registry.yaml).

Articles name the same company many ways (广州快手小额贷款有限公司, 快手小贷 ...). The
registry maps every known surface form to one curated entry, so that mentions in all
articles link to one IRI (kg.iri.entity_iri(registry_key=...)). The file is edited by
hand, so the loader is strict: a mistake fails loudly with the file and the entry
named, rather than silently splitting or merging entities in the graph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from kg.errors import KgError
from kg.files import load_yaml
from kg.iri import entity_iri, normalise_name
from kg.model import CATEGORIES
from kg.vocab import KG

# Finer kinds and the one category each belongs to. A category name is also a valid
# kind for an entry of that category (e.g. kind: Platform on a Platform).
KIND_CATEGORY: dict[str, str] = {
    "MicroLender": "Lender",
    "OnlineMicroLender": "Lender",
    "ConsumerFinanceCompany": "Lender",
    "Bank": "Lender",
    "TrustCompany": "Lender",
    "P2PLender": "Lender",
    "Court": "Regulator",
    "BNPLProduct": "Product",
    "CashLoanProduct": "Product",
}

# Words that would match ordinary text everywhere; never a name or alias of one entry.
GENERIC_NAMES = frozenset(
    normalise_name(w)
    for w in ("银行", "平台", "金融", "公司", "集团", "政府", "监管", "小贷", "消金", "网贷",
              "信托", "保险", "支付", "贷款", "借钱", "月付", "分期", "中心", "协会")
)

FIELDS = ("key", "name", "name_en", "category", "kind", "aliases", "wikidata",
          "located_in", "parent", "operated_by", "since")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


class RegistryError(KgError):
    """The registry file cannot be read or is inconsistent; names the file and the entry."""

    def __init__(self, message: str, path: str | Path | None = None, entry: str | None = None) -> None:
        where = str(path) if path is not None else "<registry>"
        if entry is not None:
            where += f", entry {entry}"
        super().__init__(f"{where}: {message}")
        self.path = str(path) if path is not None else None
        self.entry = entry


@dataclass(frozen=True)
class RegistryEntry:
    """One known entity: its IRI key, canonical name, category and other surface forms."""

    key: str
    name: str
    category: str
    kind: str | None = None
    name_en: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    located_in: str | None = None
    parent: str | None = None
    operated_by: str | None = None
    since: int | None = None  # the year it came into being (founded, set up, issued)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *self.aliases)


class Registry:
    """The loaded registry: entries by key, and by any normalised surface form."""

    def __init__(self, entries: tuple[RegistryEntry, ...], fingerprint: str = "", source: str | None = None) -> None:
        self.entries = entries
        self.source = source
        self._fingerprint = fingerprint
        self._by_key = {e.key: e for e in entries}
        self._by_surface: dict[str, RegistryEntry] = {}
        for e in entries:
            for n in e.names:
                self._by_surface.setdefault(normalise_name(n), e)

    def get(self, key: str) -> RegistryEntry | None:
        return self._by_key.get(key)

    def lookup(self, surface: str) -> RegistryEntry | None:
        """The entry with this exact name or alias, compared as kg.iri.normalise_name does."""
        return self._by_surface.get(normalise_name(surface))

    def surface_forms(self) -> Iterator[tuple[str, RegistryEntry]]:
        """Every (name or alias, entry), as written in the file: what a matcher searches for."""
        for e in self.entries:
            for n in e.names:
                yield n, e

    def fingerprint(self) -> str:
        """sha256 of the registry file's bytes: a build compares it to notice registry edits."""
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[RegistryEntry]:
        return iter(self.entries)


def default_registry_path() -> Path:
    """The registry shipped with the package (ontology/registry.yaml, installed as kg.ontology)."""
    return Path(str(files("kg.ontology") / "registry.yaml"))


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and check a registry file; the shipped one is read once per process."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Registry:
    return _load(default_registry_path())


def _load(path: Path) -> Registry:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"cannot read the registry: {exc.strerror or exc}", path) from exc
    try:
        doc = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RegistryError("the registry is not UTF-8", path) from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"YAML syntax error{_where(exc)}", path) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise RegistryError("expected a mapping with an 'entities' list", path)

    entries = tuple(_entry(raw, i, path) for i, raw in enumerate(doc["entities"]))
    _check(entries, path)
    return Registry(entries, hashlib.sha256(data).hexdigest(), str(path))


def _where(exc: yaml.YAMLError) -> str:
    """' at line N, column M: problem', plus where an unclosed construct began (PyYAML marks are 0-based)."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    context = getattr(exc, "context_mark", None)
    if context is not None and (mark is None or context.line != mark.line):
        where += f" ({getattr(exc, 'context', None) or 'in a construct'} started at line {context.line + 1})"
    return f"{where}: {getattr(exc, 'problem', None) or exc}"


def _entry(raw: Any, index: int, path: Path) -> RegistryEntry:
    """One entry's fields, checked on their own (cross-entry checks come later)."""
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise RegistryError("an entry must be a mapping", path, label)
    key = raw.get("key")
    if key is not None:  # a number key (58) still names the entry; the check below asks to quote it
        label = f"#{index + 1} ({key})"
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise RegistryError(f"unknown field(s) {', '.join(unknown)}", path, label)

    def text(field: str, required: bool = False) -> str | None:
        value = raw.get(field)
        if value is None:
            if required:
                raise RegistryError(f"missing field {field!r}", path, label)
            return None
        if not isinstance(value, str) or not value.strip():
            raise RegistryError(f"field {field!r} must be a non-empty string (quote numbers)", path, label)
        return value.strip()

    key = text("key", required=True)
    try:
        entity_iri(registry_key=key)
    except ValueError as exc:
        raise RegistryError(f"bad key {key!r}: not a safe IRI segment", path, label) from exc
    name = text("name", required=True)
    category = text("category", required=True)
    if category not in CATEGORIES:
        raise RegistryError(f"unknown category {category!r}", path, label)
    kind = text("kind")
    if kind is not None:
        if kind not in KG.__annotations__:
            raise RegistryError(f"unknown kind {kind!r} (not a term of kg.vocab.KG)", path, label)
        if KIND_CATEGORY.get(kind, kind) != category:
            raise RegistryError(f"kind {kind!r} does not fit category {category!r}", path, label)
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise RegistryError("'aliases' must be a list of non-empty strings", path, label)
    wikidata = text("wikidata")
    if wikidata is not None and not _WIKIDATA.match(wikidata):
        raise RegistryError(f"bad wikidata id {wikidata!r} (expected Q followed by digits)", path, label)
    operated_by = text("operated_by")
    if operated_by is not None and category != "Product":
        raise RegistryError("'operated_by' is for products only", path, label)
    since = raw.get("since")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int) or not 1900 <= since <= 2100):
        raise RegistryError(f"'since' must be a year such as 2018, not {since!r}", path, label)
    return RegistryEntry(
        key=key, name=name, category=category, kind=kind, name_en=text("name_en"),
        aliases=tuple(dict.fromkeys(a.strip() for a in aliases)), wikidata=wikidata,
        located_in=text("located_in"), parent=text("parent"), operated_by=operated_by, since=since,
    )


def _check(entries: tuple[RegistryEntry, ...], path: Path) -> None:
    """Checks across entries: unique keys, one entry per surface form, references resolve."""
    by_key: dict[str, RegistryEntry] = {}
    for e in entries:
        if e.key in by_key:
            raise RegistryError(f"duplicate key {e.key!r}", path, e.key)
        by_key[e.key] = e

    owner: dict[str, RegistryEntry] = {}
    for e in entries:
        for n in e.names:
            norm = normalise_name(n)
            if len(norm) < 2:
                raise RegistryError(f"name or alias {n!r} is too short to match safely", path, e.key)
            if norm in GENERIC_NAMES:
                raise RegistryError(f"name or alias {n!r} is too generic", path, e.key)
            other = owner.setdefault(norm, e)
            if other is not e:
                raise RegistryError(f"alias clash: {n!r} is also a name of entry {other.key!r}", path, e.key)

    wanted = {"located_in": "Place", "parent": None, "operated_by": None}
    for e in entries:
        for field, category in wanted.items():
            ref = getattr(e, field)
            if ref is None:
                continue
            target = by_key.get(ref)
            if target is None:
                raise RegistryError(f"{field} refers to unknown key {ref!r}", path, e.key)
            if target is e:
                raise RegistryError(f"{field} refers to the entry itself", path, e.key)
            if category is not None and target.category != category:
                raise RegistryError(f"{field} must refer to a {category}, {ref!r} is a {target.category}", path, e.key)

    for e in entries:  # a parent chain must end: A -> B -> A would make ownership meaningless
        seen = {e.key}
        current = e
        while current.parent is not None:
            current = by_key[current.parent]
            if current.key in seen:
                raise RegistryError(f"parent cycle through {current.key!r}", path, e.key)
            seen.add(current.key)
