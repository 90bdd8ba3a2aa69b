"""A small Python API for analysis outside the project (notebooks, scripts):

    import kg

    with kg.connect("output/store") as graph:
        lenders = graph.query("entities", category="Lender")   # a pandas DataFrame
        network = graph.network()                               # a networkx MultiDiGraph

`connect` opens an embedded store (a folder) or a SPARQL server (an http(s) URL), read-only by
default: it reads a snapshot, as `kg query` does, so it never holds up or waits for a build.
DataFrames need pandas: `pip install 'fintech-kg[analysis]'`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Graph, Literal
from rdflib.term import Node

from kg.errors import KgError
from kg.store import QueryResult, Store, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KnowledgeGraph", "connect", "frame", "value"]


def value(term: Node | None) -> Any:
    """A readable Python value: str for IRIs, blank nodes and strings; int, float, bool,
    datetime.date / datetime for typed literals; None for an unbound variable. Decimals become
    floats (kg.query.run keeps the exact rdflib terms)."""
    if term is None:
        return None
    if not isinstance(term, Literal):
        return str(term)
    python = term.toPython()
    if isinstance(python, Literal):  # a datatype rdflib has no Python type for (xsd:gYear …)
        return str(python)
    if isinstance(python, Decimal):
        return float(python)
    return python


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise KgError("DataFrames need pandas: pip install 'fintech-kg[analysis]'") from exc
    return pandas


def frame(result: QueryResult) -> pd.DataFrame | bool:
    """A query result for pandas: SELECT → one column per variable, in order; CONSTRUCT and
    DESCRIBE → columns subject, predicate, object; ASK → a bool."""
    if isinstance(result, bool):
        return result
    pd = _pandas()
    if isinstance(result, Graph):
        triples = sorted(result, key=lambda t: tuple(str(x) for x in t))
        return pd.DataFrame([[value(x) for x in t] for t in triples], columns=["subject", "predicate", "object"])
    assert isinstance(result, Table)
    return pd.DataFrame([[value(x) for x in row] for row in result.rows], columns=list(result.variables))


class KnowledgeGraph:
    """An open store; close it (or use `with`) when done."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def query(self, query: str, params: Mapping[str, Any] | None = None, /, **named: Any) -> pd.DataFrame | bool:
        """Run a canned query by name (see `queries()`), a .rq file or SPARQL text; parameters as a
        mapping or as keywords (values: str, int, float, Decimal or date), bound as RDF terms."""
        from kg.query import run

        bound = {name: v.isoformat() if hasattr(v, "isoformat") else str(v)
                 for name, v in {**(params or {}), **named}.items()}
        return frame(run(self.store, query, bound))

    def network(self) -> nx.MultiDiGraph:
        """The entity network (kg.network.entity_graph): nodes are entity IRIs with label,
        category, kind, aliases, articles, evidence; edges are keyed by predicate."""
        from kg.network import entity_graph

        return entity_graph(self.store)

    def export(self, fmt: str, output: str | Path) -> list[Path]:
        """Write the graph as `kg export --format fmt -o output` does; the files written."""
        from kg.exports import export_files, write_files

        return write_files(export_files(self.store, fmt), output)

    @staticmethod
    def queries() -> dict[str, str]:
        """The canned queries: name → title."""
        from kg.query import canned_queries

        return {name: q.title for name, q in canned_queries().items()}

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(location: str | Path | None = None, *, read_only: bool = True) -> KnowledgeGraph:
    """Open the store at `location` (a folder or an http(s) SPARQL URL; default as for `kg`:
    $KG_STORE, kg.toml, output/store). read_only=False opens an embedded store itself, for
    writing: that fails while a build writes it, and a build fails while it is open."""
    from kg.config import Settings
    from kg.snapshots import open_reader
    from kg.store import open_store

    settings = Settings.load(store=location)
    settings.require_store()
    return KnowledgeGraph(open_reader(settings.store) if read_only else open_store(settings.store))
