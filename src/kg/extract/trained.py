"""The trained components shipped in the package (src/kg/models/): an entity recogniser and a
relation classifier over pairs of mentions. Rules and the registry keep precedence; these
fill the gaps (see README, "How rules and models combine").

Loaded once per process; a missing or corrupt model is a ModelError naming the file.
"""

from __future__ import annotations

import hashlib
import re
import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from kg.errors import KgError
from kg.model import PREDICATES

# model label → contract category; ORG is refined from the name (legal form, brand shape)
LABEL_TO_CATEGORY = {"GOV": "Regulator", "LAW": "Regulation", "PRODUCT": "Product", "PLACE": "Place",
                     "PERSON": "Person", "ORG": "Organization"}
RELATION_PREDICATES = PREDICATES  # the classifier's classes are the contract's predicates (kg.schema)
SYMMETRIC = frozenset({"partnerOf"})
NONE = "NONE"
CONTEXT = 12  # characters kept before the first and after the second mention of a pair
MAX_GAP = 80  # mentions further apart than this are not a candidate pair
MODEL_NAMES = ("ner", "rel")


class ModelError(KgError):
    """A shipped model is missing or cannot be loaded."""


def models_dir() -> Path:
    return Path(str(files("kg") / "models"))


def relation_classes() -> list[str]:
    """Classes of an ordered pair (first, second): p reads first→second, p~ second→first."""
    out = [NONE]
    for p in RELATION_PREDICATES:
        out.append(p)
        if p not in SYMMETRIC:
            out.append(p + "~")
    return out


def pair_text(text: str, first: tuple[int, int, str], second: tuple[int, int, str]) -> str:
    """The text around an ordered pair with the names replaced by typed markers (甲ORG … 乙PLACE),
    so the classifier learns the wording, not the names. Shared by training and extraction."""
    (s1, e1, l1), (s2, e2, l2) = first, second
    left = text[max(0, s1 - CONTEXT):s1]
    right = text[e2:e2 + CONTEXT]
    return f"{left} 甲{l1} {text[e1:s2]} 乙{l2} {right}".replace("\n", " ")


def model_digest() -> str:
    """Changes when any shipped model file changes: part of the extractor fingerprint."""
    h = hashlib.sha256()
    root = models_dir()
    if not root.exists():
        return "none"
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


@lru_cache(maxsize=4)
def load_model(name: str, root: Path | None = None):
    """The shipped spaCy pipeline `name` (ner or rel), from the package or from `root`."""
    import spacy

    path = (root or models_dir()) / name
    for needed in ("config.cfg", "meta.json"):
        if not (path / needed).is_file():
            raise ModelError(f"trained model {name!r} is missing: {path / needed} not found "
                             "(reinstall the package or run `make train`)")
    try:
        return spacy.load(path)
    except Exception as exc:  # a truncated or corrupt weights file
        raise ModelError(f"trained model {name!r} at {path} cannot be loaded: {exc}") from exc


def thresholds() -> dict[str, float]:
    """Per-component decision thresholds, chosen on the dev split (models/thresholds.json)."""
    path = models_dir() / "thresholds.json"
    if not path.is_file():
        raise ModelError(f"model thresholds are missing: {path} not found")
    try:
        return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (ValueError, AttributeError) as exc:
        raise ModelError(f"model thresholds at {path} are not valid JSON numbers: {exc}") from exc


# --- entity recogniser ------------------------------------------------------------------

CATEGORY_TO_LABEL = {"Lender": "ORG", "Platform": "ORG", "Organization": "ORG", "Market": "ORG",
                     "Regulator": "GOV", "Regulation": "LAW", "Product": "PRODUCT", "Place": "PLACE",
                     "Person": "PERSON"}
MODEL_SOURCE = "model"
NAME_CONFIDENCE = 0.8  # a fixed score: the transition-based recogniser gives no probability per name
# names shaped like a lending or finance brand (X贷, X金服, X理财 …) are platforms when no legal form says more
BRAND_SHAPE = re.compile(r"(?:贷|宝|金服|理财|财富|钱包|金融|普惠|在线|网|借|花|分期)$")


def ner_component():
    """The trained recogniser, to be added to the rule pipeline before the mention finder."""
    return load_model("ner")


def usable_name(text: str) -> bool:
    """Model spans that cannot be names: one character, digits only, or crossing punctuation."""
    stripped = text.strip()
    return (len(stripped) >= 2 and not stripped.isdigit()
            and not any(ch in "，。；：！？、,;:!?\n“”\"" for ch in stripped))


_PROPER_TAGS = ("nr", "ns", "nt", "nz", "j")  # jieba's person, place, organisation, other proper, abbreviation
_CLAUSE_TAGS = ("v", "l", "i")  # verbs, set phrases (明确要求), idioms
_FUNCTION_TAGS = ("d", "p", "u", "c", "r", "m", "q", "f")  # adverbs, prepositions, particles, pronouns, numbers


def plausible_name(ent) -> bool:
    """A span the model tagged but that reads as ordinary words, not a name: words jieba knows as
    common words only (海量, 普惠金融), a verb before its last word (展现出…), a function word at its edge
    (被斐讯, 斐讯以) or inside it. Single characters are what unknown names are made of here."""
    from kg.extract.names.base import word_tags

    tags = [(len(token.text) > 1, word_tags().get(token.text) or "") for token in ent]
    words = [tag for long, tag in tags if long]
    if len(words) == len(tags) and all(tag and not tag.startswith(_PROPER_TAGS) for tag in words):
        return False
    if any(long and tag.startswith(_CLAUSE_TAGS) for long, tag in tags[:-1]):
        return False  # a verb or set phrase before the last word makes a clause (明确要求小贷公司)
    edges = [tags[0][1], tags[-1][1]]
    inside = [tag for long, tag in tags if long]
    return not any(tag.startswith(_FUNCTION_TAGS) for tag in edges + inside)


def model_mentions(doc, taken: list[tuple[int, int]]) -> list:
    """Names the trained recogniser found (doc.ents) where no registry or rule mention is:
    rules keep precedence, the model fills gaps. ORG names get a category from their legal form."""
    from kg.extract.names.base import Mention
    from kg.extract.names.legal import classify_company

    out = []
    for ent in doc.ents:
        start, end = ent.start_char, ent.end_char
        if not usable_name(ent.text) or not plausible_name(ent) or any(s < end and start < e for s, e in taken):
            continue
        category, kind = LABEL_TO_CATEGORY.get(ent.label_, "Organization"), None
        if ent.label_ == "ORG":
            category, kind = classify_company(ent.text)
            if category == "Organization" and BRAND_SHAPE.search(ent.text):
                category = "Platform"
        out.append(Mention(start, end, ent.text, category, kind, source=MODEL_SOURCE, recogniser="model",
                           priority=99, score=NAME_CONFIDENCE))
    return out


# --- relation classifier ----------------------------------------------------------------

# which (subject label, object label) pairs the classifier may relate by each predicate: a class
# outside this table is not emitted whatever its score. An extraction policy, not the ontology's
# domains and ranges (kg.schema): tighter where those are open (issuedBy needs a regulator here),
# looser where the contract's gold is (a company operates a platform brand, an ORG here too).
ADMITS = {
    "subsidiaryOf": {("ORG", "ORG")},
    "shareholderOf": {("ORG", "ORG"), ("PERSON", "ORG")},
    "operates": {("ORG", "PRODUCT"), ("ORG", "ORG")},
    "partnerOf": {("ORG", "ORG")},
    "locatedIn": {("ORG", "PLACE")},
    "issuedBy": {("LAW", "GOV")},
    "penalizedBy": {("ORG", "GOV"), ("PERSON", "GOV")},
    "acquired": {("ORG", "ORG")},
    "renamedTo": {("ORG", "ORG"), ("PRODUCT", "PRODUCT")},
}
# kinds of pairs some predicate admits, either way round: other pairs are never classified
ADMISSIBLE_PAIRS = frozenset(p for pairs in ADMITS.values() for a, b in pairs for p in ((a, b), (b, a)))
PRONOUN = re.compile(r"其|该公司|该平台|该集团|公司")


def label_of(category: str) -> str:
    return CATEGORY_TO_LABEL.get(category, "ORG")


def candidate_pairs(slots) -> list[tuple[int, int]]:
    """Ordered pairs of mentions of two different entities, at most MAX_GAP characters apart."""
    pairs = []
    for i, a in enumerate(slots):
        for j in range(i + 1, len(slots)):
            b = slots[j]
            if b.start - a.end > MAX_GAP:
                break
            if b.entity.id != a.entity.id and b.start >= a.end:
                pairs.append((i, j))
    return pairs


def decide(cats: dict[str, float], first_label: str, second_label: str, threshold: float):
    """The best admissible class of a pair: (predicate, reversed, score), or None."""
    for cls, score in sorted(cats.items(), key=lambda kv: -kv[1]):
        if cls == NONE or score < threshold:
            return None
        predicate, reverse = cls.rstrip("~"), cls.endswith("~")
        labels = (second_label, first_label) if reverse else (first_label, second_label)
        if labels in ADMITS.get(predicate, ()):
            return predicate, reverse, score
    return None


def pronoun_slots(sentence, topic) -> list:
    """其/该公司/该平台 … stand for the previous sentence's topic: pseudo-mentions of it, so a pair
    with the topic can be classified across the sentence boundary."""
    from kg.extract.context import Slot

    if topic is None:
        return []
    taken = [(s.start, s.end) for s in sentence.slots]
    out = []
    for m in PRONOUN.finditer(sentence.text):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        if not any(s < end and start < e for s, e in taken):
            out.append(Slot(start, end, topic, None))
    return out


def scored_pairs(sentences_with_topics, ruled: set[tuple[str, str]]):
    """Every candidate pair no rule related, with the classifier's class scores: (first slot,
    second slot, first label, second label, sentence, cats). Shared by extraction and analysis."""
    items = []
    for sentence, topic in sentences_with_topics:
        slots = sorted([*sentence.slots, *pronoun_slots(sentence, topic)], key=lambda s: s.start)
        for i, j in candidate_pairs(slots):
            a, b = slots[i], slots[j]
            if (a.entity.id, b.entity.id) in ruled or (b.entity.id, a.entity.id) in ruled:
                continue
            la, lb = label_of(a.entity.category), label_of(b.entity.category)
            if (la, lb) not in ADMISSIBLE_PAIRS:
                continue
            text = pair_text(sentence.text, (a.start - sentence.start, a.end - sentence.start, la),
                             (b.start - sentence.start, b.end - sentence.start, lb))
            items.append((text, a, b, la, lb, sentence))
    if not items:
        return []
    classifier = load_model("rel")
    return [(a, b, la, lb, sentence, doc.cats)
            for doc, (_, a, b, la, lb, sentence) in zip(classifier.pipe(t for t, *_ in items), items)]


def model_relations(sentences_with_topics, ruled: set[tuple[str, str]]):
    """Relations the classifier finds between mentions no rule related, one batch per article."""
    from kg.model import Relation

    threshold = thresholds().get("relation", 0.5)
    out = []
    for a, b, la, lb, sentence, cats in scored_pairs(sentences_with_topics, ruled):
        found = decide(cats, la, lb, threshold)
        if found:
            predicate, reverse, score = found
            subject, obj = (b, a) if reverse else (a, b)
            out.append(Relation(subject.entity.id, predicate, obj.entity.id, sentence.evidence,
                                source=MODEL_SOURCE, confidence=round(score, 3)))
    return out
