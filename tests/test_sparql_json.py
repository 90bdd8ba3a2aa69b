"""Issue 9: one module owns the SPARQL results JSON of terms; store and remote do not import
each other."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg import sparql_json
from kg.query import format_result
from kg.remote import parse_sparql_json
from kg.serve import serialise_solutions
from kg.store import EmbeddedStore, Table

STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
PAIRS = [  # the same term as pyoxigraph and rdflib see it
    (ox.NamedNode("http://example.org/快手"), URIRef("http://example.org/快手")),
    (ox.BlankNode("b1"), BNode("b1")),
    (ox.Literal("小贷"), Literal("小贷")),
    (ox.Literal("x", datatype=ox.NamedNode(str(STRING))), Literal("x", datatype=STRING)),
    (ox.Literal("快手", language="zh"), Literal("快手", lang="zh")),
    (ox.Literal("10.5", datatype=ox.NamedNode(str(DECIMAL))), Literal("10.5", datatype=DECIMAL)),
]


def test_one_encoding_for_pyoxigraph_and_rdflib_terms():
    for ox_term, rdflib_term in PAIRS:
        assert sparql_json.encode_term(ox_term) == sparql_json.encode_term(rdflib_term)
    assert sparql_json.encode_term(Literal("x", datatype=STRING)) == {"type": "literal", "value": "x"}


def test_decoding_inverts_encoding():
    for _, term in PAIRS:
        decoded = sparql_json.decode_term(sparql_json.encode_term(term))
        if isinstance(term, Literal) and term.datatype == STRING:
            assert decoded == Literal(str(term))  # a simple literal, as the embedded store gives it
        else:
            assert decoded == term


def test_endpoint_kg_query_and_remote_speak_the_same_json():
    store = EmbeddedStore()
    store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> "
                 "\"快手\"@zh , \"10\"^^<http://www.w3.org/2001/XMLSchema#integer> , \"plain\" , _:b } }")
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY STR(?o)"
    table = store.query(query)
    from_kg_query = json.loads(format_result(table, "json"))
    solutions = list(store._store.query(query, use_default_graph_as_union=True))
    from_endpoint = json.loads(serialise_solutions(["o"], [[s["o"]] for s in solutions], "json"))
    strip = [b for b in from_kg_query["results"]["bindings"] if b["o"]["type"] != "bnode"]
    assert strip == [b for b in from_endpoint["results"]["bindings"] if b["o"]["type"] != "bnode"]
    back = parse_sparql_json(json.dumps(from_kg_query).encode())
    assert isinstance(back, Table) and [r for r in back.rows if not isinstance(r[0], BNode)] == \
        [r for r in table.rows if not isinstance(r[0], BNode)]
    store.close()


def test_store_and_remote_do_not_import_each_other():
    # kg.store opens a RemoteStore for an http(s) location (a lazy import); nothing goes back
    for first, never in (("kg.remote", "kg.store"), ("kg.store", "kg.remote")):
        code = f"import sys, {first}; assert {never!r} not in sys.modules"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"importing {first} imports {never}"
