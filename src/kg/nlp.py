"""The spaCy pipeline: blank Chinese with the jieba segmenter (the registry as its user dictionary),
sentence boundaries for Chinese punctuation, and the mention finder as a pipeline component."""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.context import split_sentences
from kg.extract.mentions import (
    Mention,
    RegistryMatcher,
    find_app_names,
    find_associations,
    find_bank_branches,
    find_former_names,
    find_legal_names,
    find_listed_names,
    find_listed_subsidiaries,
    find_list_neighbours,
    find_market_statements,
    find_markets,
    find_persons,
    find_platform_names,
    find_product_lists,
    find_renamed_names,
    find_repeats,
    find_short_org_names,
    resolve_overlaps,
    find_regulations,
    find_regulators,
)
from kg.extract.trained import load_model, model_mentions
from kg.registry import Registry, load_registry

jieba.setLogLevel(logging.WARNING)

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)


@Language.factory("kg_sentences")
def make_sentences(nlp: Language, name: str):
    def set_sentences(doc: Doc) -> Doc:
        # one array write: setting token.is_sent_start one token at a time is quadratic in spaCy
        text = doc.user_data.get("kg_text")  # set by the tokenizer (doc.text would join every token again)
        if text is None:
            text = doc.user_data["kg_text"] = doc.text
        bounds = doc.user_data["kg_sentences"] = split_sentences(text)  # reused by extraction
        if len(doc):
            offsets = doc.to_array([IDX]).reshape(-1)
            flags = numpy.where(numpy.isin(offsets, [start for start, _, _ in bounds]), 1, -1)
            flags[0] = 1
            doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
        return doc

    return set_sentences


class MentionFinder:
    """Registry names plus productive patterns (legal names, regulators, 《regulations》, markets)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.match_registry = RegistryMatcher(registry)
        self.places = place_names(registry)
        self.known_names = frozenset(s for s, _ in registry.surface_forms())

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.get("kg_text") or doc.text
        found: list[Mention] = list(self.match_registry(text))
        persons = list(find_persons(text))
        regulators = list(find_regulators(text, self.places))
        found.extend(persons)
        found.extend(regulators)
        # a company name never reaches back across a person or an authority (北京银监局城市商业银行)
        found.extend(find_legal_names(text, self.places, {m.end for m in (*persons, *regulators)}))
        found.extend(find_associations(text, self.places))
        found.extend(find_bank_branches(text, [m for m in found if m.kind == "Bank"], self.places))
        found.extend(find_platform_names(text, self.known_names))
        found.extend(find_short_org_names(text, self.known_names))
        found.extend(find_product_lists(text, self.known_names))
        spans = [(m.start, m.end) for m in found]
        found.extend(find_app_names(text, self.known_names, spans))
        found.extend(find_listed_names(text, self.known_names, spans))
        found.extend(find_renamed_names(text, self.known_names, spans))
        found.extend(find_listed_subsidiaries(text, self.known_names, spans))
        found.extend(find_list_neighbours(text, resolve_overlaps(found), self.known_names))
        found.extend(find_former_names(text, resolve_overlaps(found), self.known_names))
        found.extend(find_repeats(text, found))
        found.extend(find_regulations(text))
        found.extend(find_markets(text, self.places))
        found.extend(find_market_statements(text, self.places))
        if doc.has_annotation("ENT_IOB"):  # the trained recogniser ran: it fills the gaps rules left
            found.extend(model_mentions(doc, [(m.start, m.end) for m in found]))
        doc._.kg_mentions = found  # character offsets; spans on demand via doc.char_span
        return doc


@Language.factory("kg_mentions")
def make_mentions(nlp: Language, name: str):
    return MentionFinder(load_registry())


@lru_cache(maxsize=4)
def place_names(registry: Registry) -> frozenset[str]:
    return frozenset(s for s, e in registry.surface_forms() if e.category == "Place" and len(s) >= 2)


def _add_user_words(registry: Registry) -> None:
    for surface, entry in registry.surface_forms():
        if len(surface) >= 2 and " " not in surface:
            jieba.add_word(surface, freq=50000, tag="nz")


class _KeepText:
    """jieba's dictionary segmentation, keeping the text it was given in doc.user_data["kg_text"]
    (rebuilding it from the tokens, doc.text, costs about a tenth of the whole pipeline).

    No HMM guessing of unknown words: it glues an unknown name to its neighbours (被斐讯, 斐讯以),
    and a token boundary inside a name is one the recogniser can never undo; unknown names stay
    single characters, which the trained recogniser assembles."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        words = [w for w in jieba.cut(text, cut_all=False, HMM=False) if w]
        words, spaces = spacy.util.get_words_and_spaces(words, text)
        doc = Doc(self.tokenizer.vocab, words=words, spaces=spaces)
        doc.user_data["kg_text"] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


@lru_cache(maxsize=2)
def load_pipeline(models: bool = True) -> Language:
    """Built once per process: the registry becomes jieba's user dictionary first. With models,
    the shipped entity recogniser runs before the mention finder (which reads its doc.ents)."""
    registry = load_registry()
    _add_user_words(registry)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer = _KeepText(nlp.tokenizer)
    nlp.add_pipe("kg_sentences")
    if models:
        nlp.add_pipe("ner", source=load_model("ner"))
    nlp.add_pipe("kg_mentions")
    from kg.extract.mentions import _word_tags

    _word_tags()  # jieba's tag dictionary loads once, here, not inside the first article
    return nlp

