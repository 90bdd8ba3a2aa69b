"""The cue vocabulary of extraction (relation and event cues, metric cues, stop words, media
names …), read once from the YAML files in kg/extract/vocab/.

The files are edited by hand by people who need not read the Python, so the loader is as strict
as the registry's: an unknown file or key, a wrong type, a regex that does not compile or a
placeholder that names nothing is an error naming the file and the key.

Kinds of value:
- words: a list of non-empty strings (a regex alternation is built from them, in the order
  written: put a longer cue before a shorter one it starts with);
- pattern: one regular expression; `{{key}}` stands for the words (or pattern) of that key in
  the same file or in common.yaml (cue words several stages share), so cue words stay plain lists;
- table: a list of rows, each a mapping with exactly the fields the schema names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from kg.errors import KgError
from kg.files import load_yaml

WORDS, PATTERN = "words", "pattern"


@dataclass(frozen=True)
class Table:
    """A list of rows; fields maps each field to its kind: "str", "int", WORDS or PATTERN."""

    fields: Mapping[str, str]
    optional: tuple[str, ...] = ()


_RELATION_RULE = Table({"predicate": "str", "pattern": PATTERN, "subject": "int", "object": "int",
                        "subject_categories": WORDS, "object_categories": WORDS},
                       optional=("subject_categories", "object_categories"))
_METRIC_CUE = Table({"cue": PATTERN, "metric": "str", "kinds": WORDS})
_LIST_RULE = Table({"pattern": PATTERN, "predicate": "str", "party": "str"})
_CITY = Table({"name": "str", "short": "str", "province": "str"})
_COUNTY = Table({"name": "str", "short": "str", "city": "str"})

# file → key → kind; a key not declared here is an error, and so is a declared key left out
SCHEMA: dict[str, dict[str, Any]] = {
    "relations.yaml": {
        "gap": PATTERN, "stake": PATTERN, "member_list": PATTERN,
        "rules": _RELATION_RULE, "list_rules": _LIST_RULE,
        **{key: PATTERN for key in (
            "controller", "controller_first", "stake_holding", "holder", "stake_after", "investor", "raised",
            "own_subject", "topic_pronoun", "topic_partner", "belongs_to", "pronoun_penalty", "custody",
            "implicit_subject", "topic_belongs", "run_by", "operator_named", "operator_bracket",
            "company_bracket", "platform_city", "platform_named", "received", "former_in_list", "listed_stake", "passive_penalty")},
    },
    "events.yaml": {
        "license_verbs": WORDS, "license_objects": WORDS, "license_granted": PATTERN, "license_not": PATTERN,
        "revoke_verbs": WORDS, "license_revoked": PATTERN, "capital_increase": PATTERN,
        "issued": WORDS, "effective": PATTERN, "cited_before": PATTERN, "acquired": WORDS,
        "issuer_name_endings": WORDS, "former_name_stated": WORDS, "current_name_cues": WORDS,
        "not_penalty": PATTERN,
    },
    "metrics.yaml": {"cues": _METRIC_CUE, "cues_after": _METRIC_CUE, "founding_before": PATTERN, "founding_after": PATTERN,
                     "rate_generic": WORDS, "rate_advice": WORDS, "rate_owned": WORDS, "compared": PATTERN,
                     "threshold_modals": WORDS, "hypothetical": WORDS},
    "media.yaml": {"outlet_endings": WORDS, "chrome_cues": WORDS, "chrome_ends": WORDS},
    "common.yaml": {"penalty": WORDS, "renaming_verbs": WORDS, "former_name_cues": WORDS,
                    "platform_name_cues": WORDS, "platform_means_cues": WORDS},
    "names.yaml": {
        "left_stops": WORDS, "name_initials": WORDS, "not_brands": WORDS, "not_brand_tags": WORDS,
        "brand_endings": WORDS, "product_endings": WORDS, "platform_endings": WORDS,
        "standalone_platform_endings": WORDS, "generic_finance_heads": WORDS, "not_name_openers": WORDS,
        "org_businesses": WORDS, "not_orgs": WORDS, "generic_before_platform": WORDS, "app_stops": WORDS,
        "listed_stops": WORDS, "product_kinds": WORDS, "market_segments": WORDS, "national_prefixes": WORDS,
        "commissions": WORDS, "local_office_endings": WORDS, "local_bodies": WORDS, "sub_units": WORDS, "partnership_forms": WORDS, "bank_branch_endings": WORDS,
        "company_branch_endings": WORDS,
    },
    "places.yaml": {"cities": _CITY, "counties": _COUNTY},
    "persons.yaml": {
        "surnames": WORDS, "compound_surnames": WORDS, "titles": WORDS, "after_name": WORDS,
        "speech_cues": WORDS, "not_name_end": WORDS,
    },
}

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class LexiconError(KgError):
    """A vocabulary file is malformed; the message names the file and the key."""

    def __init__(self, message: str, path: str | Path, key: str | None = None) -> None:
        where = str(path) + (f", key {key}" if key else "")
        super().__init__(f"{where}: {message}")


def vocab_dir():
    """The folder of the vocabulary files (package data)."""
    return files("kg.extract") / "vocab"


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, dict[str, Any]]:
    """Every vocabulary file, validated, with patterns expanded; read once per process."""
    folder = vocab_dir()
    present = sorted(p.name for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))
    for name in present:
        if name not in SCHEMA:
            raise LexiconError(f"unknown vocabulary file (expected one of {', '.join(sorted(SCHEMA))})", name)
    common = read_file(folder / "common.yaml", SCHEMA["common.yaml"])
    return {name: common if name == "common.yaml" else read_file(folder / name, SCHEMA[name], common)
            for name in SCHEMA}


def read_file(path, schema: Mapping[str, Any], common: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One file checked against its schema: exactly the declared keys, each of its kind; its
    placeholders may name its own keys or those of common.yaml."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"cannot read: {exc}", path) from exc
    if not isinstance(raw, dict):
        raise LexiconError("expected a mapping of keys to values", path)
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        raise LexiconError(f"unknown key(s) {', '.join(map(str, unknown))}", path, str(unknown[0]))
    missing = [k for k in schema if k not in raw]
    if missing:
        raise LexiconError("missing key", path, missing[0])
    if common:
        raw = {**{k: list(v) if isinstance(v, tuple) else v for k, v in common.items()}, **raw}
    out: dict[str, Any] = {}
    for key, kind in schema.items():  # declared order: a pattern may name the words above it
        if isinstance(kind, Table):
            out[key] = [_row(row, kind, raw, path, f"{key}[{i}]") for i, row in enumerate(_list(raw[key], path, key))]
        else:
            out[key] = _value(raw[key], kind, raw, path, key)
    return out


def _list(value: Any, path, key: str) -> list:
    if not isinstance(value, list) or not value:
        raise LexiconError("must be a non-empty list", path, key)
    return value


def _row(row: Any, table: Table, raw: dict, path, where: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise LexiconError("a row must be a mapping", path, where)
    unknown = sorted(set(row) - set(table.fields))
    if unknown:
        raise LexiconError(f"unknown field(s) {', '.join(map(str, unknown))}", path, where)
    missing = [f for f in table.fields if f not in row and f not in table.optional]
    if missing:
        raise LexiconError(f"missing field {missing[0]!r}", path, where)
    return {f: _value(row[f], kind, raw, path, f"{where}.{f}") for f, kind in table.fields.items() if f in row}


def _value(value: Any, kind: str, raw: dict, path, key: str) -> Any:
    if kind == WORDS:
        if not all(isinstance(w, str) and w for w in _list(value, path, key)):
            raise LexiconError("must be a list of non-empty strings (quote numbers)", path, key)
        return tuple(value)
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise LexiconError("must be a whole number", path, key)
        return value
    if not isinstance(value, str) or not value:
        raise LexiconError("must be a non-empty string", path, key)
    if kind == PATTERN:
        return _expand(value, raw, path, key)
    return value


def _expand(pattern: str, raw: dict, path, key: str) -> str:
    """`{{name}}` → the alternation of the words of `name` (or its pattern); then compiled once
    to fail here, naming the key, rather than deep in a rule."""
    def substitute(m: re.Match[str]) -> str:
        name = m.group(1)
        value = raw.get(name)
        if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
            return alternation(value)
        if isinstance(value, str) and name != key:
            return _expand(value, raw, path, name)
        raise LexiconError(f"placeholder {{{{{name}}}}} names no list of words or pattern in this file", path, key)

    expanded = _PLACEHOLDER.sub(substitute, pattern)
    try:
        re.compile(expanded.replace("E", "(?:x)"))
    except re.error as exc:
        raise LexiconError(f"not a valid regular expression: {exc}", path, key) from exc
    return expanded


def alternation(words) -> str:
    """A non-capturing group of the words, in the order given."""
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def words(file: str, key: str) -> tuple[str, ...]:
    return load_lexicon()[file + ".yaml"][key]


def pattern(file: str, key: str) -> str:
    return load_lexicon()[file + ".yaml"][key]


def table(file: str, key: str) -> list[dict[str, Any]]:
    return load_lexicon()[file + ".yaml"][key]
