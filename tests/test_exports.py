"""Exports and the Python API on a store built from real articles: networkx reads the GraphML and
GEXF back as the entity network, the CSV has one row per node and edge, `-o` names a folder, and
the README's example runs."""

from __future__ import annotations

import csv
import datetime
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.build import build
from kg.corpus import add_article
from kg.exports import (CSV_EDGE_COLUMNS, NODE_COLUMNS, ExportError, export_files, flat_network, network_files,
                        output_target, write_files)
from kg.network import MAX_EVIDENCE
from kg.query import canned_queries
from kg.store import open_store
from paths import CORPUS, DEV_CORPUS, ROOT

HOSTILE_ARTICLE = ROOT / "tests" / "fixtures" / "xss-article.md"
NODE_ATTRS = NODE_COLUMNS[1:]
EDGE_ATTRS = ("predicate", "label_zh", "label_en", "evidence")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    """The sample corpus, the hostile article and a dated development article built into
    output/store, then closed, so that kg.connect opens it as a user would."""
    root = tmp_path_factory.mktemp("exports")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(HOSTILE_ARTICLE, corpus)
    add_article(sorted(DEV_CORPUS.glob("finnsp-train-0*.txt"))[0], corpus, published="2019-03-01")
    with open_store(root / "output" / "store") as store:
        report = build(corpus, store, infer=False)
    assert report.ok, report.failed
    return root / "output" / "store"


@pytest.fixture(scope="module")
def graph(store_path):
    with kg.connect(store_path) as g:
        yield g


@pytest.fixture(scope="module")
def network(graph) -> nx.MultiDiGraph:
    return graph.network()


def _read(fmt: str, path: Path) -> nx.DiGraph:
    """As a user reads it (read_gexf gives a DiGraph when no two edges share their ends)."""
    return nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)


def _edges(graph: nx.DiGraph) -> dict[tuple[str, str, str], dict]:
    """(source, target, predicate) → attributes: the predicate is the edge's key."""
    return {(s, o, d["predicate"]): d for s, o, d in graph.edges(data=True)}


def _sentences(items) -> int:
    return len({(i["text"], i["article"]) for i in items})


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_networkx_reads_the_export_back_as_the_entity_network(graph, network, tmp_path, fmt):
    [path] = write_files(export_files(graph.store, fmt), tmp_path)
    assert path == tmp_path / f"graph.{fmt}"
    back = _read(fmt, path)
    assert network.number_of_nodes() > 5 and network.number_of_edges() > 2
    assert set(back.nodes) == set(network.nodes)
    edges = _edges(back)
    assert set(edges) == set(network.edges(keys=True))
    for node, want in network.nodes(data=True):
        got = back.nodes[node]
        assert (got["label"], got["label_en"], got["category"], got["kind"], got["aliases"], got["articles"]) == (
            want["label"], want.get("label_en", ""), want["category"], want["kind"] or "", ";".join(want["aliases"]),
            want["articles"])
        # entity_graph keeps at most MAX_EVIDENCE example sentences; the export counts them all
        shown = _sentences(want["evidence"])
        assert got["evidence"] == shown if shown < MAX_EVIDENCE else got["evidence"] >= shown
    assert any(d.get("label_en") for _, d in back.nodes(data=True))  # registry entities' English names
    for s, o, key, want in network.edges(keys=True, data=True):
        got = edges[s, o, key]
        assert (got["predicate"], got["label_zh"], got["label_en"]) == (
            want["predicate"], want["label_zh"], want["label_en"])
        shown = _sentences(want["evidence"])
        assert got["evidence"] == shown if shown < MAX_EVIDENCE else got["evidence"] >= shown


def test_evidence_counts_agree_with_the_evidence_query(graph, tmp_path):
    """Counted another way: the distinct sentences the canned evidence query lists per entity."""
    exported = {d["label"]: d["evidence"] for _, d in _read("gexf", write_files(export_files(graph.store, "gexf"),
                                                                                  tmp_path)[0]).nodes(data=True)}
    rows = graph.query("evidence", only="extracted")
    expected = rows.groupby("entityName").apply(lambda g: len(set(zip(g["sentence"], g["articleTitle"])))).to_dict()
    assert max(exported.values()) > MAX_EVIDENCE  # the count is not entity_graph's capped list
    assert {name: n for name, n in exported.items() if n} == expected


def test_csv_has_a_header_and_one_row_per_node_and_edge(graph, network, tmp_path):
    paths = graph.export("csv", tmp_path / "tables")
    assert [p.name for p in paths] == ["nodes.csv", "edges.csv"]
    with open(tmp_path / "tables" / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.reader(fh))
    with open(tmp_path / "tables" / "edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csv.reader(fh))
    assert tuple(nodes[0]) == NODE_COLUMNS and tuple(edges[0]) == CSV_EDGE_COLUMNS
    assert len(nodes) - 1 == network.number_of_nodes() and len(edges) - 1 == network.number_of_edges()
    assert {r[0] for r in nodes[1:]} == set(network.nodes)
    labels = {n: d["label"] for n, d in network.nodes(data=True)}
    assert sorted((r[0], r[1], r[2], r[6], r[7]) for r in edges[1:]) == sorted(
        (s, o, k, labels[s], labels[o]) for s, o, k in network.edges(keys=True))


HOSTILE = 'A "quoted" <b>&amp;</b> \'x\'\nsecond line\x01\x0b'


def _hostile_graph() -> nx.MultiDiGraph:
    """A graph of entity_graph's shape with markup, quotes, ampersands, newlines and control characters."""
    g = nx.MultiDiGraph()
    g.add_node("https://example.org/a?x=1&y=<2>", label=HOSTILE, category="Lender", kind=None,
               aliases=["<script>alert('x')</script>", "R&D \"co\""], articles=3,
               evidence=[{"text": HOSTILE, "article": "<t>"}] * 2, url=None)
    g.add_node("https://example.org/b", label="乙", category="Place", kind="City", aliases=[], articles=1,
               evidence=[], url=None)
    g.add_edge("https://example.org/a?x=1&y=<2>", "https://example.org/b", key="locatedIn", predicate="locatedIn",
               label_zh='"位于" & <在>', label_en="located\nin <&>", evidence=[{"text": HOSTILE, "article": "x"}])
    return g


def _hostile_back(fmt: str, folder: Path) -> tuple[dict, dict]:
    paths = write_files(network_files(flat_network(_hostile_graph()), fmt), folder)
    if fmt == "csv":
        with open(paths[0], encoding="utf-8", newline="") as fh:
            nodes = {r["id"]: r for r in csv.DictReader(fh)}
        with open(paths[1], encoding="utf-8", newline="") as fh:
            edges = {(r["source"], r["target"], r["predicate"]): r for r in csv.DictReader(fh)}
        return nodes, edges
    back = _read(fmt, paths[0])
    return dict(back.nodes(data=True)), _edges(back)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_hostile_text_round_trips_and_control_characters_are_dropped(tmp_path, fmt):
    nodes, edges = _hostile_back(fmt, tmp_path)
    a = nodes["https://example.org/a?x=1&y=<2>"]
    assert a["label"] == HOSTILE.replace("\x01", "").replace("\x0b", "")
    assert a["aliases"] == "<script>alert('x')</script>;R&D \"co\""
    assert str(a["evidence"]) == "1" and a["kind"] == ""
    edge = edges["https://example.org/a?x=1&y=<2>", "https://example.org/b", "locatedIn"]
    assert (edge["label_zh"], edge["label_en"]) == ('"位于" & <在>', "located\nin <&>")


@pytest.mark.parametrize("output, exists, name, file_allowed, expected", [
    ("site", None, "query.html", True, "site/query.html"),             # a new folder
    ("site", "dir", "query.html", True, "site/query.html"),            # an existing folder
    ("page.html", None, "query.html", True, "page.html"),              # the file's own extension: that file
    ("PAGE.HTML", None, "query.html", True, "PAGE.HTML"),
    ("page.html", "dir", "query.html", True, "page.html/query.html"),  # unless it is a folder
    ("net.graphml", None, "graph.gexf", True, "net.graphml/graph.gexf"),  # another extension: a folder
    ("tables.csv", None, "nodes.csv", False, "tables.csv/nodes.csv"),  # several files: always a folder
])
def test_o_names_a_folder_unless_it_is_the_one_file(tmp_path, output, exists, name, file_allowed, expected):
    if exists == "dir":
        (tmp_path / output).mkdir()
    assert output_target(tmp_path / output, name, file_allowed=file_allowed) == tmp_path / expected


def test_o_refuses_an_existing_file_of_another_kind(tmp_path):
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ExportError, match="-o names a folder"):
        write_files({"graph.gexf": "x"}, tmp_path / "notes.txt")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_one_article_exports_as_rdf_only(graph, tmp_path):
    [path] = write_files(export_files(graph.store, "nquads", "kuaishou-microloan-guangzhou-top10"), tmp_path)
    assert path.name == "kuaishou-microloan-guangzhou-top10.nq" and "快手" in path.read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="--article"):
        export_files(graph.store, "graphml", "kuaishou-microloan-guangzhou-top10")


def test_a_canned_query_with_a_parameter_gives_a_dataframe(graph):
    lenders = graph.query("entities", category="lender")  # matched ignoring case, as on the command line
    variables = re.search(r"SELECT (.*)\n", canned_queries()["entities"].text).group(1).replace("?", "").split()
    assert list(lenders.columns) == variables
    assert len(lenders) > 0 and set(lenders["categoryName"]) == {"Lender"}
    assert all(type(n) is int for n in lenders["articles"]) and all(type(e) is str for e in lenders["entity"])


def test_own_queries_give_python_values(graph):
    dates = graph.query("PREFIX dcterms: <http://purl.org/dc/terms/> "
                        "SELECT ?id ?published WHERE { ?a dcterms:identifier ?id ; dcterms:issued ?published }")
    assert len(dates) >= 1 and all(isinstance(d, datetime.date) for d in dates["published"])
    values = graph.query("PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                         "SELECT ?v WHERE { ?o kg:value ?v } LIMIT 5")
    assert len(values) > 0 and all(isinstance(v, (int, float)) for v in values["v"])
    triples = graph.query("PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                          "CONSTRUCT { ?a kg:subsidiaryOf ?b } WHERE { ?a kg:subsidiaryOf ?b }")
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) > 0
    assert graph.query("ASK { ?s ?p ?o }") is True


def test_connect_reads_without_holding_the_store(graph, store_path):
    """Read-only: a build may open the store for writing while a KnowledgeGraph is open."""
    assert len(graph.query("entities")) > 0
    with open_store(store_path) as writer:
        assert writer.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].toPython() > 0
    assert len(graph.query("entities")) > 0


@pytest.mark.server
def test_connect_to_a_sparql_server_gives_the_same_answers(graph, network, store_path):
    from servers import oxigraph_server

    with oxigraph_server(store_path, read_only=True) as url, kg.connect(url) as remote:
        assert remote.query("entities", category="Lender").equals(graph.query("entities", category="Lender"))
        assert set(remote.network().edges(keys=True)) == set(network.edges(keys=True))


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(store_path, network, monkeypatch, capsys):
    monkeypatch.chdir(store_path.parent.parent)  # where output/store is, as after `make build`
    monkeypatch.delenv("KG_STORE", raising=False)
    scope: dict = {}
    exec(compile(_readme_example(), "README.md", "exec"), scope)
    assert set(scope["lenders"]["categoryName"]) == {"Lender"} and len(scope["lenders"]) > 0
    assert len(scope["dates"]) > 0
    assert set(scope["network"].nodes) == set(network.nodes)
    assert f"{network.number_of_nodes()} entities" in capsys.readouterr().out
