"""Examples for the relation classifier: one short text per ordered pair of mentions in a sentence.

The pair's names are replaced by typed markers (甲ORG … 乙PLACE), so the classifier learns the
wording between and around them, not the names. Classes: labels.relation_classes().
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from kg.extract import trained
from train.labels import FINRE_TO_PREDICATE, NONE, SYMMETRIC, relation_classes
from train.ner_data import chunks, gold_names, locate
from train.texts import SHARED, article_text, load_gold

MAX_GAP = trained.MAX_GAP
pair_text = trained.pair_text  # one marking for training and extraction


def candidate_pairs(spans: list[tuple[int, int, str]]) -> Iterator[tuple[int, int]]:
    for i, a in enumerate(spans):
        for j in range(i + 1, len(spans)):
            if spans[j][0] - a[1] > MAX_GAP:
                break
            yield i, j


def label_of(key_a: str, key_b: str, relations: set[tuple[str, str, str]]) -> str:
    for subject, predicate, obj in sorted(relations):
        if (subject, obj) == (key_a, key_b):
            return predicate
        if (subject, obj) == (key_b, key_a):
            return predicate if predicate in SYMMETRIC else predicate + "~"
    return NONE


def make_example(make_doc, text: str, label: str) -> Doc:
    doc = make_doc(text)
    doc.cats = {c: float(c == label) for c in relation_classes()}
    if len(doc):
        doc[0].is_sent_start = True
    return doc


def _gold_relations(gold: dict) -> set[tuple[str, str, str]]:
    out = set()
    for r in gold.get("relations", []):
        out.add((r["subject"], r["predicate"], r["object"]))
        for alt in r.get("alternatives", []) or []:
            out.add((alt.get("subject", r["subject"]), r["predicate"], alt.get("object", r["object"])))
    return out


def gold_docs(make_doc, paths: Iterable[Path]) -> Iterator[Doc]:
    for path in paths:
        gold = load_gold(path)
        text = article_text(gold["article"]["id"])
        key_of = {n: e["id"] for e in gold.get("entities", []) for n in [e["name"], *e.get("aliases", [])]}
        relations = _gold_relations(gold)
        spans = locate(text, gold_names(gold))
        for start, end in chunks(text):
            inside = [s for s in spans if s[0] >= start and s[1] <= end]
            for i, j in candidate_pairs(inside):
                a, b = inside[i], inside[j]
                ka, kb = key_of[text[a[0]:a[1]]], key_of[text[b[0]:b[1]]]
                if ka != kb:
                    yield make_example(make_doc, pair_text(text, a, b), label_of(ka, kb, relations))


def finre_docs(make_doc, split: str) -> Iterator[Doc]:
    """FinRE rows whose label maps to a contract predicate (or to none), both names marked ORG."""
    path = SHARED / "datasets" / "finre" / f"{split}.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or parts[2] not in FINRE_TO_PREDICATE:
            continue
        head, tail, label, sentence = parts
        h, t = sentence.find(head), sentence.find(tail)
        if h < 0 or t < 0 or h == t:
            continue
        predicate, reverse = FINRE_TO_PREDICATE[label]
        first, second = sorted([(h, h + len(head), "ORG", "head"), (t, t + len(tail), "ORG", "tail")])
        if first[1] > second[0]:
            continue
        if predicate is None:
            cls = NONE
        else:
            head_first = first[3] == "head"
            forward = head_first != reverse
            cls = predicate if forward or predicate in SYMMETRIC else predicate + "~"
        yield make_example(make_doc, pair_text(sentence, first[:3], second[:3]), cls)
