"""Where graphs live: an embedded Oxigraph store on disk (default) or a remote SPARQL 1.1 server.

Every article is one named graph, replaced as a whole in one transaction. Queries see the
union of all named graphs as their default graph, so canned queries need no GRAPH clauses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg import sandbox
from kg.iri import PREFIXES
from kg.errors import StoreError
from kg.sparql_guard import SERVICE_MESSAGE, QueryRefused, check
from kg.store_base import (  # noqa: F401 - the names other modules import from kg.store
    XSD_STRING, Bindings, QueryResult, Store, Table, inject_values, ntriples, query_error, term_n3,
    to_oxigraph, to_rdflib, where_group_start,
)


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


FLUSH_AFTER_CHARS = 4_000_000  # of update text (about 200 articles' graphs): ~40 MB of RocksDB memtables
PATTERN_UPDATE_WEIGHT = 500_000


class EmbeddedStore(Store):
    """pyoxigraph on disk (or in memory when path is None)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.location = str(path) if path else ":memory:"
        self.read_only = read_only
        self._unflushed = 0
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
        text = inject_values(sparql, bindings)
        check(text, max_chars=None)  # too deep for the parser's stack, or SERVICE
        try:
            # on a thread that cannot open sockets: SERVICE cannot reach out, whatever the text
            return sandbox.run(self._run_query, text)
        except SyntaxError as exc:
            raise query_error(exc, sparql) from exc
        except OSError as exc:
            if sandbox.REFUSED_MARK in str(exc):
                raise QueryRefused(SERVICE_MESSAGE, 403) from exc
            raise StoreError(f"query failed on {self.location}: {exc}") from exc

    def _run_query(self, text: str) -> QueryResult:
        # pyoxigraph's result iterators belong to the thread that made them: an exception that
        # leaves this (sandbox) thread must not carry them along in its traceback
        try:
            return self._collect(self._store.query(text, use_default_graph_as_union=True))
        except Exception as exc:  # noqa: BLE001 - re-raised below, without the traceback
            kind, args, message = type(exc), exc.args, str(exc)
        try:
            error = kind(*args)
        except Exception:  # noqa: BLE001
            error = RuntimeError(message)
        raise error

    @staticmethod
    def _collect(result) -> QueryResult:
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

    def update(self, sparql_update: str) -> None:
        try:
            sandbox.run(self._store.update, sparql_update)  # no LOAD <http://…> either
        except SyntaxError as exc:
            raise query_error(exc, sparql_update) from exc
        except OSError as exc:
            raise StoreError(f"update failed on {self.location}: {exc}") from exc
        self._flush_when_due(sparql_update)

    def _flush_when_due(self, sparql_update: str) -> None:
        """RocksDB keeps what was written in memory until a flush: a build writing 5,000 articles
        held over a gigabyte. Flushing after every few megabytes of updates keeps a build's memory
        flat whatever the corpus size (a flush costs about 40 ms). An update with a WHERE clause
        writes an unknown amount, so it counts as a large one."""
        self._unflushed += len(sparql_update) if "WHERE" not in sparql_update else PATTERN_UPDATE_WEIGHT
        if self._unflushed >= FLUSH_AFTER_CHARS and self._store is not None:
            self._store.flush()
            self._unflushed = 0

    def replace_graph(self, graph: str, triples: Graph) -> None:
        # One SPARQL update request is one transaction in Oxigraph: readers see the old
        # graph or the new one, never half of it.
        g = ox.NamedNode(graph)
        self.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{ntriples(triples)}\n}} }}")

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        # one update request: one transaction (an article and what it implies, together)
        parts = []
        for name, triples in graphs.items():
            g = ox.NamedNode(name)
            parts.append(f"DROP SILENT GRAPH {g}")
            if len(triples):
                parts.append(f"INSERT DATA {{ GRAPH {g} {{\n{ntriples(triples)}\n}} }}")
        if parts:
            self.update(" ;\n".join(parts))

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
            prefixes = PREFIXES if fmt in ("trig", "turtle") else None
            if graph is None:
                return self._store.dump(format=formats[fmt], prefixes=prefixes)
            if not self._store.contains_named_graph(ox.NamedNode(graph)):
                raise StoreError(f"no graph {graph} in the store")
            if fmt in ("turtle", "ntriples"):
                return self._store.dump(format=formats[fmt], from_graph=ox.NamedNode(graph), prefixes=prefixes)
            quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return ox.serialize(quads, format=formats[fmt], prefixes=prefixes)
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
