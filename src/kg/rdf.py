"""Facts of one article → the triples of its named graph, with PROV-O evidence on every statement."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from decimal import Decimal
from functools import cached_property

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg import iri
from kg.model import Entity, Event, Evidence, Extraction, Observation, Relation, Span
from kg.vocab import KG, UNIT_TERMS

QB = Namespace("http://purl.org/linked-data/cube#")
TIME = Namespace("http://www.w3.org/2006/time#")

METHODS = {"registry": KG.RegistryMethod, "rule": KG.RuleMethod, "model": KG.ModelMethod}
_PERIOD = re.compile(r"(\d{4})(?:-(?:Q([1-4])|H([12])|(\d{2})(?:-(\d{2}))?))?")


def period_bounds(period: str) -> tuple[str, str] | None:
    """First and last day of an ISO 8601 prefix period (2025, 2025-Q3, 2025-H1, 2025-09, 2025-09-30)."""
    m = _PERIOD.fullmatch(period or "")
    if not m:
        return None
    year, quarter, half, month, day = m.groups()
    if quarter:
        first, last = 3 * int(quarter) - 2, 3 * int(quarter)
    elif half:
        first, last = 6 * int(half) - 5, 6 * int(half)
    elif month:
        first = last = int(month)
    else:
        first, last = 1, 12
    if not 1 <= first <= 12 or not 1 <= last <= 12:
        return None
    if day:
        return f"{year}-{first:02d}-{day}", f"{year}-{first:02d}-{day}"
    end_day = calendar.monthrange(int(year), last)[1]
    return f"{year}-{first:02d}-01", f"{year}-{last:02d}-{end_day:02d}"


def _decimal(value: float) -> Literal:
    d = Decimal(repr(float(value)))
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return Literal(d, datatype=XSD.decimal)


class _GraphWriter:
    """Adds one article's facts to a graph; keeps sentence and period nodes unique."""

    def __init__(self, extraction: Extraction, extractor_version: str) -> None:
        self.x = extraction
        self.article_id = extraction.article.id
        self.article = URIRef(iri.article_iri(self.article_id))
        self.version = extractor_version
        self.g = Graph()
        for prefix, ns in (("kg", KG._NS), ("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS),
                           ("qb", QB), ("time", TIME)):
            self.g.bind(prefix, ns)

    def build(self) -> Graph:
        self._article()
        for entity in self.x.entities:
            self._entity(entity)
        for relation in self.x.relations:
            self._relation(relation)
        for observation in self.x.observations:
            self._observation(observation)
        for event in self.x.events:
            self._event(event)
        return self.g

    def _article(self) -> None:
        a, g, art = self.article, self.g, self.x.article
        g.add((a, RDF.type, KG.Article))
        g.add((a, DCTERMS.identifier, Literal(art.id)))
        g.add((a, DCTERMS.title, Literal(art.title, lang=art.language or None)))
        g.add((a, DCTERMS.language, Literal(art.language)))
        g.add((a, KG.contentHash, Literal(art.content_hash)))
        g.add((a, KG.text, Literal(art.text)))  # the text offsets index: article pages draw it from the store
        g.add((a, KG.extractorVersion, Literal(self.version)))
        if art.outlet:
            g.add((a, KG.outlet, Literal(art.outlet)))
        if art.source_url:
            g.add((a, KG.sourceUrl, Literal(art.source_url, datatype=XSD.anyURI)))
        if art.published:
            g.add((a, DCTERMS.issued, Literal(art.published.isoformat(), datatype=XSD.date)))
        activity = URIRef(iri.local_iri(self.article_id, "activity", self.version))
        g.add((activity, RDF.type, KG.ExtractionActivity))
        g.add((activity, PROV.used, a))
        g.add((activity, KG.extractorVersion, Literal(self.version)))

    def _sentence(self, evidence: Evidence) -> URIRef:
        node = URIRef(iri.local_iri(self.article_id, "sentence", evidence.start, evidence.end))
        if (node, RDF.type, KG.Sentence) not in self.g:
            self.g.add((node, RDF.type, KG.Sentence))
            self.g.add((node, KG.text, Literal(evidence.text)))
            self.g.add((node, KG.startOffset, Literal(evidence.start)))
            self.g.add((node, KG.endOffset, Literal(evidence.end)))
            self.g.add((node, KG.inArticle, self.article))
        return node

    @cached_property
    def _sentence_bounds(self) -> tuple[list[int], list[Evidence]]:
        """The pipeline's own sentences of the text (kg.nlp splits the same analysis text the same
        way), so a mention's sentence is the very node its facts cite; recomputed here rather than
        carried on the Extraction, as it is a pure function of the text."""
        from kg.extract.context import split_sentences
        from kg.textio import analysis_text

        text = analysis_text(self.x.article.text)
        sentences = [Evidence(s, e, text[s:e]) for s, e, _ in split_sentences(text)]
        return [s.start for s in sentences], sentences

    def _sentence_of(self, span: Span) -> URIRef | None:
        """The sentence a mention starts in (None for a span outside every sentence)."""
        starts, sentences = self._sentence_bounds
        i = bisect_right(starts, span.start) - 1
        return self._sentence(sentences[i]) if i >= 0 and span.start < sentences[i].end else None

    def _period(self, period: str) -> URIRef | None:
        bounds = period_bounds(period)
        if bounds is None:
            return None
        node = URIRef(iri.period_iri(period))
        if (node, RDF.type, TIME.Interval) not in self.g:
            self.g.add((node, RDF.type, TIME.Interval))
            for prop, day, tag in ((TIME.hasBeginning, bounds[0], "begin"), (TIME.hasEnd, bounds[1], "end")):
                instant = URIRef(f"{node}#{tag}")
                self.g.add((node, prop, instant))
                self.g.add((instant, RDF.type, TIME.Instant))
                self.g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        return node

    def _entity(self, e: Entity) -> None:
        """The mention links and what this article says of the entity (a kg:EntityDescription);
        the entity's labels and types are merged once, across articles, by kg.describe."""
        node, g = URIRef(e.id), self.g
        g.add((node, KG.mentionedIn, self.article))
        said = URIRef(iri.local_iri(self.article_id, "description", e.id))
        g.add((said, RDF.type, KG.EntityDescription))
        g.add((said, KG.describes, node))
        g.add((said, PROV.wasDerivedFrom, self.article))
        g.add((said, KG.statedName, Literal(e.name, lang="zh")))
        for cls in dict.fromkeys(c for c in (e.category, e.kind) if c):
            g.add((said, KG.statedCategory, KG[cls]))
        for alias in e.aliases:
            if alias != e.name:
                g.add((said, KG.statedAlias, Literal(alias, lang="zh")))
        g.add((said, KG.foundBy, METHODS[e.source]))
        for span in e.mentions:
            mention = URIRef(iri.local_iri(self.article_id, "mention", span.start, span.end))
            g.add((mention, RDF.type, KG.Mention))
            g.add((mention, KG.mentionOf, node))
            g.add((mention, KG.inArticle, self.article))
            g.add((mention, KG.startOffset, Literal(span.start)))
            g.add((mention, KG.endOffset, Literal(span.end)))
            sentence = self._sentence_of(span)
            if sentence is not None:
                g.add((mention, KG.inSentence, sentence))

    def _relation(self, r: Relation) -> None:
        s, p, o = URIRef(r.subject), KG[r.predicate], URIRef(r.object)
        self.g.add((s, p, o))
        st = URIRef(iri.local_iri(self.article_id, "statement", r.subject, r.predicate, r.object,
                                  r.evidence.start))
        self.g.add((st, RDF.type, KG.RelationStatement))
        self.g.add((st, RDF.subject, s))
        self.g.add((st, RDF.predicate, p))
        self.g.add((st, RDF.object, o))
        self.g.add((st, PROV.wasDerivedFrom, self._sentence(r.evidence)))
        self._found_by(st, r.source, r.confidence)

    def _found_by(self, node: URIRef, source: str, confidence: float | None) -> None:
        """Which method found it (registry, rule, model) and how sure it is; rules say 1."""
        self.g.add((node, KG.foundBy, METHODS[source]))
        self.g.add((node, KG.confidence, _decimal(1.0 if confidence is None else confidence)))

    def _observation(self, ob: Observation) -> None:
        node = URIRef(iri.local_iri(self.article_id, "observation", ob.subject, ob.metric, ob.value,
                                    ob.period, ob.evidence.start))
        g = self.g
        g.add((node, RDF.type, KG.Observation))
        g.add((node, QB.dataSet, KG.dataset))
        g.add((node, KG.observedEntity, URIRef(ob.subject)))
        g.add((node, KG.metric, KG[ob.metric]))
        g.add((node, KG.value, _decimal(ob.value)))
        g.add((node, KG.unit, UNIT_TERMS[ob.unit]))
        g.add((node, KG.period, Literal(ob.period)))
        period = self._period(ob.period)
        if period is not None:
            g.add((node, KG.refPeriod, period))
        if ob.change_yoy is not None:
            g.add((node, KG.changeYoY, _decimal(ob.change_yoy)))
        g.add((node, PROV.wasDerivedFrom, self._sentence(ob.evidence)))
        self._found_by(node, "rule", None)

    def _event(self, ev: Event) -> None:
        node = URIRef(iri.local_iri(self.article_id, "event", ev.type, ev.subject, ev.date, ev.evidence.start))
        g = self.g
        g.add((node, RDF.type, KG[ev.type]))
        g.add((node, KG.eventSubject, URIRef(ev.subject)))
        if ev.object:
            g.add((node, KG.eventObject, URIRef(ev.object)))
        for prop, value in ((KG.valueBefore, ev.value_before), (KG.valueAfter, ev.value_after),
                            (KG.amount, ev.amount)):
            if value is not None:
                g.add((node, prop, _decimal(value)))
        when = self._period(ev.date)
        if when is not None:
            g.add((node, TIME.hasTime, when))
        g.add((node, PROV.wasDerivedFrom, self._sentence(ev.evidence)))
        self._found_by(node, "rule", None)


def facts_to_graph(extraction: Extraction, extractor_version: str) -> Graph:
    """The named graph of one article: its metadata, entities, mentions and facts with evidence."""
    return _GraphWriter(extraction, extractor_version).build()


__all__ = ["facts_to_graph", "period_bounds", "QB", "TIME"]
