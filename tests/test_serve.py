"""`kg serve`: a real HTTP server on a free loopback port, real clients (urllib, SPARQLWrapper,
headless Chromium), no mocks."""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg import iri
from kg.build import build
from kg.errors import StoreError
from kg.query import canned_queries
from kg.serve import make_server
from kg.store import EmbeddedStore

from servers import CORPUS, make_corpus

pytestmark = pytest.mark.server
KG = "https://w3id.org/fintech-kg/ontology#"


class Running:
    """A make_server() server in a thread, stopped on exit."""

    def __init__(self, source, **kwargs) -> None:
        self.server = make_server(source, **kwargs)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self.server

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def _build_store(folder: Path, corpus: Path) -> Path:
    location = folder / "store"
    store = EmbeddedStore(location)
    try:
        report = build(corpus, store)
        assert report.ok, report.failed
    finally:
        store.close()
    return location


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("serve")
    corpus = tmp / "corpus"
    make_corpus(corpus)
    return _build_store(tmp, corpus)


@pytest.fixture(scope="module")
def server(store_dir):
    with Running(store_dir, timeout=20, max_rows=10000) as srv:
        yield srv


def http(method: str, url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    """(status, headers, body) for any status."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get_query(base: str, query: str, accept: str | None = None):
    return http("GET", f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                headers={"Accept": accept} if accept else {})


def post_query(base: str, query: str, accept: str | None = None, form: bool = False):
    headers = {"Accept": accept} if accept else {}
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return http("POST", f"{base}/sparql", data=urllib.parse.urlencode({"query": query}).encode(), headers=headers)
    headers["Content-Type"] = "application/sparql-query"
    return http("POST", f"{base}/sparql", data=query.encode(), headers=headers)


SERIES = canned_queries()["metric-series"].sparql()


def test_binds_loopback_by_default(server):
    assert server.host == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_every_canned_query_get_and_post(server, store_dir):
    for name, q in canned_queries().items():
        g_status, _, g_body = get_query(server.url, q.sparql())
        p_status, _, p_body = post_query(server.url, q.sparql(), form=True)
        assert g_status == p_status == 200, (name, g_body[:300])
        assert json.loads(g_body) == json.loads(p_body)
    rows = json.loads(post_query(server.url, SERIES)[2])["results"]["bindings"]
    assert rows and "entityName" in rows[0]


def test_select_content_types(server):
    expected = {
        "application/sparql-results+json": "application/sparql-results+json",
        "application/sparql-results+xml": "application/sparql-results+xml",
        "text/csv": "text/csv",
        "text/tab-separated-values": "text/tab-separated-values",
    }
    bodies = {}
    for accept, media in expected.items():
        status, headers, body = get_query(server.url, SERIES, accept)
        assert status == 200 and headers["Content-Type"].startswith(media)
        bodies[media] = body.decode("utf-8")
    n = len(json.loads(bodies["application/sparql-results+json"])["results"]["bindings"])
    assert bodies["application/sparql-results+xml"].count("<result>") == n
    assert len(bodies["text/csv"].strip().split("\r\n")) == n + 1
    assert bodies["text/tab-separated-values"].startswith("?entityName\t")
    assert "快手" in bodies["text/csv"]
    # ASK in JSON and XML; a browser-like Accept gets JSON
    status, _, body = get_query(server.url, f"ASK {{ ?x a <{KG}Article> }}", "text/html,*/*;q=0.8")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get_query(server.url, "ASK { <http://x/no> ?p ?o }", "application/sparql-results+xml")
    assert status == 200 and b"<boolean>false</boolean>" in body


def test_construct_content_types(server):
    q = f"CONSTRUCT {{ ?x a <{KG}Article> }} WHERE {{ ?x a <{KG}Article> }}"
    for accept, fmt, media in (("text/turtle", "turtle", "text/turtle"),
                               ("application/n-triples", "nt", "application/n-triples"),
                               ("application/ld+json", "json-ld", "application/ld+json")):
        status, headers, body = post_query(server.url, q, accept)
        assert status == 200 and headers["Content-Type"].startswith(media), accept
        g = Graph()
        g.parse(data=body.decode("utf-8"), format=fmt)
        assert len(g) == 2, accept  # two articles
    status, _, _ = post_query(server.url, q, "text/csv")
    assert status == 406


def test_sparqlwrapper_get_and_post(server):
    from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

    for method in (GET, POST):
        sw = SPARQLWrapper(server.url + "/sparql")
        sw.setMethod(method)
        sw.setReturnFormat(JSON)
        sw.setQuery(SERIES)
        result = sw.query().convert()
        assert result["results"]["bindings"], method
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setReturnFormat(TURTLE)
    sw.setQuery(f"CONSTRUCT WHERE {{ ?x a <{KG}Article> }}")
    assert b"Article" in sw.query().convert()


def test_updates_refused(server):
    before = post_query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2]
    update = "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> <http://x/c> } }"
    attempts = [
        http("POST", server.url + "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
             headers={"Content-Type": "application/x-www-form-urlencoded"}),
        http("POST", server.url + "/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        http("POST", server.url + "/update", data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        http("PUT", server.url + "/store?graph=http://x/g", data=b"<http://x/a> <http://x/b> <http://x/c> .",
             headers={"Content-Type": "application/n-triples"}),
        post_query(server.url, "PREFIX x: <http://x/>\n" + update),  # an update sent as a query
        get_query(server.url, "DROP ALL"),
    ]
    for status, _, body in attempts:
        assert status == 403 and b"read-only" in body
    assert post_query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2] == before


def test_service_refused(server):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = post_query(server.url, q)
    assert status == 403 and b"SERVICE" in body
    # the word in a string or an IRI is fine
    status, _, _ = post_query(server.url, 'SELECT * WHERE { ?s ?p "SERVICE" }')
    assert status == 200


def test_malformed_query(server):
    status, _, body = post_query(server.url, "SELECT * WHERE { ?s ?p ")
    assert status == 400 and b"malformed SPARQL" in body
    status, _, _ = http("GET", server.url + "/sparql")
    assert status == 400


def test_row_limit_truncates(store_dir):
    with Running(store_dir, max_rows=7, workers=1) as srv:
        status, headers, body = post_query(srv.url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 200 and headers["X-KG-Truncated"] == "true" and headers["X-KG-Max-Rows"] == "7"
        assert len(json.loads(body)["results"]["bindings"]) == 7
        status, headers, body = post_query(srv.url, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
        assert len(body.decode().strip().split("\r\n")) == 8
        status, headers, body = post_query(srv.url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
        assert status == 200 and headers["X-KG-Truncated"] == "true" and len(body.decode().strip().splitlines()) == 7
        status, headers, body = post_query(srv.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
        assert "X-KG-Truncated" not in headers and len(json.loads(body)["results"]["bindings"]) == 3


def test_time_limit(tmp_path):
    location = tmp_path / "big"
    store = ox.Store(str(location))
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                         ox.Literal(str(i)), ox.NamedNode("http://example.org/g")) for i in range(3000))
    store.flush()
    del store
    # 27 billion rows filtered one by one: slow, but streamed in constant memory, so the time
    # limit (not the memory limit) is what stops it (an ORDER BY here hit the memory limit first)
    slow = ("SELECT * WHERE { ?a <http://example.org/p> ?b . ?c <http://example.org/p> ?d . "
            "?e <http://example.org/p> ?f FILTER(STRLEN(CONCAT(?b, ?d, ?f)) > 100) }")
    with Running(location, timeout=1.0, workers=1) as srv:
        t0 = time.monotonic()
        status, headers, body = post_query(srv.url, slow)
        elapsed = time.monotonic() - t0
        assert status == 503 and b"time limit of 1 s" in body
        assert elapsed < 10
        # the worker was replaced: the next query is answered
        deadline = time.monotonic() + 15
        while True:
            status, _, body = post_query(srv.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "3000"


def test_refuses_missing_or_remote_store(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        make_server(tmp_path / "nothing")
    with pytest.raises(StoreError, match="already a SPARQL server"):
        make_server("http://127.0.0.1:1/")


def test_queries_during_build(tmp_path):
    """20 client threads query while a build writes the served store; all answered, and the
    server then serves the finished build."""
    corpus = tmp_path / "corpus"
    ids = make_corpus(corpus)
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(sorted(CORPUS.glob("*.md"))[0], first)
    location = _build_store(tmp_path, first)  # one article to start with
    errors: list[str] = []
    statuses: list[int] = []
    answered_at: list[float] = []
    done = threading.Event()
    queries = [q.sparql() for q in canned_queries().values()]

    def client(k: int) -> None:
        deadline = time.monotonic() + 60
        for i in range(300):
            if (done.is_set() and i >= 3) or time.monotonic() > deadline:
                return
            try:
                status, _, body = post_query(srv.url, queries[(k + i) % len(queries)])
                statuses.append(status)
                answered_at.append(time.monotonic())
                if status != 200:
                    errors.append(f"{status}: {body[:200]!r}")
                else:
                    json.loads(body)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    with Running(location, refresh=0.3, timeout=30) as srv:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
        for t in threads:
            t.start()
        try:
            store = None
            for _ in range(50):  # the server may hold the store for a moment while it snapshots
                try:
                    store = EmbeddedStore(location)
                    break
                except StoreError:
                    time.sleep(0.1)
            assert store is not None
            try:
                started = time.monotonic()
                # a slow progress callback keeps the build (and its lock) going for a while
                report = build(corpus, store, force=True, progress=lambda *_: time.sleep(1.0))
                finished = time.monotonic()
            finally:
                store.close()
            assert report.ok and sorted(report.built) == ids
        finally:
            done.set()
            for t in threads:
                t.join(timeout=90)
        assert not errors, errors[:5]
        assert len(statuses) >= 20 and set(statuses) == {200}
        assert sum(started <= t <= finished for t in answered_at) >= 5  # queries overlapped the build
        # the server picks up the finished build
        check = (f"SELECT ?g (COUNT(?a) AS ?n) WHERE {{ GRAPH ?g {{ OPTIONAL {{ ?a a <{KG}Article> }} }} "
                 f"FILTER(STRSTARTS(STR(?g), \"{iri.GRAPH}article/\")) }} GROUP BY ?g")
        deadline = time.monotonic() + 20
        while True:
            rows = json.loads(post_query(srv.url, check)[2])["results"]["bindings"]
            if len(rows) == len(ids) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert sorted(r["g"]["value"] for r in rows) == sorted(iri.article_graph(i) for i in ids)
        assert all(r["n"]["value"] == "1" for r in rows)  # every article graph has its kg:Article
        assert srv.refreshed >= 1  # a new snapshot replaced the one taken before the build
    store = EmbeddedStore(location)  # the server has stopped: the store on disk is consistent too
    articles = [g for g in store.graph_names() if g.startswith(iri.GRAPH + "article/")]
    assert len(articles) == len(ids)
    store.close()


@contextlib.contextmanager
def query_page(server, browser):
    """The query page in a fresh Chromium context, with the errors it logs and every request that
    went anywhere but this server."""
    seen: dict[str, list[str]] = {"errors": [], "outside": []}
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("request", lambda r: None if r.url.startswith((server.url + "/", "data:", "blob:"))
                else seen["outside"].append(r.url))
        page.goto(server.url + "/", wait_until="load", timeout=20000)
        page.wait_for_selector(".yasqe .CodeMirror", timeout=60000)
        yield page, seen
    finally:
        context.close()


@pytest.mark.browser
def test_query_page_offline(server, browser):
    with query_page(server, browser) as (page, seen):
        tabs = page.locator(".yasgui .tabsList .tab")
        assert tabs.count() == len(canned_queries())
        page.locator(".yasqe_queryButton").first.click()
        page.wait_for_selector(".yasr table tbody tr", timeout=60000)
        text = page.locator(".yasr").inner_text()
        assert "entityName" in text or "name" in text
        assert page.locator(".yasr table tbody tr").count() > 0
        page.wait_for_timeout(300)
    assert not seen["errors"], seen["errors"]
    assert not seen["outside"], seen["outside"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_get_post_and_refused_update(server):
    import subprocess

    endpoint = f"{server.url.rstrip('/')}/sparql"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    got = subprocess.run(["curl", "-sS", "-G", endpoint, "--data-urlencode", f"query={query}",
                          "-H", "Accept: text/csv"], capture_output=True, text=True, timeout=60, check=True)
    assert got.stdout.splitlines()[0].strip() == "n" and int(got.stdout.splitlines()[1]) > 0
    posted = subprocess.run(["curl", "-sS", endpoint, "-H", "Content-Type: application/sparql-query",
                             "-H", "Accept: application/sparql-results+json", "--data-binary", query],
                            capture_output=True, text=True, timeout=60, check=True)
    assert int(json.loads(posted.stdout)["results"]["bindings"][0]["n"]["value"]) > 0
    refused = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", endpoint,
                              "--data-urlencode", "update=DROP ALL"], capture_output=True, text=True, timeout=60)
    assert refused.stdout == "403"


# --- the query page's canned tabs: parameters bound as `kg query -p` binds them ------------------

def canned(base: str, name: str, params: dict[str, str] | list[tuple[str, str]]):
    return http("GET", f"{base}/canned/{urllib.parse.quote(name)}?{urllib.parse.urlencode(params)}")


def rows_of(base: str, query: str) -> list[dict]:
    status, _, body = post_query(base, query)
    assert status == 200, body[:300]
    return json.loads(body)["results"]["bindings"]


def kg_query_rows(store_dir: Path, name: str, params: dict[str, str]) -> int:
    from kg.query import run
    from kg.store import open_store

    with open_store(store_dir, read_only=True) as store:
        return len(run(store, name, params).rows)


@pytest.mark.parametrize("name, params, column, expected", [
    ("entities", {"category": "lender"}, "categoryName", {"Lender"}),  # matched ignoring case, as kg query does
    ("metric-series", {"entity_name": "快手"}, "entityName", {"快手"}),
    ("evidence", {"entity_name": "快手", "found_by": "rule", "min_confidence": "0.5"}, "foundBy", {"rule"}),
    ("evidence", {"only": "curated"}, "origin", {"curated"}),
])
def test_the_query_page_binds_parameters_as_kg_query_does(server, store_dir, name, params, column, expected):
    status, headers, body = canned(server.url, name, params)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    rows = rows_of(server.url, json.loads(body)["query"])
    assert rows and {r[column]["value"] for r in rows} == expected
    assert len(rows) == kg_query_rows(store_dir, name, params)
    assert len(rows) < len(rows_of(server.url, canned_queries()[name].sparql()))  # the value narrowed it


def test_empty_values_bind_nothing(server):
    status, _, body = canned(server.url, "evidence", {"entity_name": "", "found_by": " "})
    assert status == 200 and json.loads(body)["query"] == canned_queries()["evidence"].sparql()


@pytest.mark.parametrize("name, params, message", [
    ("entities", {"category": "bank"}, "choose one of Lender, Platform"),
    ("evidence", {"min_confidence": "high"}, "is not a number"),
    ("entities", {"colour": "red"}, "has no parameter 'colour'"),
    ("entities", [("category", "Lender"), ("category", "Platform")], "give each parameter once"),
    ("no-such-query", {}, "no canned query 'no-such-query'"),
])
def test_a_bad_parameter_is_refused_with_what_would_do(server, name, params, message):
    status, _, body = canned(server.url, name, params)
    assert status == 400 and message in body.decode("utf-8")


def test_another_site_cannot_read_canned_queries(server):
    status, _, _ = http("GET", f"{server.url}/canned/entities",
                        headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"})
    assert status == 403


def _visible_table(page) -> dict:
    """The active tab's result table: header names, cell texts, and each cell's link (text, href)."""
    return page.evaluate("""() => {
      const yasr = [...document.querySelectorAll('.yasr')].find(e => e.offsetParent);
      const table = yasr.querySelector('table');
      return { head: [...table.querySelectorAll('thead th')].map(th => th.innerText.trim()),
               rows: [...table.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => {
                 const a = td.querySelector('a');
                 return { text: td.innerText.trim(), link: a && [a.innerText, a.getAttribute('href')] };
               })) };
    }""")


@pytest.mark.browser
def test_query_page_tabs_keep_parameters_and_show_plain_values(server, store_dir, browser):
    with query_page(server, browser) as (page, seen):
        category = page.locator("#kg-params select[name=category]")
        allowed = canned_queries()["entities"].params[0].allowed
        assert category.locator("option").all_inner_texts() == ["(any)", *allowed]

        category.select_option("Lender")
        page.click("#kg-params-run")
        page.wait_for_function("() => [...document.querySelectorAll('.yasr table tbody tr')].some(r => r.offsetParent)",
                               timeout=60000)
        editor = page.evaluate("() => window.kgYasgui.getTab().getQuery()")
        assert "FILTER(?categoryName = STR(?category))" in editor and '"Lender"' in editor
        table = _visible_table(page)
        column = {name: i for i, name in enumerate(table["head"])}
        rows = table["rows"]
        assert len(rows) == kg_query_rows(store_dir, "entities", {"category": "Lender"}) > 0
        assert {r[column["categoryName"]]["text"] for r in rows} == {"Lender"}
        assert all(r[column["articles"]]["text"].isdigit() for r in rows)  # 2, not "2"^^<…#integer>
        assert not [c["text"] for r in rows for c in r if "^^" in c["text"] or "@zh" in c["text"]]
        links = [r[column["entity"]]["link"] for r in rows]
        assert all(text.startswith("id:") and href == iri.ID + text[3:] for text, href in links)

        page.locator(".tabsList .tab", has_text="Evidence").click()
        evidence = [p.name for p in canned_queries()["evidence"].params]
        assert page.locator("#kg-params [name]").evaluate_all("els => els.map(e => e.name)") == evidence
        assert page.locator("#kg-params select[name=found_by] option").all_inner_texts() == [
            "(any)", "registry", "rule", "model"]
        assert page.locator("#kg-params input[name=min_confidence]").get_attribute("type") == "number"
        page.locator(".tabsList .tab", has_text="Entities").click()
        assert category.input_value() == "Lender"  # each tab keeps its values
        page.locator(".tabsList .tab", has_text="Regulations").click()
        assert page.locator("#kg-params").is_hidden()  # a query without parameters has no form
    assert not seen["errors"], seen["errors"]
    assert not seen["outside"], seen["outside"]
