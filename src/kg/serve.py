"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built store, with a query page.

Engine (chosen by measurement, see the module notes at the end): a small standard-library HTTP
server (http.server, one thread per request) in front of a pool of worker *processes*, each of
which opens a read-only **snapshot** of the store (a RocksDB checkpoint made with
`pyoxigraph.Store.backup`) and runs the queries with pyoxigraph.

- Read-only by construction: the snapshot is a copy nobody writes, opened read-only, and the
  server has no update path: SPARQL Update (`update=`, `application/sparql-update`, a query
  text that is an update, anything sent to /update) gets HTTP 403 with a message.
- Build and serve coexist: the server holds no lock on the store. It takes a snapshot at start,
  then every `refresh` seconds looks whether the store's files changed; if so and no other
  process holds the store (a build holds its lock for the whole run), it takes a new snapshot
  (a checkpoint: hard links, milliseconds) and new workers serve it; queries running on the
  old snapshot finish there. So a running build never shows half-built data, and the served
  data is at most one refresh behind the last finished build.
- Time limit (default 30 s): a query that takes longer gets HTTP 503 with a message and its
  worker process is killed (real cancellation: pyoxigraph has no query timeout, and
  `oxigraph serve --timeout-s` answered 200 with a cut-off body and took 25 s to stop a sort
  under a 1 s limit).
- Result-size limit (default 10,000): results are TRUNCATED to the first `max_rows` rows
  (CONSTRUCT: triples), never refused; a truncated answer carries the headers
  `X-KG-Truncated: true` and `X-KG-Max-Rows: <n>`. Add LIMIT/OFFSET to page through more.
- Content negotiation (Accept): SELECT/ASK as SPARQL JSON (default), XML, CSV, TSV;
  CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, JSON-LD. Unsupported Accept → 406.
- The query page at / is YASGUI vendored from npm (src/kg/serve_assets/, see
  scripts/vendor_yasgui.sh) configured to load nothing from the network, with one tab per
  canned query, pointed at this endpoint.
- Federated queries (SERVICE) are refused with 403: pyoxigraph would fetch the SERVICE URL from
  the server, which would make the endpoint a proxy to anything the server can reach.
- Queries see the union of the named graphs as their default graph, like `kg query`;
  `default-graph-uri` / `named-graph-uri` protocol parameters are honoured.
"""

from __future__ import annotations

import html
import json
import os
import pickle
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from queue import Empty, Queue

import pyoxigraph as ox

from kg import sparql_json
from kg.sparql_json import XSD_STRING

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
READ_ONLY_MESSAGE = ("kg serve is read-only: SPARQL Update is not accepted here. "
                     "Change the graph with `kg build`; the server picks up the new build by itself.")
MAX_BODY = 1_000_000  # bytes of query text

RESULT_TYPES = {  # SELECT / ASK
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
RESULT_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}
GRAPH_TYPES = {  # CONSTRUCT / DESCRIBE
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
    "text/plain": "nt", "application/ld+json": "jsonld", "application/json": "jsonld",
}
GRAPH_MEDIA = {"turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
               "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
               "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD)}
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*(?:\n|$))\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


# --- content negotiation ----------------------------------------------------------------------

def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE clause (pyoxigraph would fetch that URL from the server)."""
    from kg.store import _TOKEN

    return any(m.lastgroup == "word" and m.group().upper() == "SERVICE"
               and not query[max(0, m.start() - 1):m.start()] == ":" for m in _TOKEN.finditer(query))


def parse_accept(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values, then order)."""
    if not header:
        return ["*/*"]
    items = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)] or ["*/*"]


def negotiate(accept: list[str], table: dict[str, str], default: str) -> str | None:
    for media in accept:
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            if media == "*/*" or any(k.startswith(media[:-1]) for k in table if table[k] == default):
                return default
    return None


# --- serialising results (in the worker) -------------------------------------------------------

def _xml_term(t) -> str:
    e = html.escape
    if isinstance(t, ox.NamedNode):
        return f"<uri>{e(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{e(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f'<literal xml:lang="{e(t.language)}">{e(t.value)}</literal>'
        if t.datatype.value != XSD_STRING:
            return f'<literal datatype="{e(t.datatype.value)}">{e(t.value)}</literal>'
        return f"<literal>{e(t.value)}</literal>"
    return f"<literal>{e(str(t))}</literal>"


def _csv_cell(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        value = "_:" + t.value
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        value = t.value
    else:
        value = str(t)
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def serialise_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        return sparql_json.encode_solutions(variables, rows).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>" + "".join(f'<variable name="{v}"/>' for v in variables) + "</head><results>"]
        for row in rows:
            out.append("<result>" + "".join(f'<binding name="{v}">{_xml_term(t)}</binding>'
                                            for v, t in zip(variables, row) if t is not None) + "</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        lines = [",".join(variables)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)] + ["\t".join("" if t is None else str(t) for t in row)
                                                          for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(fmt)


def serialise_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return sparql_json.encode_boolean(value).encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>").encode()
    return (("true" if value else "false") + "\n").encode()


def execute(store, query: str, accept: list[str], max_rows: int, default_graphs=None, named_graphs=None):
    """Run one query on a pyoxigraph store: (status, content type, body, extra headers)."""
    kwargs = {}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(query, **kwargs)
    except SyntaxError as exc:
        if _UPDATE.match(query):
            return 403, "text/plain; charset=utf-8", READ_ONLY_MESSAGE.encode(), {}
        return 400, "text/plain; charset=utf-8", f"malformed SPARQL query: {exc}".encode(), {}
    except (OSError, ValueError) as exc:
        return 500, "text/plain; charset=utf-8", f"query failed: {exc}".encode(), {}
    headers: dict[str, str] = {}
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate(accept, RESULT_TYPES, "json")
            if fmt is None:
                return _not_acceptable(RESULT_TYPES)
            return 200, RESULT_MEDIA[fmt], serialise_boolean(bool(result), fmt), headers
        if isinstance(result, ox.QuerySolutions):
            fmt = negotiate(accept, RESULT_TYPES, "json")
            if fmt is None:
                return _not_acceptable(RESULT_TYPES)
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) == max_rows:
                    headers = {"X-KG-Truncated": "true", "X-KG-Max-Rows": str(max_rows)}
                    break
                rows.append([solution[v] for v in variables])
            return 200, RESULT_MEDIA[fmt], serialise_solutions(variables, rows, fmt), headers
        fmt = negotiate(accept, GRAPH_TYPES, "turtle")
        if fmt is None:
            return _not_acceptable(GRAPH_TYPES)
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                headers = {"X-KG-Truncated": "true", "X-KG-Max-Rows": str(max_rows)}
                break
            triples.append(triple)
        media, rdf_format = GRAPH_MEDIA[fmt]
        return 200, media, ox.serialize(triples, format=rdf_format) or b"", headers
    except (OSError, ValueError) as exc:
        return 500, "text/plain; charset=utf-8", f"query failed: {exc}".encode(), {}


def _not_acceptable(table: dict[str, str]):
    return (406, "text/plain; charset=utf-8",
            f"none of the accepted media types can carry this result; use one of {', '.join(table)}".encode(), {})


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _write_message(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int):
    (n,) = struct.unpack(">Q", _read_exact(fd, 8))
    return pickle.loads(_read_exact(fd, n))


def _worker_main(snapshot: str) -> None:
    """A worker process (`python -m kg.serve --worker SNAPSHOT`): open the snapshot read-only and
    answer the queries that come on stdin, on stdout, until stdin closes."""
    fd_in, fd_out = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    sys.stdout = sys.stderr  # nothing else may write on the answer pipe
    store = ox.Store.read_only(snapshot)
    while True:
        try:
            message = _read_message(fd_in)
        except (EOFError, OSError):
            return
        if message is None:
            return
        try:
            answer = execute(store, *message)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happens
            answer = (500, "text/plain; charset=utf-8", f"query failed: {type(exc).__name__}: {exc}".encode(), {})
        _write_message(fd_out, answer)


# --- the worker pool and snapshots ----------------------------------------------------------

class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


class _Worker:
    """One worker process, spoken to over its stdin/stdout with length-prefixed pickles."""

    def __init__(self, snapshot: Path, generation: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve", "--worker", str(snapshot)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, close_fds=True)
        self.generation = generation

    def send(self, message) -> None:
        _write_message(self.process.stdin.fileno(), message)

    def poll(self, timeout: float) -> bool:
        if hasattr(select, "poll"):  # no FD_SETSIZE limit
            poller = select.poll()
            poller.register(self.process.stdout.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
            return bool(poller.poll(max(0, int(timeout * 1000))))
        ready, _, _ = select.select([self.process.stdout.fileno()], [], [], timeout)
        return bool(ready)

    def recv(self):
        return _read_message(self.process.stdout.fileno())

    def _close_pipes(self) -> None:
        for f in (self.process.stdin, self.process.stdout):
            try:
                f.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._close_pipes()  # EOF on stdin: the worker returns
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        self._close_pipes()


class Pool:
    """Worker processes over the current snapshot; swapped as a whole on refresh."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.generation = 0
        self.idle: Queue[_Worker] = Queue()
        self.snapshots: dict[int, Path] = {}
        self.alive: dict[int, int] = {}

    def switch(self, snapshot: Path) -> None:
        """Serve a new snapshot: new workers take new queries; old ones finish theirs and are
        retired when they come back (or when taken from the idle queue)."""
        with self.lock:
            gen = self.generation + 1
            self.snapshots[gen] = snapshot
            self.alive[gen] = 0
        fresh = [self._spawn(snapshot, gen) for _ in range(self.size)]
        with self.lock:
            self.generation = gen
        for w in fresh:
            self.idle.put(w)

    def _spawn(self, snapshot: Path, gen: int) -> _Worker:
        with self.lock:
            self.alive[gen] = self.alive.get(gen, 0) + 1
        return _Worker(snapshot, gen)

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        worker.kill() if kill else worker.stop()
        with self.lock:
            self.alive[worker.generation] -= 1
            stale = [g for g, n in self.alive.items() if n == 0 and g != self.generation]
            paths = [self.snapshots.pop(g) for g in stale]
            for g in stale:
                del self.alive[g]
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)

    def run(self, message: tuple, timeout: float):
        """The worker's answer; QueryTimeout when the query runs longer than `timeout` seconds,
        Busy when no worker comes free within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                raise Busy(f"the server is busy: no worker was free within {timeout:g} s") from None
            if worker.generation == self.generation:
                break
            self._retire(worker)  # it serves an older snapshot
        try:
            worker.send(message)
            if worker.poll(timeout):  # the time limit counts from the start of the query
                answer = worker.recv()
            else:
                answer = None
        except (OSError, EOFError):
            answer = False
        if answer is None or answer is False:
            # too slow (or the worker died): kill it, so the query stops using the CPU
            gen = worker.generation
            self._retire(worker, kill=True)
            if gen == self.generation:
                threading.Thread(target=self._replace, args=(gen,), daemon=True).start()
            if answer is None:
                raise QueryTimeout(f"the query took longer than the time limit of {timeout:g} s and was stopped")
            return 500, "text/plain; charset=utf-8", b"the query worker died", {}
        if worker.generation == self.generation:
            self.idle.put(worker)
        else:
            self._retire(worker)
        return answer

    def _replace(self, gen: int) -> None:
        with self.lock:
            snapshot = self.snapshots.get(gen)
        if snapshot is not None and gen == self.generation:
            self.idle.put(self._spawn(snapshot, gen))

    def close(self) -> None:
        with self.lock:
            self.generation += 1
        while True:
            try:
                self._retire(self.idle.get_nowait())
            except Empty:
                break


class Snapshots:
    """Checkpoints of the on-disk store, taken only when no other process holds it."""

    def __init__(self, primary: Path, workdir: Path) -> None:
        self.primary = primary
        self.workdir = workdir
        self.count = 0
        self.fingerprint: tuple | None = None

    def files(self) -> tuple:
        out = []
        for entry in sorted(os.scandir(self.primary), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith(("LOG", "LOCK")):
                st = entry.stat()
                out.append((entry.name, st.st_size, st.st_mtime_ns))
        return tuple(out)

    def changed(self) -> bool:
        return self.files() != self.fingerprint

    def take(self) -> Path | None:
        """A fresh checkpoint, or None while another process (a build) holds the store."""
        self.count += 1
        target = self.workdir / f"snapshot-{self.count}"
        try:
            store = ox.Store(str(self.primary))
        except OSError:
            return None
        try:
            store.backup(str(target))
        finally:
            del store
        self.fingerprint = self.files()  # after closing: our own open/close is not a change
        return target


# --- HTTP --------------------------------------------------------------------------------------

def _assets_dir() -> Path:
    return Path(__file__).resolve().parent / "serve_assets"


def page_html(timeout: float, max_rows: int) -> bytes:
    from kg.query import canned_queries

    queries = [{"name": q.name, "title": q.title, "text": q.sparql()} for q in canned_queries().values()]
    data = json.dumps(queries, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>fintech-kg · SPARQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/yasgui.min.css">
<script src="/assets/yasgui.min.js"></script>
<style>
 body {{ margin: 0; font-family: system-ui, "Noto Sans CJK SC", sans-serif; }}
 header {{ padding: .6em 1em; background: #17324d; color: #fff; font-size: 14px; }}
 header code {{ background: rgba(255,255,255,.15); padding: 0 .3em; }}
</style>
</head>
<body>
<header>fintech-kg — read-only SPARQL endpoint <code>/sparql</code> · time limit {timeout:g} s ·
results truncated to {max_rows:,} rows · one tab per canned query (parameters unbound: all rows)</header>
<div id="yasgui"></div>
<script>
(function () {{
  const QUERIES = {data};
  const endpoint = window.location.origin + "/sparql";
  // offline: bundled prefixes (no prefix.cc), no LOV class/property completion
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];
  Yasgui.defaults.yasqe.prefixCcApi = null;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {{
    persistenceId: null, autoAddOnInit: false, populateFromUrl: false, copyEndpointOnNewTab: true,
    requestConfig: {{ endpoint: endpoint, method: "POST" }},
    endpointCatalogueOptions: {{ getData: () => [{{ endpoint: endpoint }}], keys: [] }},
  }});
  QUERIES.forEach(function (q, i) {{
    yasgui.addTab(i === 0, {{ name: q.title, requestConfig: {{ endpoint: endpoint, method: "POST" }},
                              yasqe: {{ value: q.text }} }});
  }});
  window.kgYasgui = yasgui;
}})();
</script>
</body>
</html>
""".encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: KgHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def log_message(self, fmt: str, *args) -> None:  # quiet; `kg serve --verbose` could print
        if self.server.app.verbose:
            super().log_message(fmt, *args)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        app = self.server.app
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", app.page)
        if url.path in ("/assets/yasgui.min.js", "/assets/yasgui.min.css"):
            body = app.asset(url.path.rsplit("/", 1)[1])
            ctype = "text/javascript; charset=utf-8" if url.path.endswith(".js") else "text/css; charset=utf-8"
            return self._send(200, ctype, body, {"Cache-Control": "max-age=3600"})
        if url.path == "/favicon.ico":
            return self._send(204, "text/plain", b"")
        if url.path in ("/sparql", "/query"):
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._text(403, READ_ONLY_MESSAGE)
            return self._query(params)
        if url.path == "/update":
            return self._text(403, READ_ONLY_MESSAGE)
        return self._text(404, f"no such page: {url.path} (the endpoint is /sparql, the query page /)")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._text(413, f"the request is larger than {MAX_BODY} bytes")
        body = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if url.path == "/update" or ctype == "application/sparql-update":
            return self._text(403, READ_ONLY_MESSAGE)
        if url.path not in ("/sparql", "/query"):
            return self._text(404, f"no such endpoint: {url.path} (the endpoint is /sparql)")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                return self._text(403, READ_ONLY_MESSAGE)
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            params["query"] = [body.decode("utf-8", errors="replace")]
        else:
            return self._text(415, "send the query as application/sparql-query or a form field `query=` "
                                   "(application/x-www-form-urlencoded)")
        return self._query(params)

    def do_PUT(self) -> None:
        self._text(403, READ_ONLY_MESSAGE)

    do_DELETE = do_PATCH = do_PUT

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            return self._text(400, "give exactly one SPARQL query in the `query` parameter")
        query = queries[0]
        if _UPDATE.match(query):
            return self._text(403, READ_ONLY_MESSAGE)
        if uses_service(query):
            return self._text(403, "federated queries (SERVICE) are disabled: this endpoint makes no "
                                   "outgoing requests")
        app = self.server.app
        accept = parse_accept(self.headers.get("Accept"))
        message = (query, accept, app.max_rows, params.get("default-graph-uri") or None,
                   params.get("named-graph-uri") or None)
        try:
            status, ctype, body, headers = app.pool.run(message, app.timeout)
        except QueryTimeout as exc:
            return self._text(503, str(exc), {"Retry-After": "10"})
        except Busy as exc:
            return self._text(503, str(exc), {"Retry-After": "5"})
        self._send(status, ctype, body, headers)


class KgHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 resets connections under 20 concurrent clients
    app: KgServer


class KgServer:
    """The endpoint: `.url`, `.serve_forever()` (blocking; run it in a thread in tests), `.shutdown()`."""

    def __init__(self, location: Path, host: str, port: int, timeout: float, max_rows: int,
                 workers: int, refresh: float, verbose: bool = False) -> None:
        from kg.errors import StoreError

        if timeout <= 0 or max_rows <= 0 or workers <= 0:
            raise StoreError("timeout, max_rows and workers must be positive")
        self.location = location
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.refresh = refresh
        self.verbose = verbose
        self._workdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        self.snapshots = Snapshots(location, self._workdir)
        self.pool = Pool(workers)
        self._assets: dict[str, bytes] = {}
        self._stop = threading.Event()
        self.page = page_html(self.timeout, self.max_rows)
        try:
            snapshot = None
            deadline = time.monotonic() + max(self.timeout, 5.0)
            while snapshot is None:
                snapshot = self.snapshots.take()
                if snapshot is None:
                    if time.monotonic() > deadline:
                        raise StoreError(f"the store at {location} is in use by another process "
                                         "(a running `kg build`?); try again when it is done")
                    time.sleep(0.2)
            self.pool.switch(snapshot)
            self.httpd = KgHTTPServer((host, port), _Handler)
        except BaseException:
            self.pool.close()
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise
        self.httpd.app = self
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.refreshed = 0  # snapshots taken after the first
        self._watcher = threading.Thread(target=self._watch, name="kg-serve-refresh", daemon=True)
        self._watcher.start()

    def asset(self, name: str) -> bytes:
        if name not in self._assets:
            self._assets[name] = (_assets_dir() / name).read_bytes()
        return self._assets[name]

    def _watch(self) -> None:
        while not self._stop.wait(self.refresh):
            try:
                if self.snapshots.changed():
                    snapshot = self.snapshots.take()
                    if snapshot is not None and not self._stop.is_set():
                        self.pool.switch(snapshot)
                        self.refreshed += 1
            except OSError:
                continue  # the store is being rewritten: try again next round

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._watcher.join(timeout=5)
        self.pool.close()
        shutil.rmtree(self._workdir, ignore_errors=True)


def _location(source) -> Path:
    from kg.config import Settings
    from kg.errors import StoreError

    text = str(source.store) if isinstance(source, Settings) else str(source)
    if re.match(r"https?://", text):
        raise StoreError(f"the store {text} is already a SPARQL server: query it directly "
                         "(kg serve serves an embedded store folder)")
    path = Path(text)
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first, or pass --store")
    return path


def make_server(source, host: str = DEFAULT_HOST, port: int = 0, timeout: float = 30.0,
                max_rows: int = 10000, workers: int | None = None, refresh: float = 2.0,
                verbose: bool = False) -> KgServer:
    """An endpoint over the store at `source` (Settings or a store folder); port 0 picks a free one."""
    workers = workers or max(2, min(4, os.cpu_count() or 2))
    return KgServer(_location(source), host, port, timeout, max_rows, workers, refresh, verbose)


def serve(settings_or_store_location, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          timeout: float = 30.0, max_rows: int = 10000, workers: int | None = None,
          refresh: float = 2.0, verbose: bool = False) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import signal

    server = make_server(settings_or_store_location, host, port, timeout, max_rows, workers, refresh, verbose)

    def _terminate(signum, frame):  # SIGTERM stops like Ctrl-C: workers and snapshots are cleaned up
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    print(f"kg serve: SPARQL endpoint {server.url}/sparql, query page {server.url}/ "
          f"(read-only; time limit {timeout:g} s; at most {max_rows} rows). Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2])
    else:
        sys.exit("usage: python -m kg.serve --worker SNAPSHOT (internal: use `kg serve`)")
