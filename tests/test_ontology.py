"""The ontology and the shapes: they parse, the ontology is OWL-sane, the shapes accept good data
and reject each kind of bad data for the right reason.

Inference for SHACL validation is "none", on purpose. The top-category rule ("exactly one of
Lender, Platform, …, Market") reads the asserted rdf:type triples; RDFS inference would add
kg:Organization to every kg:Lender (Lender ⊑ Organization) and make every lender fail it (see
test_rdfs_inference_would_break_the_top_category_rule). Nothing else needs inference: pyshacl mixes
the ontology into the data graph, and sh:class / sh:targetClass walk rdfs:subClassOf themselves.
"""

from __future__ import annotations

from importlib.resources import files

import owlrl
import pyoxigraph
import pytest
from owlrl.Namespaces import ERRNS
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from kg.vocab import KG

SH = Namespace("http://www.w3.org/ns/shacl#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

INFERENCE = "none"  # see the module docstring


def _read(name: str) -> str:
    return (files("kg.ontology") / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=_read("kg.ttl"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(data=_read("shapes.ttl"), format="turtle")


def kg_terms(g: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and s in KG}


# ---------------------------------------------------------------------------------------------
# Parsing and header
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_parses_with_oxigraph_too(name):
    """The store is Oxigraph: its stricter Turtle parser must accept the files as they are."""
    triples = list(pyoxigraph.parse(_read(name), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) > 50


def test_ontology_header(ontology):
    onts = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert onts == [URIRef("https://w3id.org/fintech-kg/ontology")]
    ont = onts[0]
    assert ontology.value(ont, OWL.versionInfo) is not None
    assert ontology.value(ont, OWL.versionIRI) is not None
    assert (ont, DCTERMS.license, URIRef("https://opensource.org/licenses/MIT")) in ontology
    titles = {lit.language for lit in ontology.objects(ont, DCTERMS.title)}
    assert {"zh", "en"} <= titles
    assert ontology.value(ont, DCTERMS.description) is not None
    # alignments are by IRI only: loading the ontology must never fetch anything
    assert not list(ontology.objects(None, OWL.imports))


def test_external_alignments_are_mappings_not_equivalences(ontology):
    """owl:equivalentClass/sameAs to another vocabulary would import its semantics wholesale."""
    for s, p, o in ontology.triples((None, None, None)):
        if p in (OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs):
            assert s in KG and o in KG, f"{s} {p} {o}: use a skos mapping for outside terms"


# ---------------------------------------------------------------------------------------------
# OWL sanity
# ---------------------------------------------------------------------------------------------

# Classes with no named superclass, each the root of its own part of the model.
TOP_CLASSES = {
    KG.Organization, KG.Regulation, KG.Product, KG.Place, KG.Person, KG.Market,
    KG.Mention, KG.Unit, KG.Event,
}

INVERSES = [
    (KG.subsidiaryOf, KG.hasSubsidiary),
    (KG.shareholderOf, KG.hasShareholder),
    (KG.operates, KG.operatedBy),
    (KG.locatedIn, KG.locationOf),
    (KG.issuedBy, KG.issued),
    (KG.penalizedBy, KG.penalized),
    (KG.acquired, KG.acquiredBy),
    (KG.renamedTo, KG.renamedFrom),
]


def test_every_class_has_a_superclass_path_or_is_top(ontology):
    for cls in kg_terms(ontology, OWL.Class):
        seen = set()
        node = cls
        while node in KG and node not in TOP_CLASSES:
            assert node not in seen, f"subclass cycle through {node}"
            seen.add(node)
            supers = [o for o in ontology.objects(node, RDFS.subClassOf) if isinstance(o, URIRef)]
            assert supers, f"{node} has no named superclass and is not a top class"
            node = supers[0]


def test_class_hierarchy(ontology):
    expected = {
        KG.Lender: KG.Organization, KG.MicroLender: KG.Lender, KG.OnlineMicroLender: KG.MicroLender,
        KG.ConsumerFinanceCompany: KG.Lender, KG.Bank: KG.Lender, KG.TrustCompany: KG.Lender,
        KG.P2PLender: KG.Lender, KG.Platform: KG.Organization, KG.Regulator: KG.Organization,
        KG.Court: KG.Regulator, KG.BNPLProduct: KG.Product, KG.CashLoanProduct: KG.Product,
        KG.Observation: QB.Observation, KG.RelationStatement: RDF.Statement,
        KG.Article: URIRef("http://www.w3.org/ns/prov#Entity"),
        KG.Sentence: URIRef("http://www.w3.org/ns/prov#Entity"),
        KG.ExtractionActivity: URIRef("http://www.w3.org/ns/prov#Activity"),
    }
    for sub, sup in expected.items():
        assert (sub, RDFS.subClassOf, sup) in ontology, f"{sub} ⊑ {sup} missing"


def _disjoint_pairs(g: Graph) -> set[frozenset]:
    pairs = set()
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    return pairs


def test_disjointness(ontology):
    pairs = _disjoint_pairs(ontology)
    categories = [KG.Organization, KG.Regulation, KG.Product, KG.Place, KG.Person, KG.Market]
    for a in categories:
        for b in categories:
            if a != b:
                assert frozenset((a, b)) in pairs, f"{a} and {b} should be disjoint"
    assert frozenset((KG.Lender, KG.Platform)) in pairs
    # a sub-class is never disjoint with its superclass
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        assert frozenset((sub, sup)) not in pairs, f"{sub} declared disjoint with its superclass {sup}"


def test_object_properties_have_a_domain_or_a_note(ontology):
    for prop in kg_terms(ontology, OWL.ObjectProperty):
        has_domain = ontology.value(prop, RDFS.domain) is not None
        has_note = ontology.value(prop, SKOS.note) is not None
        assert has_domain or has_note, f"{prop} has neither rdfs:domain nor skos:note"


def test_datatype_properties_have_a_range(ontology):
    for prop in kg_terms(ontology, OWL.DatatypeProperty):
        assert ontology.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"


@pytest.mark.parametrize("prop,inverse", INVERSES, ids=lambda t: t.split("#")[-1])
def test_inverses_are_declared(ontology, prop, inverse):
    assert (prop, OWL.inverseOf, inverse) in ontology or (inverse, OWL.inverseOf, prop) in ontology
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology
    assert (inverse, RDF.type, OWL.ObjectProperty) in ontology


def test_property_characteristics(ontology):
    assert (KG.partnerOf, RDF.type, OWL.SymmetricProperty) in ontology
    # subsidiaryOf records the stated link only; see the comment in kg.ttl
    assert (KG.subsidiaryOf, RDF.type, OWL.TransitiveProperty) not in ontology
    for prop in (KG.metric, KG.value, KG.unit, KG.observedEntity, KG.eventSubject, KG.mentionOf):
        assert (prop, RDF.type, OWL.FunctionalProperty) in ontology, prop


def test_metric_and_unit_individuals(ontology):
    from kg import model

    for name in model.METRICS:
        assert (KG[name], RDF.type, OWL.NamedIndividual) in ontology
        assert (KG[name], RDF.type, KG.Metric) in ontology
    for term in (KG.CNY, KG.Count, KG.Percent, KG.Rank):
        assert (term, RDF.type, KG.Unit) in ontology


def test_data_cube_structure(ontology):
    assert (KG.dataset, RDF.type, QB.DataSet) in ontology
    assert (KG.dataset, QB.structure, KG.structure) in ontology
    assert (KG.structure, RDF.type, QB.DataStructureDefinition) in ontology
    components = {}
    for spec in ontology.objects(KG.structure, QB.component):
        for role in (QB.dimension, QB.measure, QB.attribute):
            for prop in ontology.objects(spec, role):
                components[prop] = role
    assert components == {
        KG.observedEntity: QB.dimension, KG.metric: QB.dimension, KG.refPeriod: QB.dimension,
        KG.value: QB.measure,
        KG.unit: QB.attribute, KG.changeYoY: QB.attribute, KG.period: QB.attribute,
    }
    kind = {QB.dimension: QB.DimensionProperty, QB.measure: QB.MeasureProperty, QB.attribute: QB.AttributeProperty}
    for prop, role in components.items():
        assert (prop, RDF.type, kind[role]) in ontology, f"{prop} should be a {kind[role]}"


# ---------------------------------------------------------------------------------------------
# Test data
# ---------------------------------------------------------------------------------------------

PREFIXES = """
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix qb:      <http://purl.org/linked-data/cube#> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix kg:      <https://w3id.org/fintech-kg/ontology#> .
@prefix id:      <https://w3id.org/fintech-kg/id/> .
"""

# An article with one sentence: the evidence the facts below point to.
EVIDENCE = """
<https://w3id.org/fintech-kg/id/article/a1> a kg:Article ;
    dcterms:title "快手小贷增资至10亿元" ;
    kg:outlet "21世纪经济报道" ;
    kg:contentHash "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" ;
    kg:extractorVersion "0.1.0" .
<https://w3id.org/fintech-kg/id/sentence/a1-s1> a kg:Sentence ;
    kg:text "截至2025年6月末，广州快手小额贷款有限公司贷款余额127.1亿元。" ;
    kg:startOffset 0 ; kg:endOffset 33 ;
    kg:inArticle <https://w3id.org/fintech-kg/id/article/a1> .
"""

LENDER = """
id:kuaishou-xiaodai a kg:OnlineMicroLender , kg:Lender ;
    skos:prefLabel "广州快手小额贷款有限公司"@zh ; skos:altLabel "快手小贷"@zh ;
    kg:mentionedIn <https://w3id.org/fintech-kg/id/article/a1> .
"""

GOOD = PREFIXES + EVIDENCE + LENDER + """
id:kuaishou a kg:Platform ; skos:prefLabel "快手"@zh , "Kuaishou"@en .
id:guangzhou a kg:Place ; skos:prefLabel "广州"@zh-CN .
id:beijing-kuaishou-keji a kg:Organization ; skos:prefLabel "北京快手科技有限公司"@zh .
id:kuaishou-yuefu a kg:BNPLProduct , kg:Product ; skos:prefLabel "快手月付"@zh .
id:nfra a kg:Regulator ; skos:prefLabel "国家金融监督管理总局"@zh .
id:gz-market a kg:Market ; skos:prefLabel "广州网络小贷行业"@zh .
id:rule a kg:Regulation ; skos:prefLabel "小额贷款公司监督管理暂行办法"@zh ;
    kg:documentNumber "金规〔2025〕9号" .

id:kuaishou-xiaodai kg:subsidiaryOf id:beijing-kuaishou-keji ; kg:locatedIn id:guangzhou .

<https://w3id.org/fintech-kg/id/mention/a1-m1> a kg:Mention ;
    kg:mentionOf id:kuaishou-xiaodai ; kg:text "广州快手小额贷款有限公司" ;
    kg:startOffset 10 ; kg:endOffset 22 ;
    kg:inArticle <https://w3id.org/fintech-kg/id/article/a1> .

<https://w3id.org/fintech-kg/id/statement/a1-r1> a kg:RelationStatement ;
    rdf:subject id:kuaishou-xiaodai ; rdf:predicate kg:subsidiaryOf ; rdf:object id:beijing-kuaishou-keji ;
    prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .

<https://w3id.org/fintech-kg/id/period/2025-06> a time:Interval ;
    time:hasBeginning [ a time:Instant ; time:inXSDDate "2025-06-01"^^xsd:date ] ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2025-06-30"^^xsd:date ] .

<https://w3id.org/fintech-kg/id/observation/a1-o1> a kg:Observation ;
    qb:dataSet kg:dataset ;
    kg:observedEntity id:kuaishou-xiaodai ; kg:metric kg:LoanBalance ;
    kg:value 12710000000.0 ; kg:unit kg:CNY ;
    kg:period "2025-06" ; kg:refPeriod <https://w3id.org/fintech-kg/id/period/2025-06> ; kg:changeYoY 17.6 ;
    prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .

<https://w3id.org/fintech-kg/id/observation/a1-o2> a kg:Observation ;
    qb:dataSet kg:dataset ;
    kg:observedEntity id:gz-market ; kg:metric kg:CompanyCount ;
    kg:value 11 ; kg:unit kg:Count ; kg:period "" ;
    prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .

<https://w3id.org/fintech-kg/id/event/a1-e1> a kg:CapitalIncrease ;
    kg:eventSubject id:kuaishou-xiaodai ;
    kg:valueBefore 500000000.0 ; kg:valueAfter 1000000000.0 ;
    time:hasTime <https://w3id.org/fintech-kg/id/period/2025-06> ;
    prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .

<https://w3id.org/fintech-kg/id/activity/a1> a kg:ExtractionActivity ;
    prov:used <https://w3id.org/fintech-kg/id/article/a1> ; kg:extractorVersion "0.1.0" .
"""

OBSERVATION_HEAD = """
<https://w3id.org/fintech-kg/id/observation/x> a kg:Observation ;
    qb:dataSet kg:dataset ; kg:observedEntity id:kuaishou-xiaodai ; kg:period "2025" ;
    prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> ;
"""

# (case id, Turtle body, a (result path, constraint component) the report must contain)
BAD = [
    ("observation without unit",
     LENDER + OBSERVATION_HEAD + "kg:metric kg:LoanBalance ; kg:value 1.0 .",
     (KG.unit, SH.MinCountConstraintComponent)),
    ("observation with two metrics",
     LENDER + OBSERVATION_HEAD + "kg:metric kg:LoanBalance , kg:Revenue ; kg:value 1.0 ; kg:unit kg:CNY .",
     (KG.metric, SH.MaxCountConstraintComponent)),
    ("observation whose metric is not a Metric",
     LENDER + OBSERVATION_HEAD + "kg:metric kg:CNY ; kg:value 1.0 ; kg:unit kg:CNY .",
     (KG.metric, SH.ClassConstraintComponent)),
    ("observation value is a string",
     LENDER + OBSERVATION_HEAD + 'kg:metric kg:LoanBalance ; kg:value "127.1亿" ; kg:unit kg:CNY .',
     (KG.value, SH.OrConstraintComponent)),
    ("observation period is not an ISO 8601 prefix",
     LENDER + OBSERVATION_HEAD.replace('"2025"', '"2025年上半年"')
     + "kg:metric kg:LoanBalance ; kg:value 1.0 ; kg:unit kg:CNY .",
     (KG.period, SH.PatternConstraintComponent)),
    ("observation outside the data set",
     LENDER + OBSERVATION_HEAD.replace("qb:dataSet kg:dataset ;", "")
     + "kg:metric kg:LoanBalance ; kg:value 1.0 ; kg:unit kg:CNY .",
     (QB.dataSet, SH.MinCountConstraintComponent)),
    ("observation derived from the article, not a sentence",
     LENDER + OBSERVATION_HEAD.replace("sentence/a1-s1", "article/a1")
     + "kg:metric kg:LoanBalance ; kg:value 1.0 ; kg:unit kg:CNY .",
     (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), SH.ClassConstraintComponent)),
    ("entity typed Lender and Platform",
     'id:x a kg:Lender , kg:Platform ; skos:prefLabel "某公司"@zh .',
     (None, SH.XoneConstraintComponent)),
    ("entity typed Lender and Organization",
     'id:x a kg:Lender , kg:Organization ; skos:prefLabel "某公司"@zh .',
     (None, SH.XoneConstraintComponent)),
    ("entity with a finer kind only",
     'id:x a kg:OnlineMicroLender ; skos:prefLabel "某网络小贷公司"@zh .',
     (None, SH.XoneConstraintComponent)),
    ("mentioned entity with no category",
     'id:x skos:prefLabel "某公司"@zh ; kg:mentionedIn <https://w3id.org/fintech-kg/id/article/a1> .',
     (None, SH.XoneConstraintComponent)),
    ("entity without zh label",
     'id:x a kg:Platform ; skos:prefLabel "Kuaishou"@en .',
     (SKOS.prefLabel, SH.QualifiedMinCountConstraintComponent)),
    ("entity with two zh preferred labels",
     'id:x a kg:Platform ; skos:prefLabel "快手"@zh , "快手科技"@zh .',
     (SKOS.prefLabel, SH.UniqueLangConstraintComponent)),
    ("statement without provenance",
     "<https://w3id.org/fintech-kg/id/statement/x> a kg:RelationStatement ;"
     " rdf:subject id:a ; rdf:predicate kg:partnerOf ; rdf:object id:b .",
     (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), SH.MinCountConstraintComponent)),
    ("statement with an inverse predicate",
     "<https://w3id.org/fintech-kg/id/statement/x> a kg:RelationStatement ;"
     " rdf:subject id:a ; rdf:predicate kg:hasSubsidiary ; rdf:object id:b ;"
     " prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .",
     (RDF.predicate, SH.InConstraintComponent)),
    ("event without subject",
     "<https://w3id.org/fintech-kg/id/event/x> a kg:Penalty ;"
     " prov:wasDerivedFrom <https://w3id.org/fintech-kg/id/sentence/a1-s1> .",
     (KG.eventSubject, SH.MinCountConstraintComponent)),
    ("event without provenance",
     "<https://w3id.org/fintech-kg/id/event/x> a kg:Penalty ; kg:eventSubject id:a .",
     (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), SH.MinCountConstraintComponent)),
    ("sentence starting after it ends",
     "<https://w3id.org/fintech-kg/id/sentence/x> a kg:Sentence ; kg:text \"句子。\" ;"
     " kg:startOffset 40 ; kg:endOffset 3 ; kg:inArticle <https://w3id.org/fintech-kg/id/article/a1> .",
     (KG.startOffset, SH.LessThanOrEqualsConstraintComponent)),
    ("sentence with a string offset",
     "<https://w3id.org/fintech-kg/id/sentence/x> a kg:Sentence ; kg:text \"句子。\" ;"
     " kg:startOffset \"0\" ; kg:endOffset 3 ; kg:inArticle <https://w3id.org/fintech-kg/id/article/a1> .",
     (KG.startOffset, SH.DatatypeConstraintComponent)),
    ("sentence outside any article",
     "<https://w3id.org/fintech-kg/id/sentence/x> a kg:Sentence ; kg:text \"句子。\" ;"
     " kg:startOffset 0 ; kg:endOffset 3 .",
     (KG.inArticle, SH.MinCountConstraintComponent)),
    ("article without content hash",
     "<https://w3id.org/fintech-kg/id/article/x> a kg:Article ; dcterms:title \"标题\" ;"
     " kg:extractorVersion \"0.1.0\" .",
     (KG.contentHash, SH.MinCountConstraintComponent)),
    ("article without title",
     "<https://w3id.org/fintech-kg/id/article/x> a kg:Article ; kg:extractorVersion \"0.1.0\" ;"
     ' kg:contentHash "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" .',
     (DCTERMS.title, SH.MinCountConstraintComponent)),
]


def run(data: str, ontology: Graph, shapes: Graph, inference: str = INFERENCE):
    g = Graph().parse(data=data, format="turtle")
    conforms, report, text = validate(
        g, shacl_graph=shapes, ont_graph=ontology, inference=inference, allow_warnings=False
    )
    return conforms, report, text


def results(report: Graph) -> set[tuple]:
    return {
        (report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


# ---------------------------------------------------------------------------------------------
# SHACL: good data conforms, each bad case fails for its own reason
# ---------------------------------------------------------------------------------------------


def test_shapes_have_messages(shapes):
    """Every property shape and every node shape with a direct constraint says, in English, what is wrong."""
    # the members of an sh:xone list report through the node shape that holds the list
    xone_members = {m for lst in shapes.objects(None, SH.xone) for m in Collection(shapes, lst)}
    for shape in set(shapes.subjects(SH.path, None)) - xone_members:
        msgs = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
        assert any(m.language == "en" for m in msgs), f"property shape {shape} has no sh:message@en"
    for shape in shapes.subjects(SH.xone, None):
        assert shapes.value(shape, SH.message) is not None


def test_good_data_conforms(ontology, shapes):
    conforms, _, text = run(GOOD, ontology, shapes)
    assert conforms, text


def test_good_data_is_owl_rl_consistent(ontology):
    """The good example is consistent with the ontology's axioms, and the hierarchy gives the
    online micro lender its superclasses."""
    g = Graph().parse(data=GOOD, format="turtle") + ontology
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert not list(g.objects(None, ERRNS.error)), list(g.objects(None, ERRNS.error))
    lender = URIRef("https://w3id.org/fintech-kg/id/kuaishou-xiaodai")
    for cls in (KG.MicroLender, KG.Lender, KG.Organization):
        assert (lender, RDF.type, cls) in g
    # the inverse is inferred from the stated direction
    assert (URIRef("https://w3id.org/fintech-kg/id/beijing-kuaishou-keji"), KG.hasSubsidiary, lender) in g


def test_owl_rl_catches_a_category_clash(ontology):
    g = Graph().parse(data=PREFIXES + "id:x a kg:Lender , kg:Product .", format="turtle") + ontology
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    errors = [str(e) for e in g.objects(None, ERRNS.error)]
    assert any("Disjoint" in e for e in errors), errors


@pytest.mark.parametrize("case,body,expected", BAD, ids=[c[0] for c in BAD])
def test_bad_data_does_not_conform(ontology, shapes, case, body, expected):
    conforms, report, text = run(PREFIXES + EVIDENCE + body, ontology, shapes)
    assert not conforms, f"{case}: expected a violation\n{text}"
    assert expected in results(report), f"{case}: expected {expected}, got {results(report)}\n{text}"


def test_rdfs_inference_would_break_the_top_category_rule(ontology, shapes):
    """Why INFERENCE is "none": under RDFS a correct lender also becomes an Organization."""
    data = PREFIXES + EVIDENCE + LENDER
    assert run(data, ontology, shapes, inference="none")[0]
    conforms, report, _ = run(data, ontology, shapes, inference="rdfs")
    assert not conforms
    assert (None, SH.XoneConstraintComponent) in results(report)
