"""SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/): the one place
that turns RDF terms into their JSON objects and back.

Used by `kg serve` (pyoxigraph terms out), `kg query --format json` (rdflib terms out) and the
remote store (JSON in, rdflib terms). Simple literals (xsd:string) carry no datatype, as the
recommendation shows them; language-tagged literals carry `xml:lang`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def encode_term(term) -> dict:
    """The JSON object of one RDF term, a pyoxigraph or an rdflib one."""
    if isinstance(term, ox.NamedNode | URIRef):
        return {"type": "uri", "value": term.value if isinstance(term, ox.NamedNode) else str(term)}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": encode_term(term.subject),
                                            "predicate": encode_term(term.predicate),
                                            "object": encode_term(term.object)}}
    raise ValueError(f"unsupported RDF term {term!r}")


def decode_term(value: Mapping[str, str]) -> Node:
    """An rdflib term from its JSON object (also the SPARQL 1.0 `typed-literal` form)."""
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return Literal(value["value"], lang=lang)
        datatype = value.get("datatype")
        if datatype and datatype != XSD_STRING:
            return Literal(value["value"], datatype=URIRef(datatype))
        return Literal(value["value"])
    raise StoreError(f"unsupported term in SPARQL JSON results: {value!r}")


def encode_solutions(variables: Sequence[str], rows: Iterable[Sequence], indent: int | None = None) -> str:
    """A SELECT result document; None in a row is an unbound variable."""
    bindings = [{v: encode_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=indent)


def encode_boolean(value: bool) -> str:
    """An ASK result document."""
    return json.dumps({"head": {}, "boolean": bool(value)})


def decode_results(data: bytes) -> bool | tuple[tuple[str, ...], tuple[tuple[Node | None, ...], ...]]:
    """An ASK answer as a bool, a SELECT answer as (variables, rows of rdflib terms or None)."""
    doc = json.loads(data.decode("utf-8"))
    if "boolean" in doc:
        return bool(doc["boolean"])
    variables = tuple(doc.get("head", {}).get("vars", []))
    rows = tuple(
        tuple(decode_term(b[v]) if v in b else None for v in variables)
        for b in doc.get("results", {}).get("bindings", [])
    )
    return variables, rows
