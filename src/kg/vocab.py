"""The ontology: its terms as a typed namespace (a typo raises instead of minting a wrong IRI),
and the ontology file itself as bytes or as an rdflib graph.

tests/test_vocab.py keeps this list and ontology/kg.ttl in step, both ways.
"""

from __future__ import annotations

from importlib.resources import files

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.iri import ONTOLOGY
from kg.schema import UNIT_TABLE


class KG(DefinedNamespace):
    _NS = Namespace(ONTOLOGY)
    _fail = True

    # categories (the contract's) and finer kinds
    Organization: URIRef
    Lender: URIRef
    MicroLender: URIRef
    OnlineMicroLender: URIRef
    ConsumerFinanceCompany: URIRef
    Bank: URIRef
    TrustCompany: URIRef
    P2PLender: URIRef
    Platform: URIRef
    Regulator: URIRef
    Court: URIRef
    Regulation: URIRef
    Product: URIRef
    BNPLProduct: URIRef
    CashLoanProduct: URIRef
    Place: URIRef
    Person: URIRef
    Market: URIRef

    # relations between entities (with inverses)
    subsidiaryOf: URIRef
    hasSubsidiary: URIRef
    shareholderOf: URIRef
    hasShareholder: URIRef
    operates: URIRef
    operatedBy: URIRef
    partnerOf: URIRef
    locatedIn: URIRef
    locationOf: URIRef
    issuedBy: URIRef
    issued: URIRef
    penalizedBy: URIRef
    penalized: URIRef
    acquired: URIRef
    acquiredBy: URIRef
    renamedTo: URIRef
    renamedFrom: URIRef

    # entity annotations
    registryKey: URIRef
    wikidataId: URIRef
    documentNumber: URIRef

    # articles, sentences, mentions, provenance
    Article: URIRef
    Sentence: URIRef
    Mention: URIRef
    RelationStatement: URIRef
    ExtractionActivity: URIRef
    CuratedRegistry: URIRef
    outlet: URIRef
    sourceUrl: URIRef
    contentHash: URIRef
    extractorVersion: URIRef
    inArticle: URIRef
    text: URIRef
    startOffset: URIRef
    endOffset: URIRef
    mentionOf: URIRef
    inSentence: URIRef
    mentionedIn: URIRef
    EntityDescription: URIRef
    describes: URIRef
    statedName: URIRef
    statedAlias: URIRef
    statedCategory: URIRef

    # how a name or a statement was found, and with what confidence
    ExtractionMethod: URIRef
    RegistryMethod: URIRef
    RuleMethod: URIRef
    ModelMethod: URIRef
    foundBy: URIRef
    confidence: URIRef

    # observations (RDF Data Cube)
    Observation: URIRef
    Metric: URIRef
    Unit: URIRef
    dataset: URIRef
    structure: URIRef
    observedEntity: URIRef
    metric: URIRef
    value: URIRef
    unit: URIRef
    refPeriod: URIRef
    period: URIRef
    changeYoY: URIRef

    # metrics (individuals of Metric)
    RegisteredCapital: URIRef
    LoanBalance: URIRef
    LoanIssuance: URIRef
    Revenue: URIRef
    NetProfit: URIRef
    TotalAssets: URIRef
    CompanyCount: URIRef
    GMV: URIRef
    DAU: URIRef
    MAU: URIRef
    MonthlyBuyers: URIRef
    Users: URIRef
    InterestRate: URIRef
    PenaltyAmount: URIRef
    LoanBalanceRank: URIRef
    LoanIssuanceRank: URIRef
    RevenueRank: URIRef
    NetProfitRank: URIRef

    # units (individuals of Unit)
    CNY: URIRef
    Count: URIRef
    Percent: URIRef
    Rank: URIRef

    # events
    Event: URIRef
    LicenseGranted: URIRef
    LicenseRevoked: URIRef
    CapitalIncrease: URIRef
    Penalty: URIRef
    RegulationIssued: URIRef
    RegulationEffective: URIRef
    Acquisition: URIRef
    Renaming: URIRef
    eventSubject: URIRef
    eventObject: URIRef
    valueBefore: URIRef
    valueAfter: URIRef
    amount: URIRef


UNIT_TERMS = {unit: KG[term] for unit, term in UNIT_TABLE.items()}


def ontology_bytes() -> bytes:
    """ontology/kg.ttl as shipped with the package (installed as kg.ontology)."""
    return (files("kg.ontology") / "kg.ttl").read_bytes()


def ontology_graph() -> Graph:
    """The OWL ontology as a graph: for the store's ontology graph, SHACL and reasoning."""
    g = Graph()
    g.parse(data=ontology_bytes(), format="turtle")
    return g
