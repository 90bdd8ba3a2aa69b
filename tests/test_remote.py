"""RemoteStore against a real `oxigraph serve` on a loopback port (no mocks)."""

from __future__ import annotations


import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg import iri
from kg.build import build
from kg.errors import QueryError, StoreError
from kg.query import bindings as bind_params
from kg.query import canned_queries
from kg.remote import RemoteStore
from kg.store import inject_values as bind_values
from kg.store import where_group_start
from kg.store import EmbeddedStore, Table

from servers import free_port, make_corpus, oxigraph_binary, oxigraph_server

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(oxigraph_binary() is None, reason="the `oxigraph` server binary (PyPI `oxigraph`) is not installed"),
]

KG = "https://w3id.org/fintech-kg/ontology#"
PARAMS = {  # a value for each canned query's parameter that matches something in the sample
    "category": "Lender", "entity_name": "快手", "place_name": "广州", "owner_name": "快手",
    "found_by": "rule", "min_confidence": "0.5", "only": "curated", "kind": "fact",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # the server's own time limit stops the deliberately slow query of test_client_timeout
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "data", timeout_s=5) as url:
        yield url


@pytest.fixture(scope="module")
def built(server, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    ids = make_corpus(corpus)
    store = RemoteStore(server)
    report = build(corpus, store, infer=True)
    assert report.ok, report.failed
    assert sorted(report.built) == ids
    return store, corpus, ids


def _cell(v):
    if isinstance(v, BNode):
        return "_:b"  # blank nodes are labelled per store
    if isinstance(v, Literal) and "、" in v:
        return "、".join(sorted(v.split("、")))  # GROUP_CONCAT has no order
    return v


def _norm(result):
    """Rows comparable across stores."""
    if isinstance(result, Table):
        return result.variables, sorted((tuple(_cell(v) for v in row) for row in result.rows), key=repr)
    return result


def _mirror(remote: RemoteStore) -> EmbeddedStore:
    local = EmbeddedStore()
    local.load_quads(remote.dump("nquads"), "nquads")
    return local


def test_canned_queries_same_as_embedded(built):
    remote, _, _ = built
    local = _mirror(remote)
    assert local.graph_names() == remote.graph_names()
    for name, q in canned_queries().items():
        expected = local.query(q.sparql())
        got = remote.query(q.sparql())
        assert _norm(got) == _norm(expected), name
        if q.params:
            params = {p.name: PARAMS[p.name] for p in q.params}
            b = bind_params(q, params)
            expected = local.query(q.sparql(b), b)
            got = remote.query(q.sparql(b), b)
            assert _norm(got) == _norm(expected), f"{name} with {params}"
            no_match = {p.name: Literal("没有这个名字") for p in q.params}
            assert remote.query(q.sparql(no_match), no_match).rows == local.query(q.sparql(no_match), no_match).rows == ()
    # the parameters do filter: some canned query returns fewer, non-empty rows with one
    series = canned_queries()["metric-series"]
    all_rows = remote.select(series.sparql()).rows
    some = remote.select(series.sparql({"entity_name"}), bind_params(series, {"entity_name": "快手小贷"})).rows
    assert 0 < len(some) < len(all_rows)


def test_inference_remote(built):
    remote, _, _ = built
    assert any(g.startswith(iri.INFERRED_GRAPH + "/") for g in remote.graph_names())
    rows = remote.select(f"PREFIX kg: <{KG}> SELECT ?x WHERE {{ ?x a kg:MicroLender }}").rows
    assert (URIRef(iri.ID + "kuaishou-microloan"),) in rows


def test_rebuild_after_edit(built):
    remote, corpus, ids = built
    path = corpus / "sample-short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 快手小贷注册资本增至10亿元",
                                                             "title: 快手小贷注册资本翻倍"), encoding="utf-8")
    report = build(corpus, remote)
    assert report.built == ["sample-short"]
    assert sorted(report.skipped) == [i for i in ids if i != "sample-short"]
    titles = {str(r[0]) for r in remote.select(
        "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE { ?a dcterms:title ?t }").rows}
    assert "快手小贷注册资本翻倍" in titles and "快手小贷注册资本增至10亿元" not in titles
    series = remote.select(canned_queries()["metric-series"].sparql()).column("articleTitle")
    assert Literal("快手小贷注册资本翻倍", lang="zh") in series
    articles = [g for g in remote.graph_names() if g.startswith(iri.GRAPH + "article/")]
    assert len(articles) == len(ids)


def test_registry_graph_on_the_server_is_replaced_when_the_registry_changes(built, tmp_path):
    from kg.curated import curated_facts, recorded_fingerprint
    from kg.registry import default_registry_path, load_registry

    remote, corpus, _ = built
    shipped = load_registry()
    assert recorded_fingerprint(remote) == shipped.fingerprint()
    assert not build(corpus, remote).curated  # unchanged registry: left alone
    edited = tmp_path / "registry.yaml"
    edited.write_text(default_registry_path().read_text(encoding="utf-8").replace(
        "    located_in: china\n", "", 1), encoding="utf-8")
    changed = load_registry(edited)
    report = build(corpus, remote, registry=changed)
    assert report.curated and recorded_fingerprint(remote) == changed.fingerprint()
    assert report.totals["curated"] == len(list(curated_facts(changed))) == len(list(curated_facts(shipped))) - 1
    assert build(corpus, remote).curated  # and back to the shipped registry


def test_round_trip_terms(server):
    store = RemoteStore(server)
    g = Graph()
    s = URIRef("http://example.org/测试/a")
    g.add((s, URIRef("http://example.org/p"), Literal('引号"和\n换行\\', lang="zh")))
    g.add((s, URIRef("http://example.org/n"), Literal(42)))
    g.add((s, URIRef("http://example.org/s"), Literal("plain")))
    graph = "http://example.org/graph/terms"
    store.replace_graph(graph, g)
    rows = store.select("SELECT ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph), "s": s}).rows
    assert sorted(rows) == sorted((p, o) for _, p, o in g)
    # a bound literal with quotes and a newline is matched exactly, never pasted as text
    assert store.query("ASK { ?s ?p ?o }", {"o": Literal('引号"和\n换行\\', lang="zh")}) is True
    assert store.query("ASK { ?s ?p ?o }", {"o": Literal('") } DROP ALL ; #')}) is False
    assert len(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})) == 3
    assert b"example.org" in store.dump("trig", graph)
    store.drop_graph(graph)
    assert graph not in store.graph_names()


def test_bind_values_placement():
    q = "PREFIX x: <http://x/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert q[where_group_start(q):].startswith(" ?s ?p ?o")
    q = 'SELECT ?a WHERE { ?a ?b "{ not a group }" . { ?a ?c ?d } } # {'
    assert bind_values(q, {"b": URIRef("http://x/b")}).startswith('SELECT ?a WHERE {\n  VALUES (?b) { (<http://x/b>) }')
    with pytest.raises(QueryError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("http://x/a> } ; DROP ALL ; <")})
    with pytest.raises(QueryError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": BNode()})


def test_server_down():
    store = RemoteStore(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(StoreError, match=r"cannot reach the SPARQL server at http://127\.0\.0\.1:\d+/query.*refused"):
        store.graph_names()


def test_client_timeout(built):
    remote, _, _ = built
    slow = RemoteStore(remote.base, timeout=0.3)
    with pytest.raises(StoreError, match=r"did not answer a query within 0\.3 s"):
        slow.select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ")


def test_malformed_query_names_server(server):
    with pytest.raises(QueryError) as info:
        RemoteStore(server).select("SELECT * WHERE { ?s ?p ")
    assert isinstance(info.value, StoreError)
    assert "HTTP 400" in str(info.value) and server in str(info.value)


def _old_graph(store: RemoteStore, graph: str) -> Graph:
    g = Graph()
    g.add((URIRef("http://example.org/old"), URIRef("http://example.org/p"), Literal("old")))
    store.replace_graph(graph, g)
    return g


def _still_old(store: RemoteStore, graph: str) -> bool:
    return store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}).rows == ((Literal("old"),),)


def _new_graph() -> Graph:
    g = Graph()
    g.add((URIRef("http://example.org/new"), URIRef("http://example.org/p"), Literal("new")))
    return g


def test_failed_replace_keeps_old_graph(server):
    graph = "http://example.org/graph/keep"
    store = RemoteStore(server)
    _old_graph(store, graph)
    # the Graph Store endpoint answers 404
    broken = RemoteStore(server, gsp_endpoint=server + "/no-such-endpoint")
    with pytest.raises(StoreError, match=r"HTTP 404.*replacing graph"):
        broken.replace_graph(graph, _new_graph())
    assert _still_old(store, graph)
    # the server rejects the body as malformed N-Triples (sent raw, as a buggy client would)
    with pytest.raises(StoreError, match=r"HTTP 400"):
        store._request("PUT", store.gsp_endpoint, f"replacing graph {graph}", body=b"<http://x/a> <http://x/p> \"unterminated .\n",
                       content_type="application/n-triples", params={"graph": graph})
    assert _still_old(store, graph)
    # the same through the SPARQL Update fallback: an update endpoint that does not exist
    via_update = RemoteStore(server, gsp_endpoint="", update_endpoint=server + "/no-update")
    with pytest.raises(StoreError, match="HTTP 404"):
        via_update.replace_graph(graph, _new_graph())
    assert _still_old(store, graph)
    # and the fallback works when the endpoint is right
    RemoteStore(server, gsp_endpoint="").replace_graph(graph, _new_graph())
    assert not _still_old(store, graph)
    store.drop_graph(graph)


def test_cli_query_and_viz_read_from_the_server(built, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import main

    remote, _, _ = built
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KG_STORE", remote.location)
    rows = CliRunner().invoke(main, ["query", "ownership-tree", "--format", "csv"])
    assert rows.exit_code == 0, rows.output
    assert "广州快手小额贷款有限公司" in rows.output
    pages = CliRunner().invoke(main, ["viz", "-o", str(tmp_path / "site")])
    assert pages.exit_code == 0, pages.output
    assert (tmp_path / "site" / "network.html").is_file()
