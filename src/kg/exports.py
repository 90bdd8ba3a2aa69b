"""Exports for tools outside the project, and the one rule for where `-o` writes.

RDF (TriG, N-Quads) is the store as it is. The entity network (GraphML and GEXF for Gephi,
networkx or Cytoscape; CSV for spreadsheets and pandas) is kg.network.entity_graph made flat:
every attribute a scalar (lists joined with ";", evidence sentences turned into counts), so that
every format can hold it and every tool can read it.

`-o PATH` names a folder, in which each file keeps its default name (graph.graphml, nodes.csv …),
except that a PATH ending in the one file's own extension (graph.gexf, page.html) is that file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from kg import iri
from kg.errors import KgError
from kg.files import write_atomic
from kg.network import ENTITY_EVIDENCE, RELATIONS, entity_graph
from kg.store import Store

RDF_SUFFIXES = {"trig": ".trig", "nquads": ".nq"}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_SUFFIXES, *NETWORK_FORMATS)
LIST_SEPARATOR = ";"
NODE_COLUMNS = ("id", "label", "label_en", "category", "kind", "aliases", "articles", "evidence")
EDGE_COLUMNS = ("source", "target", "predicate", "label_zh", "label_en", "evidence")
# CSV rows are read without the graph beside them: the names of both ends come along
CSV_EDGE_COLUMNS = (*EDGE_COLUMNS, "source_label", "target_label")

# characters XML 1.0 cannot hold at all (control characters but tab, newline, return)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ExportError(KgError):
    """An export cannot be written as asked (format, article, destination)."""

    exit_code = 2


def _text(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _sentences(items: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(item["text"], item["article"]) for item in items}


def evidence_counts(store: Store, graph: nx.MultiDiGraph) -> tuple[dict[str, int], dict[tuple[str, str, str], int]]:
    """Distinct sentences behind each node and each edge of `graph` (entity_graph keeps only the
    first few as examples), by the same queries and the same rule as entity_graph."""
    edges: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for s, p, o, text, title, *_ in store.select(RELATIONS).rows:
        key = (str(s), str(p).rsplit("#", 1)[-1], str(o))
        if graph.has_edge(key[0], key[2], key=key[1]):
            edges[key].add((str(text), str(title)))
    nodes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e, text, title, *_ in store.select(ENTITY_EVIDENCE).rows:
        if str(e) in graph:
            nodes[str(e)].add((str(text), str(title)))
    for (s, _, o), sentences in edges.items():
        nodes[s] |= sentences
        nodes[o] |= sentences
    return {k: len(v) for k, v in nodes.items()}, {k: len(v) for k, v in edges.items()}


def flat_network(graph: nx.MultiDiGraph, node_evidence: dict[str, int] | None = None,
                 edge_evidence: dict[tuple[str, str, str], int] | None = None) -> nx.MultiDiGraph:
    """The entity network with scalar attributes only (NODE_COLUMNS, EDGE_COLUMNS); evidence is a
    count: the given one, else the number of sentences the graph carries."""
    node_evidence, edge_evidence = node_evidence or {}, edge_evidence or {}
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(
            node, label=_text(data.get("label")), label_en=_text(data.get("label_en")),
            category=_text(data.get("category")), kind=_text(data.get("kind")),
            aliases=LIST_SEPARATOR.join(_text(a) for a in data.get("aliases") or ()),
            articles=int(data.get("articles") or 0),
            evidence=node_evidence.get(node, len(_sentences(data.get("evidence") or []))))
    for s, o, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(
            s, o, key=key, predicate=_text(data.get("predicate", key)), label_zh=_text(data.get("label_zh")),
            label_en=_text(data.get("label_en")),
            evidence=edge_evidence.get((s, key, o), len(_sentences(data.get("evidence") or []))))
    return flat


def network(store: Store) -> nx.MultiDiGraph:
    """The store's entity network, flat, with full evidence counts."""
    graph = entity_graph(store)
    return flat_network(graph, *evidence_counts(store, graph))


def _csv(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def network_files(flat: nx.MultiDiGraph, fmt: str) -> dict[str, str]:
    """Default file name → content of a flat network in one of NETWORK_FORMATS."""
    if fmt == "graphml":
        return {"graph.graphml": "\n".join(nx.generate_graphml(flat)) + "\n"}
    if fmt == "gexf":
        return {"graph.gexf": "\n".join(nx.generate_gexf(flat)) + "\n"}
    if fmt == "csv":
        nodes = [(n, *(d[c] for c in NODE_COLUMNS[1:])) for n, d in flat.nodes(data=True)]
        edges = [(s, o, *(d[c] for c in EDGE_COLUMNS[2:]), flat.nodes[s]["label"], flat.nodes[o]["label"])
                 for s, o, d in flat.edges(data=True)]
        return {"nodes.csv": _csv(NODE_COLUMNS, nodes), "edges.csv": _csv(CSV_EDGE_COLUMNS, edges)}
    raise ExportError(f"unknown network format {fmt!r}: choose one of {', '.join(NETWORK_FORMATS)}")


def export_files(store: Store, fmt: str, article: str | None = None) -> dict[str, str]:
    """Default file name → content: the RDF (all of it, or one article's graph) or the entity network."""
    if fmt in RDF_SUFFIXES:
        data = store.dump(fmt, iri.article_graph(article) if article else None)
        return {f"{article or 'graph'}{RDF_SUFFIXES[fmt]}": data.decode("utf-8")}
    if article:
        raise ExportError(f"--article exports one article's RDF (trig or nquads), not the {fmt} network")
    return network_files(network(store), fmt)


def output_folder(output: str | Path) -> Path:
    """`-o output` as a folder (it may not exist yet); an ExportError when it is a file."""
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file: -o names a folder")
    return out


def output_target(output: str | Path, name: str, *, file_allowed: bool = True) -> Path:
    """Where `-o output` puts the file `name`: in the folder `output`, or `output` itself when it
    ends with name's extension and is no folder (file_allowed=False: always in the folder)."""
    out = Path(output)
    if file_allowed and out.suffix.lower() == Path(name).suffix and not out.is_dir():
        return out
    return output_folder(out) / name


def write_files(files: dict[str, str], output: str | Path) -> list[Path]:
    """Write each file where `-o output` puts it (output_target); several files always go into
    the folder. Each file is written atomically."""
    paths = []
    for name, text in files.items():
        target = output_target(output, name, file_allowed=len(files) == 1)
        target.parent.mkdir(parents=True, exist_ok=True)
        paths.append(write_atomic(target, text))
    return paths
