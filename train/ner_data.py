"""Examples for the entity recogniser: names located in text, as spaCy Docs with entities.

Gold files and FinNER give names, not offsets: every occurrence of a name is labelled
(longest name first, no overlaps), in sentence-sized chunks tokenised like the pipeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from train.labels import CONTRACT_TO_LABEL, FINNER_TO_LABEL
from train.texts import SHARED, article_text, load_gold

_CHUNK_END = re.compile(r"[。！？!?；;\n]")
MAX_CHUNK = 250


def chunks(text: str) -> Iterator[tuple[int, int]]:
    """Sentence-sized pieces (at most MAX_CHUNK characters) of a text, as offsets."""
    start = 0
    for m in _CHUNK_END.finditer(text):
        yield from _bounded(start, m.end())
        start = m.end()
    yield from _bounded(start, len(text))


def _bounded(start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_CHUNK:
        yield start, start + MAX_CHUNK
        start += MAX_CHUNK
    if end - start > 1:
        yield start, end


def locate(text: str, names: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every occurrence of every name (name → label), longest first, without overlaps."""
    taken = [False] * len(text)
    found = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not any(taken[m.start():m.end()]):
                found.append((m.start(), m.end(), names[name]))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    return sorted(found)


def to_docs(make_doc, text: str, spans: list[tuple[int, int, str]]) -> Iterator[Doc]:
    for start, end in chunks(text):
        doc = make_doc(text[start:end])
        ents = []
        for s, e, label in spans:
            if s >= start and e <= end:
                span = doc.char_span(s - start, e - start, label=label, alignment_mode="expand")
                if span is not None and not any(span.start < x.end and x.start < span.end for x in ents):
                    ents.append(span)
        doc.ents = sorted(ents, key=lambda x: x.start)
        if len(doc):
            doc[0].is_sent_start = True  # one sentence: training keeps these tokens (gold_preproc)
        yield doc


def gold_names(gold: dict) -> dict[str, str]:
    names: dict[str, str] = {}
    for entity in gold.get("entities", []):
        cats = entity["category"] if isinstance(entity["category"], list) else [entity["category"]]
        label = CONTRACT_TO_LABEL.get(cats[0])
        for name in [entity["name"], *entity.get("aliases", [])]:
            if label and len(name) >= 2:
                names.setdefault(name, label)
    return names


def gold_docs(make_doc, paths: Iterable[Path]) -> Iterator[Doc]:
    for path in paths:
        gold = load_gold(path)
        text = article_text(gold["article"]["id"])
        yield from to_docs(make_doc, text, locate(text, gold_names(gold)))


def finner_records(split: str) -> list[dict]:
    return json.loads((SHARED / "datasets" / "finner" / f"{split}_list.json").read_text(encoding="utf-8"))


def finner_names(record: dict) -> dict[str, str]:
    names = {}
    for label in record["labels"]:
        name, _, kind = label.rpartition(":")
        name = name.strip("《》")
        if kind in FINNER_TO_LABEL and len(name) >= 2:
            names.setdefault(name, FINNER_TO_LABEL[kind])
    return names


def finner_docs(make_doc, split: str) -> Iterator[Doc]:
    for record in finner_records(split):
        text = record["text"]
        yield from to_docs(make_doc, text, locate(text, finner_names(record)))
