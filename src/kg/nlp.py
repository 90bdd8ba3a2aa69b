"""The spaCy pipeline, assembled above extraction (kg.nlp imports kg.extract, never the reverse):
blank Chinese with the jieba segmenter (the registry as its user dictionary), sentence boundaries
for Chinese punctuation, and name recognition writing its mentions to doc.spans["kg_mentions"].
`extract_article` runs the pipeline and then the extraction stages over the Doc."""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import MENTION_GROUP, extract_doc
from kg.extract.context import split_sentences
from kg.extract.names import Mention, recognise
from kg.extract.names.base import word_tags
from kg.extract.trained import load_model
from kg.model import Article, Extraction
from kg.registry import Registry, load_registry

jieba.setLogLevel(logging.WARNING)

# each span of the group carries its mention (exact character offsets, kind, canonical name),
# the recogniser that found it and a score
for _name, _getter in (("kg_mention", lambda span: span.doc.user_data["kg_mention_records"][int(span.id_)]),
                       ("recogniser", lambda span: span._.kg_mention.recogniser),
                       ("score", lambda span: span._.kg_mention.score)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_getter)


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
    """The recognisers of kg.extract.names over the text; their mentions become one span group."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.get("kg_text") or doc.text
        set_mentions(doc, recognise(text, self.registry, doc=doc))
        return doc


def set_mentions(doc: Doc, mentions: list[Mention]) -> None:
    """One span per mention, widened to whole tokens (jieba's words need not end where a name ends);
    the mention itself keeps the exact offsets."""
    doc.user_data["kg_mention_records"] = mentions
    spans = []
    for i, m in enumerate(mentions):
        span = doc.char_span(m.start, m.end, label=m.category, kb_id=m.key or "", alignment_mode="expand")
        if span is not None:
            spans.append(Span(doc, span.start, span.end, label=m.category, kb_id=m.key or "", span_id=str(i)))
    doc.spans[MENTION_GROUP] = spans


@Language.factory("kg_mentions")
def make_mentions(nlp: Language, name: str):
    return MentionFinder(load_registry())


def _add_user_words(registry: Registry) -> None:
    for surface, entry in registry.surface_forms():
        if len(surface) >= 2 and " " not in surface:
            jieba.add_word(surface, freq=50000, tag="nz")


class _KeepText:
    """jieba's dictionary segmentation, keeping the text it was given in doc.user_data["kg_text"]:
    rebuilding it from the tokens (doc.text) costs about a tenth of the whole pipeline. It aligns
    jieba's words with the text itself: spaCy's aligner copies the rest of the text for every
    word, which makes a 300,000-character article take minutes.

    No HMM guessing of unknown words: it glues an unknown name to its neighbours (被斐讯, 斐讯以),
    and a token boundary inside a name is one the recogniser can never undo; unknown names stay
    single characters, which the trained recogniser assembles."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.tokenizer.jieba_seg.cut(text, cut_all=False, HMM=False) if w]
        doc = Doc(self.tokenizer.vocab, *words_and_spaces(words, text))
        doc.user_data["kg_text"] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spacy.util.get_words_and_spaces in linear time (the same tokens): whitespace jieba dropped
    becomes tokens of its own, one space after a word becomes that word's trailing space."""
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError("jieba's words do not spell the text")
    out_words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for word in (w for w in words if not w.isspace()):
        start = text.index(word, pos)
        if start > pos:
            out_words.append(text[pos:start])
            spaces.append(False)
        out_words.append(word)
        spaces.append(False)
        pos = start + len(word)
        if pos < len(text) and text[pos] == " ":
            spaces[-1] = True
            pos += 1
    if pos < len(text):
        out_words.append(text[pos:])
        spaces.append(False)
    return out_words, spaces


@lru_cache(maxsize=2)
def load_pipeline(models: bool = True) -> Language:
    """Built once per process: the registry becomes jieba's user dictionary first. With models,
    the shipped entity recogniser runs before the recognisers (the last of which reads doc.ents)."""
    registry = load_registry()
    _add_user_words(registry)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer = _KeepText(nlp.tokenizer)
    nlp.add_pipe("kg_sentences")
    if models:
        nlp.add_pipe("ner", source=load_model("ner"))
    nlp.add_pipe("kg_mentions")
    word_tags()  # jieba's tag dictionary loads once, here, not inside the first article
    return nlp


def extract_article(article: Article, models: bool = True) -> Extraction:
    """Extraction reads a normalised copy of the text of the same length (see analysis_text),
    so offsets and evidence point into the article as stored. `models=False`: rules alone."""
    from kg.textio import analysis_text

    return extract_doc(load_pipeline(models)(analysis_text(article.text)), article, models)
