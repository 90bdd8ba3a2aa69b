"""Issue 13: what `kg serve` (and `kg query`) refuse, and the limits that keep one client from
taking the machine. Real servers, real sockets and real HTTP; a real listener on 127.0.0.1
counts the requests a SERVICE clause would make."""

from __future__ import annotations

from http import client as http_client
from http import server as http_server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import sandbox
from kg.serve import make_server
from kg.sparql_guard import depth, uses_service

from test_serve import Running, get_query, http, post_query

pytestmark = pytest.mark.server
LEAK = "LEAKED-REPLY-FROM-THE-LISTENER"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # a cross product: seconds, little memory
CROSS_SORT = "SELECT ?a ?c ?d ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # the issue's: memory


class Listener:
    """An HTTP server on 127.0.0.1 that counts every request and answers like a SPARQL endpoint
    whose reply must never show up anywhere."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http_server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hits.append((self.command, self.path, self.headers.get("User-Agent")))
                body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
                    {"s": {"type": "literal", "value": LEAK}}]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args) -> None:
                pass

        self.httpd = http_server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener():
    srv = Listener()
    yield srv
    srv.close()


def _small_store(location: Path, n: int) -> Path:
    store = ox.Store(str(location))
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode(f"http://example.org/p{i % 5}"),
                         ox.Literal(f"value {i}"), ox.NamedNode("http://example.org/g")) for i in range(n))
    store.flush()
    del store
    return location


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory) -> Path:
    return _small_store(tmp_path_factory.mktemp("tiny") / "store", 20)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    """3,000 triples: their cross product is 9 million rows."""
    return _small_store(tmp_path_factory.mktemp("big") / "store", 3000)


@pytest.fixture(scope="module")
def server(tiny_store):
    with Running(tiny_store, timeout=20, workers=2) as srv:
        yield srv


def service_variants(url: str) -> dict[str, str]:
    host_port = url.split("/")[2]
    escaped = url.replace("http:", "http\\u003a", 1)
    return {
        "comment ended by CR (the issue's)": f"SELECT * WHERE {{ #\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment ended by CRLF": f"SELECT * WHERE {{ # x\r\nSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment then LINE SEPARATOR": f"SELECT * WHERE {{ #\u2028SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment then NEXT LINE": f"SELECT * WHERE {{ #\u0085SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment then PARAGRAPH SEPARATOR": f"SELECT * WHERE {{ #\u2029\nSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "escape in the IRI": f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        "escaped host in the IRI": "SELECT * WHERE { SERVICE <http://"
                                   + host_port.replace(".", "\\u002E") + "/sparql> { ?s ?p ?o } }",
        "lowercase service": f"SELECT * WHERE {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed case, SILENT": f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "no space before the IRI": f"SELECT * WHERE {{ SERVICE<{url}>{{?s ?p ?o}} }}",
        "nested groups": f"SELECT * WHERE {{ {{ {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        "subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "UNION": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "FILTER EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "ASK": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "prefixed name right after the keyword": f"PREFIX : <{url}#>\nSELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
        # a scanner reads `<2)SERVICE:x#>` as an IRI; Oxigraph reads a comparison and a SERVICE
        "keyword hidden from a tokenizer": f"PREFIX : <{url}#>\nSELECT * WHERE {{ FILTER(1<2)SERVICE:x#>\n{{ ?s ?p ?o }} }}",
    }


def test_service_tricks_reach_no_listener(server, listener):
    # the exact request first
    status, _, body = http("GET", server.url + "/sparql?query=SELECT%20*%20WHERE%20%7B%20%23%0DSERVICE%20%3C"
                           + urllib.parse.quote(listener.url, safe="") + "%3E%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D")
    assert status == 403 and b"SERVICE" in body
    for name, query in service_variants(listener.url).items():
        for answer in (get_query(server.url, query), post_query(server.url, query),
                       post_query(server.url, query, form=True)):
            status, _, body = answer
            assert status in (400, 403), (name, status, body[:200])
            assert LEAK.encode() not in body, name
    assert listener.hits == []
    # the server still answers, and the word itself is no crime
    status, _, _ = post_query(server.url, 'SELECT ?service WHERE { ?service ?p "SERVICE" }')
    assert status == 200


@pytest.mark.skipif(not sandbox.available(), reason="seccomp is not available here")
def test_sandbox_alone_stops_a_service_the_text_check_misses(server, listener, tmp_path):
    query = service_variants(listener.url)["keyword hidden from a tokenizer"]
    assert not uses_service(query)  # the text check is fooled ...
    status, _, body = post_query(server.url, query)
    assert status == 403 and b"SERVICE" in body  # ... the worker's sandbox is not
    # the same engine outside the sandbox does send the request: the sandbox is what stops it
    store = ox.Store()
    with pytest.raises(PermissionError):
        sandbox.run(lambda: list(store.query(query)))
    assert listener.hits == []
    rows = list(store.query(query))
    assert len(listener.hits) == 1 and listener.hits[0][2].startswith("Oxigraph")
    assert rows[0]["s"].value == LEAK


def _kg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=timeout)


def test_kg_query_refuses_service_with_exit_code_2(listener, tmp_path):
    store = _small_store(tmp_path / "store", 5)
    variants = service_variants(listener.url)
    for name in ("comment ended by CR (the issue's)", "lowercase service", "subquery", "keyword hidden from a tokenizer"):
        done = _kg("query", variants[name], "--store", str(store))
        assert done.returncode == 2, (name, done.returncode, done.stderr)
        assert "SERVICE" in done.stderr and LEAK not in done.stdout + done.stderr, name
    assert listener.hits == []


def test_kg_query_refuses_deep_nesting_instead_of_crashing(tmp_path):
    store = _small_store(tmp_path / "store", 5)
    done = _kg("query", "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000, "--store", str(store))
    assert done.returncode == 2 and "nests" in done.stderr, (done.returncode, done.stderr[-300:])


def test_nested_braces_give_400_and_no_worker_dies(server):
    spawned = server.pool._spawned
    for query in ("SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
                  "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
                  "SELECT * WHERE { FILTER(?a <" + "(" * 5000 + ">) }"):  # brackets inside an "IRI" count too
        status, _, body = post_query(server.url, query)
        assert status == 400 and b"nests" in body
    status, _, body = post_query(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "20"
    assert server.pool._spawned == spawned  # no worker was replaced: none died


def test_query_size_limit(tiny_store):
    with Running(tiny_store, workers=1, max_query_chars=1000) as srv:
        padding = "#" + "x" * 1200 + "\n"
        status, _, body = post_query(srv.url, padding + "ASK {}")
        assert status == 400 and b"characters long" in body
        assert post_query(srv.url, "ASK {}")[0] == 200


def test_cross_site_form_post_refused(server):
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = [
        {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},  # a form on another site
        {"Origin": "http://evil.example"},  # an older browser
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},  # another port is another origin
        {"Origin": "null"},  # a sandboxed iframe or a file:// page
    ]
    for headers in refused:
        status, _, body = http("POST", server.url + "/sparql", data=form, headers={**ctype, **headers})
        assert status == 403 and b"refused" in body, headers
    allowed = [
        {},  # curl, SPARQLWrapper, kg: no Origin
        {"Origin": server.url, "Sec-Fetch-Site": "same-origin"},  # the query page itself
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
    ]
    for headers in allowed:
        status, _, body = http("POST", server.url + "/sparql", data=form, headers={**ctype, **headers})
        assert status == 200 and json.loads(body)["boolean"] is True, headers
    # a cross-site fetch or <img> by GET is refused too; a link the user follows is not
    url = server.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    assert http("GET", url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})[0] == 403
    assert http("GET", url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})[0] == 200


def test_dns_rebinding_host_refused_on_loopback(server):
    status, _, body = http("POST", server.url + "/sparql", data=b"ASK {}",
                           headers={"Content-Type": "application/sparql-query", "Host": "evil.example",
                                    "Origin": "http://evil.example"})
    assert status == 403 and b"127.0.0.1 or localhost" in body
    port = server.url.rsplit(":", 1)[1]
    status, _, _ = http("POST", server.url + "/sparql", data=b"ASK {}",
                        headers={"Content-Type": "application/sparql-query", "Host": f"localhost:{port}",
                                 "Origin": f"http://localhost:{port}"})
    assert status == 200


def test_graph_uri_that_is_not_an_iri_gets_400(server):
    for name in ("default-graph-uri", "named-graph-uri"):
        url = server.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", name: "not an iri"})
        status, _, body = http("GET", url)
        assert status == 400 and name.encode() in body
    url = server.url + "/sparql?" + urllib.parse.urlencode(
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://example.org/g"})
    status, _, body = http("GET", url)
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, _ = http("GET", server.url + "/sparql?query=ASK%20%7B%7D%FF")  # not UTF-8
    assert status == 400


def _raw(url: str, data: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes, read until the server closes."""
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_malformed_headers_give_400(server, capfd):
    for value in ("abc", "-5", "99999999999999999999999", "1e3", "5, 6"):
        answer = _raw(server.url, (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                                   f"\r\nContent-Length: {value}\r\n\r\nASK {{}}").encode())
        assert answer.startswith(b"HTTP/1.1 400 "), (value, answer[:200])
        assert b"Content-Length" in answer
    conflicting = _raw(server.url, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                                   b"\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\nASK {}")
    assert conflicting.startswith(b"HTTP/1.1 400 ")
    chunked = _raw(server.url, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                               b"\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")
    assert chunked.startswith(b"HTTP/1.1 400 ")
    too_big = _raw(server.url, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
                               b"\r\nContent-Length: 50000000\r\n\r\nASK {}")
    assert too_big.startswith(b"HTTP/1.1 413 ")
    assert "Traceback" not in capfd.readouterr().err
    assert post_query(server.url, "ASK {}")[0] == 200


def test_half_sent_requests_time_out(tiny_store):
    with Running(tiny_store, workers=1, socket_timeout=1.0) as srv:
        host, port = srv.url.split("//")[1].split(":")
        halves = [b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-", b"GET /spar",
                  b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 100\r\n\r\nASK"]
        sockets = []
        held = 0
        for i in range(300):  # one address opens 300 connections and sends half a request on each
            s = socket.create_connection((host, int(port)), timeout=30, source_address=("127.0.0.5", 0))
            s.sendall(halves[i % len(halves)])
            sockets.append(s)
            held = max(held, srv.httpd._connections.get("127.0.0.5", 0))
        assert held <= 64  # threads held by one address: at most half of --max-connections
        assert post_query(srv.url, "ASK {}")[0] == 200  # another client is served meanwhile
        answers = []
        for s in sockets:  # each is closed by the server (recv returns, not our 30 s timeout)
            data = b""
            try:
                while chunk := s.recv(65536):
                    data += chunk
            except ConnectionResetError:
                pass
            answers.append(data)
            s.close()
        assert all(a == b"" or a.startswith((b"HTTP/1.1 408 ", b"HTTP/1.1 503 ")) for a in answers)
        assert any(a.startswith(b"HTTP/1.1 408 ") for a in answers)  # a body that never came
        assert any(a.startswith(b"HTTP/1.1 503 ") for a in answers)  # past the per-address cap
        deadline = time.monotonic() + 10
        while srv.httpd._connections and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not srv.httpd._connections  # every connection thread has ended


def test_connection_limit(tiny_store):
    with Running(tiny_store, workers=1, max_connections=4) as srv:
        host, port = srv.url.split("//")[1].split(":")
        idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2)]  # half of 4: one address
        try:
            time.sleep(0.3)
            answer = _raw(srv.url, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 503 ") and b"too many open connections" in answer
        finally:
            for s in idle:
                s.close()
        deadline = time.monotonic() + 10
        while srv.httpd._connections and time.monotonic() < deadline:
            time.sleep(0.05)
        assert get_query(srv.url, "ASK {}")[0] == 200


def test_cross_product_ends_with_503_under_the_memory_cap(big_store):
    # the time limit is far away: what stops the query is the memory cap
    with Running(big_store, timeout=120, workers=1, max_memory=200) as srv:
        status, headers, body = post_query(srv.url, CROSS_SORT)
        assert status == 503 and b"memory" in body and b"200 MB" in body, body[:300]
        assert headers["Retry-After"]
        # the worker was replaced: the next query is answered
        status, _, body = post_query(srv.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "3000"


def _source_query(base: str, source: str, query: str, timeout: float = 120) -> int:
    """POST a query from a given loopback source address; the HTTP status."""
    host, port = base.split("//")[1].split(":")
    conn = http_client.HTTPConnection(host, int(port), timeout=timeout, source_address=(source, 0))
    try:
        conn.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_three_slow_clients_leave_a_plain_query_answered_within_1s(big_store):
    with Running(big_store, timeout=60, workers=2, queue_timeout=120) as srv:
        done: dict[str, int] = {}
        stop = threading.Event()
        errors: list[str] = []

        def slow_client(source: str) -> None:
            while not stop.is_set():
                try:
                    status = _source_query(srv.url, source, SLOW)
                    done[source] = done.get(source, 0) + 1
                    if status not in (200, 503):
                        errors.append(f"{source}: {status}")
                except OSError as exc:
                    errors.append(f"{source}: {exc!r}")
                    return

        sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
        threads = [threading.Thread(target=slow_client, args=(s,), daemon=True) for s in sources]
        for t in threads:
            t.start()
        try:
            # generous set-up: every slow client has finished a slow query (it counts as heavy
            # now) and slow queries are running
            deadline = time.monotonic() + 180
            while (len(done) < 3 or srv.pool.scheduler.free == 2) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(done) == 3 and not errors, (done, errors)
            timings = []
            for _ in range(3):
                t0 = time.monotonic()
                status, _, body = post_query(srv.url, "ASK { ?s ?p ?o }")
                timings.append(time.monotonic() - t0)
                assert status == 200 and json.loads(body)["boolean"] is True
            # the median of three: one ASK slowed by the machine's own load (2 cores, both workers busy
            # with the slow queries) says nothing about fairness; waiting for a slow query takes seconds
            assert sorted(timings)[1] < 1.0, timings
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert not errors, errors


def test_one_address_runs_at_most_workers_minus_one(big_store):
    with Running(big_store, timeout=60, workers=2, queue_timeout=120) as srv:
        results: list[int] = []
        threads = [threading.Thread(target=lambda: results.append(_source_query(srv.url, "127.0.0.2", SLOW)),
                                    daemon=True) for _ in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while not srv.pool.scheduler.started and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(20):  # while they run, that address never holds both workers
            assert len(srv.pool.scheduler.started.get("127.0.0.2", ())) <= 1
            time.sleep(0.05)
        for t in threads:
            t.join(timeout=120)
        assert results == [200, 200, 200]


def test_non_loopback_bind_warns_and_the_library_prints_nothing(tiny_store, capfd):
    srv = make_server(tiny_store, host="0.0.0.0", workers=1)
    try:
        assert any("not on a loopback address" in w for w in srv.warnings)
        assert "read-only" in srv.banner()
    finally:
        srv.shutdown()
    srv = make_server(tiny_store, workers=1)
    try:
        assert not any("loopback" in w for w in srv.warnings)
    finally:
        srv.shutdown()
    out = capfd.readouterr()
    assert out.out == "" and out.err == ""


def test_tokenizer_reads_comments_and_escapes_as_oxigraph_does():
    assert uses_service("SELECT * WHERE { #\rSERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * WHERE { #\r\nservice <http://x/> { ?s ?p ?o } }")
    assert uses_service("PREFIX : <http://x/>\nSELECT * WHERE { SERVICE:x { ?s ?p ?o } }")
    assert not uses_service("SELECT * WHERE { #\nSERVICE is only a word here\n ?s ?p ?o }".replace("\nSERVICE", " SERVICE"))
    assert not uses_service('SELECT ?service WHERE { ?service <http://x/SERVICE> "SERVICE", ex:service }')
    assert not uses_service('SELECT * WHERE { ?s ?p "a\\"SERVICE" }')
    assert depth("SELECT * WHERE { { ?s ?p ?o } }") == 2
    assert depth('SELECT * WHERE { ?s ?p "{{{{" }') == 1
    assert depth("SELECT * WHERE { FILTER(?a <((((>) }") == 6


def test_kg_serve_prints_the_warning_and_banner_itself(tiny_store):
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(tiny_store), "--host", "0.0.0.0",
                             "--port", "0", "--workers", "1", "--max-memory", "300"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = proc.stdout.readline()
        assert "SPARQL endpoint http://0.0.0.0:" in banner and "300 MB per worker" in banner
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert "kg: warning: kg serve listens on 0.0.0.0" in err
    assert proc.returncode == 0
