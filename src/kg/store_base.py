"""What every store offers, whatever the engine: the `Store` interface, SELECT tables, term
conversion between rdflib and pyoxigraph, and parameter binding by a VALUES block.

Shared by the embedded store (`kg.store`) and remote servers (`kg.remote`), which import this
module and not each other.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.sparql_guard import TOKEN as _TOKEN
from kg.sparql_json import XSD_STRING

Bindings = Mapping[str, "Node | tuple[Node, ...]"]  # a tuple: any one of these terms (a VALUES row each)


@dataclass(frozen=True)
class Table:
    """The rows of a SELECT: rdflib terms, None where a variable is unbound."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def column(self, name: str) -> list[Node | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


QueryResult = Table | Graph | bool


class Store(ABC):
    """What the rest of the project needs from a store, whatever the engine."""

    location: str

    @abstractmethod
    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult: ...

    @abstractmethod
    def replace_graph(self, graph: str, triples: Graph) -> None:
        """Replace one named graph with these triples, all or nothing."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        """Replace several graphs (an empty one is dropped): in one transaction where the engine
        allows, else one by one in the given order (then put last the graph whose presence says
        the others are written)."""
        for name, triples in graphs.items():
            if len(triples):
                self.replace_graph(name, triples)
            else:
                self.drop_graph(name)

    @abstractmethod
    def graph_names(self) -> list[str]: ...

    @abstractmethod
    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        """Serialise the store (or one graph) as 'trig' or 'nquads'."""

    def close(self) -> None:
        """Release files and connections."""

    def select(self, sparql: str, bindings: Bindings | None = None) -> Table:
        result = self.query(sparql, bindings)
        if not isinstance(result, Table):
            raise QueryError("expected a SELECT query")
        return result

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        result = self.query(sparql, bindings)
        if not isinstance(result, Graph):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return result

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- term conversion between rdflib (the project's currency) and pyoxigraph ---------------

def to_rdflib(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise StoreError(f"unsupported RDF term from the store: {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}")


_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI_OK = re.compile(r'^[^\x00-\x20<>"{}|^`\\]*$')

# --- binding parameters: a VALUES block at the start of the outermost WHERE group -------------

def where_group_start(sparql: str) -> int:
    """The offset just after the `{` that opens the outermost WHERE group of a query."""
    depth = 0
    seen_where = False
    form = None
    top_level_groups = 0
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind == "word" and depth == 0:
            word = m.group().upper()
            if form is None and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = word
            elif word == "WHERE" and form is not None:
                seen_where = True
        elif kind == "open":
            if depth == 0 and form is not None:
                # CONSTRUCT { template } WHERE { … }: the first group is the template
                if seen_where or form != "CONSTRUCT" or top_level_groups > 0:
                    return m.end()
                top_level_groups += 1
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    raise QueryError("cannot bind parameters: the query has no WHERE group")


def term_n3(name: str, term: Node) -> str:
    if not _VAR_NAME.match(name):
        raise QueryError(f"bad parameter name {name!r}")
    if isinstance(term, URIRef):
        if not _IRI_OK.match(str(term)):
            raise QueryError(f"cannot bind ?{name}: {str(term)!r} is not an IRI")
        return term.n3()
    if isinstance(term, Literal):
        return term.n3()
    raise QueryError(f"cannot bind ?{name} to {term!r}: only IRIs and literals can be bound")


def inject_values(sparql: str, bindings: Bindings | None) -> str:
    """Bind variables by a VALUES block at the top of the outermost WHERE group.

    Values are RDF terms serialised by rdflib (escaped; IRIs checked), never user text pasted
    into the query; the same mechanism works for any SPARQL 1.1 engine, embedded or remote.
    """
    if not bindings:
        return sparql
    names = list(bindings)
    choices = [[term_n3(n, t) for t in (bindings[n] if isinstance(bindings[n], tuple) else (bindings[n],))]
               for n in names]
    rows = " ".join(f"({' '.join(row)})" for row in product(*choices))
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}\n"
    at = where_group_start(sparql)
    return sparql[:at] + block + sparql[at:]



_POSITION = re.compile(r"(\d+):(\d+)")


def query_error(exc: Exception, sparql: str) -> QueryError:
    """A parse error with its line and column, and the offending line quoted."""
    message = str(exc)
    found = _POSITION.search(message)
    if found:
        line_no, col = int(found.group(1)), int(found.group(2))
        lines = sparql.splitlines()
        if 1 <= line_no <= len(lines):
            message += f"\n  line {line_no}: {lines[line_no - 1]}\n  {' ' * (len(str(line_no)) + 7 + col - 1)}^"
    return QueryError(f"malformed SPARQL: {message}")


def ntriples(triples: Graph) -> str:
    return triples.serialize(format="nt")
