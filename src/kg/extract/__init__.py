"""Doc → Extraction: the stages over one spaCy Doc, in order (names, linking, sentences,
relations, observations, events). The pipeline that makes the Doc is assembled above this package,
in kg.nlp; nothing here imports it. Only this package and kg.nlp import spaCy."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import lru_cache
from importlib.resources import files

from kg.extract.chrome import chrome_spans
from kg.extract.context import Sentence, build_sentences, is_media, split_sentences
from kg.extract.dating import document_year, issued_before_issuer
from kg.extract.events import events_of
from kg.extract.linking import link
from kg.extract.names import place_names
from kg.extract.observations import observations_in, unique_observations
from kg.extract.relations import Scope, name_relations, relations_of, unique_relations
from kg.extract.timex import find_timexes
from kg.extract.trained import MODEL_SOURCE, model_digest, model_relations
from kg.model import Article, Entity, Evidence, Extraction
from kg.registry import load_registry

# Bump when extraction output changes meaning; the fingerprint below catches every code or
# registry edit anyway, so a build re-extracts exactly when the extractor changed.
EXTRACTOR_RELEASE = "1"
MENTION_GROUP = "kg_mentions"  # the span group the recognisers' mentions are in


@lru_cache(maxsize=1)
def extractor_version() -> str:
    h = hashlib.sha256()
    # the code and the cue vocabulary of every module of the package, then the pipeline, graph-writing and registry code
    for name, path in [*_package_files(files("kg.extract")), ("nlp.py", files("kg") / "nlp.py"),
                       ("rdf.py", files("kg") / "rdf.py"),
                       ("registry.py", files("kg") / "registry.py")]:
        h.update(name.encode())
        h.update(path.read_bytes())
    h.update(load_registry().fingerprint().encode())
    h.update(model_digest().encode())  # the shipped models are part of the extractor
    return f"{EXTRACTOR_RELEASE}+{h.hexdigest()[:12]}"


def _package_files(folder, prefix: str = "") -> list[tuple[str, object]]:
    """(relative name, path) of every .py and .yaml file under folder, sorted by name."""
    found = []
    for p in folder.iterdir():
        if p.is_dir() and p.name != "__pycache__":
            found += _package_files(p, f"{prefix}{p.name}/")
        elif p.name.endswith((".py", ".yaml")):
            found.append((prefix + p.name, p))
    return sorted(found, key=lambda item: item[0])


# Hosting platforms' notices (特别声明…, 免责声明…, "Notice: The content above…") are not the
# article's content: names in them are not things the article speaks of.
_BOILERPLATE = re.compile(
    r"^[ \t]*(?:特别声明|免责声明|版权声明|Notice:|Disclaimer:|Copyright)[^\n]*"
    # a by-line (来源: X, 作者|Y): the credit only, not the article text that may follow on its line
    r"|^[ \t]*(?:来源|作者|(?:责任)?编辑|出品|审核|记者)[ \t]*[:：|｜][ \t]*[^\s，。,]{0,20}"
    # a source tag: 【中国经营报】, 【第一财经】, 【详情点击标题】, （来源：中国支付网）
    r"|【[^】\n]{0,10}(?:报|网|社|财经|新闻|讯|标题|资讯)】|[（(]来源[:：][^）)\n]{1,20}[）)]",
    re.MULTILINE | re.IGNORECASE,
)


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _BOILERPLATE.finditer(text)]


def paragraph_timexes(text: str, default_year: int | None):
    """A year named in one paragraph carries to the dates after it in that paragraph only."""
    found = []
    pos = 0
    for chunk in text.split("\n"):
        found.extend(find_timexes(chunk, default_year=default_year, offset=pos))
        pos += len(chunk) + 1
    return found


def read_sentences(sentences: list[Sentence], as_of: str | None):
    """Relations and observations sentence by sentence, each sentence with the topic in force
    before it (the paragraph's last company), which the relation classifier reads too."""
    relations, observations, with_topics = [], [], []
    topic: Entity | None = None
    paragraph = -1
    previous: Sentence | None = None
    for s in sentences:
        if s.paragraph != paragraph:
            paragraph, topic = s.paragraph, None
        with_topics.append((s, topic))
        relations.extend(relations_of(s, Scope(topic, previous)))
        previous = s
        observations.extend(observations_in(s, topic, as_of))
        subjects = [x for x in s.slots_of("Lender", "Platform", "Organization", "Market") if not is_media(x.entity)]
        if subjects:
            topic = subjects[0].entity
    return relations, observations, with_topics


def entity_sources(entities, mention_entity) -> tuple[Entity, ...]:
    """Each entity says how it was found: registry, rule, or model when only the model named it."""
    found_by: dict[str, set[str]] = {}
    for mention, entity_id in mention_entity:
        found_by.setdefault(entity_id, set()).add(mention.source)
    return tuple(replace(e, source="registry" if e.registry_key else
                         "model" if found_by.get(e.id) == {MODEL_SOURCE} else "rule") for e in entities)


def without_anachronisms(relations, events, by_id: dict[str, Entity], registry):
    """A rule is not issued by a body set up after it (《银行业监督管理法》, 2003, by 银保监会, 2018):
    such an issuedBy or RegulationIssued names the successor of the real issuer, so it is left out."""
    def impossible(regulation: str, issuer: str | None, text: str) -> bool:
        if regulation not in by_id or issuer not in by_id:
            return False
        return issued_before_issuer(by_id[regulation], by_id[issuer], registry, text)

    relations = [r for r in relations if not (r.predicate == "issuedBy" and impossible(r.subject, r.object, r.evidence.text))]
    events = [e for e in events if not (e.type == "RegulationIssued" and impossible(e.subject, e.object, e.evidence.text))]
    return relations, events


def rules_name_the_authority(relations: list) -> list:
    """Where a rule read who penalised a company (被徐州银监分局罚款), the classifier's guess of
    another authority for it (the national regulator the sentence also names) is left out."""
    by_rule = {r.subject for r in relations if r.predicate == "penalizedBy" and r.source != MODEL_SOURCE}
    return [r for r in relations if not (r.predicate == "penalizedBy" and r.source == MODEL_SOURCE
                                         and r.subject in by_rule)]


def extract_doc(doc, article: Article, models: bool = True) -> Extraction:  # doc: spacy.tokens.Doc
    text = doc.user_data.get("kg_text") or doc.text
    registry = load_registry()
    places = place_names(registry)
    excluded = boilerplate_spans(text) + chrome_spans(text)
    found = [span._.kg_mention for span in doc.spans.get(MENTION_GROUP, ())]
    mentions = [m for m in found if not any(s <= m.start < e for s, e in excluded)]
    linked = link(text, mentions, registry, places)
    by_id = {e.id: e for e in linked.entities}
    default_year = article.published.year if article.published else document_year(text, linked.entities, registry)
    as_of = str(default_year) if default_year else None
    timexes = paragraph_timexes(text, default_year)
    sentences = build_sentences(text, doc.user_data.get("kg_sentences") or split_sentences(text),
                                [(m, by_id[eid]) for m, eid in linked.mention_entity], timexes)

    first_evidence: dict[str, Evidence] = {}
    for s in sentences:
        for slot in s.slots:
            first_evidence.setdefault(slot.entity.id, s.evidence)

    relations, observations, with_topics = read_sentences(sentences, as_of)
    relations += name_relations(linked.entities, first_evidence)
    if models:  # the classifier reads only pairs that no rule related, either way round
        relations += model_relations(with_topics, {(r.subject, r.object) for r in relations})
        relations = rules_name_the_authority(relations)

    events = events_of(sentences)
    relations, events = without_anachronisms(relations, events, by_id, registry)
    # a market is there to carry statistics: one the article gives no figure for is no entity
    observed = {o.subject for o in observations}
    idle = {e.id for e in linked.entities if e.category == "Market" and e.id not in observed}
    entities = entity_sources((e for e in linked.entities if e.id not in idle), linked.mention_entity)
    relations = [r for r in relations if r.subject not in idle and r.object not in idle]
    events = [e for e in events if e.subject not in idle and e.object not in idle]
    return Extraction(
        article=article,
        entities=entities,
        relations=tuple(unique_relations(relations)),
        observations=tuple(unique_observations(observations)),
        events=tuple(events),
    )


__all__ = ["extract_doc", "extractor_version", "EXTRACTOR_RELEASE", "MENTION_GROUP", "Sentence"]
