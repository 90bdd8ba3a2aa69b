"""Where graphs live: an embedded Oxigraph store on disk (default) or a remote SPARQL 1.1 server.

Every article is one named graph, replaced as a whole in one transaction. Queries see the
union of all named graphs as their default graph, so canned queries need no GRAPH clauses.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Bindings = Mapping[str, Node]


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

_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!\'\'))*\'\'\'
                   |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^\x00-\x20<>"{}|^`\\]*>)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<open>\{) | (?P<close>\})
      | (?P<other>.)''',
    re.VERBOSE | re.DOTALL,
)


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
    terms = [term_n3(n, bindings[n]) for n in names]
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}\n"
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


def _open_with_retry(path: str, seconds: float = 2.0) -> ox.Store:
    """kg serve takes a snapshot under the lock for a few milliseconds: wait that out."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            return ox.Store(path)
        except OSError as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


KEEP_LOGS = 3
"""RocksDB renames its info log to LOG.old.<microseconds> each time a store is opened and keeps
1,000 of them; opening a store for writing deletes all but the newest KEEP_LOGS."""

_OLD_LOG = re.compile(r"^LOG\.old\.(\d+)$")


def prune_logs(folder: str | Path, keep: int = KEEP_LOGS) -> int:
    """Delete all but the newest `keep` LOG.old.* files of a store folder; how many went."""
    import os

    try:
        found = sorted((int(m.group(1)), e.path) for e in os.scandir(folder) if (m := _OLD_LOG.match(e.name)))
    except FileNotFoundError:
        return 0
    doomed = found[:-keep] if keep > 0 else found
    for _, path in doomed:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    return len(doomed)


class EmbeddedStore(Store):
    """pyoxigraph on disk (or in memory when path is None)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.location = str(path) if path else ":memory:"
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = _open_with_retry(str(path))
                prune_logs(path)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc} "
                             "(is another kg process using it?)") from exc

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        try:
            result = self._store.query(inject_values(sparql, bindings), use_default_graph_as_union=True)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                variables = tuple(v.value for v in result.variables)
                rows = tuple(tuple(to_rdflib(sol[v]) for v in variables) for sol in result)
                return Table(variables, rows)
            graph = Graph()
            for triple in result:
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
            return graph
        except SyntaxError as exc:
            raise query_error(exc, sparql) from exc
        except OSError as exc:
            raise StoreError(f"query failed on {self.location}: {exc}") from exc

    def update(self, sparql_update: str) -> None:
        try:
            self._store.update(sparql_update)
        except SyntaxError as exc:
            raise query_error(exc, sparql_update) from exc
        except OSError as exc:
            raise StoreError(f"update failed on {self.location}: {exc}") from exc

    def replace_graph(self, graph: str, triples: Graph) -> None:
        # One SPARQL update request is one transaction in Oxigraph: readers see the old
        # graph or the new one, never half of it.
        g = ox.NamedNode(graph)
        self.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{ntriples(triples)}\n}} }}")

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
                   "ntriples": ox.RdfFormat.N_TRIPLES}
        if fmt not in formats:
            raise StoreError(f"unknown export format {fmt!r}: choose one of {', '.join(formats)}")
        try:
            if graph is None:
                return self._store.dump(format=formats[fmt])
            if not self._store.contains_named_graph(ox.NamedNode(graph)):
                raise StoreError(f"no graph {graph} in the store")
            if fmt in ("turtle", "ntriples"):
                return self._store.dump(format=formats[fmt], from_graph=ox.NamedNode(graph))
            quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return ox.serialize(quads, format=formats[fmt])
        except OSError as exc:
            raise StoreError(f"export failed: {exc}") from exc

    def load_quads(self, data: bytes, fmt: str = "trig") -> None:
        formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
        self._store.load(data, format=formats[fmt])

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                try:
                    self._store.flush()
                except (OSError, AttributeError, RuntimeError):
                    pass
            del self._store
            self._store = None


def open_store(location: str | Path | None = None, *, read_only: bool = False) -> Store:
    """An http(s) URL opens a remote SPARQL 1.1 server; anything else an embedded store on disk."""
    text = str(location) if location is not None else None
    if text and re.match(r"https?://", text):
        from kg.remote import RemoteStore

        return RemoteStore(text)
    return EmbeddedStore(location, read_only=read_only)
