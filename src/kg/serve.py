"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built store, with a query page.

Engine (chosen by measurement, see README): a small standard-library HTTP
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
  canned query, pointed at this endpoint; above the tabs, the active query's parameters (as
  `kg query --list` shows them). /canned/<name>?<param>=<value> answers the query text those
  values give, made as `kg query -p` makes it (kg.query), and results show plain values.
- Federated queries (SERVICE) are refused with 403: pyoxigraph would fetch the SERVICE URL from
  the server, which would make the endpoint a proxy to anything the server can reach. Workers
  run under a seccomp filter that makes socket() fail (kg.sandbox), so no query text can get a
  request out; kg.sparql_guard refuses the SERVICE keywords it sees with a clear message.
- Bounded resources: a heap limit per worker (RLIMIT_DATA; a worker past it answers 503 and is
  replaced), query size and nesting depth checked before parsing (400), a fair scheduler
  (per client address at most workers-1 queries; the last worker kept for light clients; a
  queue with a wait limit), socket timeouts and a cap on connections, 400 for malformed
  headers and parameters. POST only from this server's own pages or non-browser clients.
  README "Security and limits" lists each limit, its default and its option.
- Queries see the union of the named graphs as their default graph, like `kg query`;
  `default-graph-uri` / `named-graph-uri` protocol parameters are honoured.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import math
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

from kg import sandbox, sparql_json
from kg.sparql_guard import MAX_DEPTH, MAX_QUERY_CHARS, SERVICE_MESSAGE, QueryRefused, check
from kg.sparql_json import XSD_STRING

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
READ_ONLY_MESSAGE = ("kg serve is read-only: SPARQL Update is not accepted here. "
                     "Change the graph with `kg build`; the server picks up the new build by itself.")
MAX_BODY = 1_000_000  # bytes of request body (more when --max-query-size asks for more)
DEFAULT_MAX_MEMORY = 1024  # MB of heap per query worker
MIN_MEMORY = 128

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
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\r\n]*(?:[\r\n]|$))\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


# --- content negotiation ----------------------------------------------------------------------

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
        return _failed(exc)
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
        return _failed(exc)


def _failed(exc: Exception):
    if sandbox.REFUSED_MARK in str(exc):  # the engine tried to open a socket: a SERVICE clause
        return 403, "text/plain; charset=utf-8", SERVICE_MESSAGE.encode(), {}
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


def _memory_message(max_memory: int | None) -> str:
    return (f"the query needed more memory than the limit of {max_memory} MB per query worker and was "
            "stopped; narrow it down (fewer variables in a cross product, a LIMIT before ORDER BY)")


def _worker_main(snapshot: str, max_memory: int | None = None) -> None:
    """A worker process (`python -m kg.serve --worker SNAPSHOT [MAX_MEMORY_MB]`): no sockets
    (seccomp), at most MAX_MEMORY_MB of heap (RLIMIT_DATA), the snapshot opened read-only;
    answers the queries that come on stdin, on stdout, until stdin closes."""
    import resource

    fd_in, fd_out = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    sys.stdout = sys.stderr  # nothing else may write on the answer pipe
    sandbox.deny_network()  # before the store opens: its threads inherit the filter
    if max_memory:
        limit = max_memory * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    store = ox.Store.read_only(snapshot)
    while True:
        try:
            message = _read_message(fd_in)
        except (EOFError, OSError):
            return
        if message is None:
            return
        retire = False
        try:
            answer = execute(store, *message)
        except MemoryError:
            answer, retire = (503, "text/plain; charset=utf-8", _memory_message(max_memory).encode(),
                              {"Retry-After": "10"}), True
        except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happens
            answer = (500, "text/plain; charset=utf-8", f"query failed: {type(exc).__name__}: {exc}".encode(), {})
        _write_message(fd_out, (*answer, retire))
        if retire:  # after a MemoryError the heap is no place to go on from
            return


# --- the worker pool and snapshots ----------------------------------------------------------

class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


class _Worker:
    """One worker process, spoken to over its stdin/stdout with length-prefixed pickles; its
    stderr goes to a log file, read when it dies (Rust prints "memory allocation … failed")."""

    def __init__(self, snapshot: Path, generation: int, max_memory: int | None, log: Path) -> None:
        self.log = log
        with open(log, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.serve", "--worker", str(snapshot), str(max_memory or 0)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, bufsize=0, close_fds=True)
        self.generation = generation
        self.killed = False

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

    def cause_of_death(self) -> str:
        """The end of the worker's stderr (after it exited)."""
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log) - 2000))
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

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
        self._remove_log()

    def kill(self) -> None:
        self.killed = True
        self.process.kill()
        self.process.wait(timeout=5)
        self._close_pipes()
        self._remove_log()

    def _remove_log(self) -> None:
        try:
            self.log.unlink()
        except OSError:
            pass


class Scheduler:
    """Who gets the next free worker: a few clients cannot take every worker.

    - A client (an IP address) runs at most `per_client` queries at once (default: all workers
      but one); more wait in a queue, at most `queue_timeout` seconds (then 503). At most
      `max_waiting` queries wait, half of them from one client (more: 503 at once).
    - Heavy clients share all workers but one: the last free worker goes only to a client with
      nothing running that used less than `heavy_seconds` of worker time recently (usage decays
      with a time constant of `decay` seconds). So one person's plain query is answered at once
      even while others loop slow queries from several addresses.
    - Waiting queries start in order: fewest queries running for their client, then least
      recent usage, then arrival.
    """

    def __init__(self, size: int, per_client: int | None = None, queue_timeout: float = 10.0,
                 max_waiting: int = 64, heavy_seconds: float = 1.0, decay: float = 60.0) -> None:
        self.size = size
        self.per_client = max(1, per_client if per_client else size - 1)
        self.queue_timeout = queue_timeout
        self.max_waiting = max_waiting
        self.heavy_seconds = heavy_seconds
        self.decay = decay
        self.cond = threading.Condition()
        self.free = size
        self.started: dict[str, list[float]] = {}  # client -> start times of its running queries
        self.usage: dict[str, tuple[float, float]] = {}  # client -> (worker-seconds, as of)
        self.waiting: list[tuple[str, int]] = []
        self._seq = 0

    def _usage(self, client: str, now: float) -> float:
        used, at = self.usage.get(client, (0.0, now))
        return used * math.exp(-(now - at) / self.decay) + sum(now - t for t in self.started.get(client, ()))

    def _may_start(self, client: str, now: float) -> bool:
        running = len(self.started.get(client, ()))
        if self.free <= 0 or running >= self.per_client:
            return False
        if self.size >= 2 and self.free == 1:  # the reserved worker
            return running == 0 and self._usage(client, now) < self.heavy_seconds
        return True

    def _next(self, now: float) -> tuple[str, int] | None:
        eligible = [w for w in self.waiting if self._may_start(w[0], now)]
        if not eligible:
            return None
        return min(eligible, key=lambda w: (len(self.started.get(w[0], ())), self._usage(w[0], now), w[1]))

    def acquire(self, client: str) -> tuple[str, float]:
        with self.cond:
            mine = sum(1 for c, _ in self.waiting if c == client)
            if len(self.waiting) >= self.max_waiting or mine >= max(1, self.max_waiting // 2):
                raise Busy("the server is busy: too many queries are waiting; try again later")
            self._seq += 1
            me = (client, self._seq)
            self.waiting.append(me)
            deadline = time.monotonic() + self.queue_timeout
            try:
                while True:
                    now = time.monotonic()
                    if self._next(now) == me:
                        break
                    if now >= deadline:
                        raise Busy(f"the server is busy: no worker was free for this client within "
                                   f"{self.queue_timeout:g} s")
                    self.cond.wait(min(deadline - now, 1.0))  # usage decays: look again now and then
            finally:
                self.waiting.remove(me)
                self.cond.notify_all()
            self.free -= 1
            self.started.setdefault(client, []).append(now)
            return client, now

    def release(self, token: tuple[str, float]) -> None:
        client, start = token
        with self.cond:
            now = time.monotonic()
            runs = self.started.get(client, [])
            runs.remove(start)
            if not runs:
                self.started.pop(client, None)
            self.usage[client] = (self._usage(client, now) + (now - start), now)
            self.free += 1
            if len(self.usage) > 1000:  # forget clients whose usage has decayed away
                for c in [c for c in self.usage if c not in self.started and self._usage(c, now) < 0.01]:
                    del self.usage[c]
            self.cond.notify_all()


class Pool:
    """Worker processes over the current snapshot; swapped as a whole on refresh."""

    def __init__(self, size: int, workdir: Path, max_memory: int | None = None,
                 scheduler: Scheduler | None = None) -> None:
        self.size = size
        self.workdir = workdir
        self.max_memory = max_memory
        self.scheduler = scheduler or Scheduler(size)
        self.lock = threading.Lock()
        self.generation = 0
        self.idle: Queue[_Worker] = Queue()
        self.snapshots: dict[int, Path] = {}
        self.alive: dict[int, int] = {}
        self._spawned = 0

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
            self._spawned += 1
            log = self.workdir / f"worker-{self._spawned}.log"
        return _Worker(snapshot, gen, self.max_memory, log)

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

    def _take(self, wait: float) -> _Worker:
        deadline = time.monotonic() + wait
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                raise Busy(f"the server is busy: no worker was ready within {wait:g} s") from None
            if worker.generation == self.generation:
                return worker
            self._retire(worker)  # it serves an older snapshot

    def run(self, message: tuple, timeout: float, client: str = ""):
        """The worker's answer (status, content type, body, headers) for `client`'s query;
        QueryTimeout when it runs longer than `timeout` seconds, Busy when it waited too long."""
        token = self.scheduler.acquire(client)
        try:
            return self._run(message, timeout)
        finally:
            self.scheduler.release(token)

    def _run(self, message: tuple, timeout: float):
        worker = self._take(max(timeout, 10.0))
        try:
            worker.send(message)
            if worker.poll(timeout):  # the time limit counts from the start of the query
                answer = worker.recv()
            else:
                answer = None
        except (OSError, EOFError):
            answer = False
        if answer is None or answer is False:
            # too slow (or the worker died): kill it, so the query stops using the CPU, and put a
            # fresh one in its place before this query's slot is given back
            died = self._death(worker) if answer is False else None
            self._retire(worker, kill=True)
            self._replace(worker.generation)
            if died is None:
                raise QueryTimeout(f"the query took longer than the time limit of {timeout:g} s and was stopped")
            return died
        *answer, retire = answer
        if retire:
            self._retire(worker)
            self._replace(worker.generation)
        elif worker.generation == self.generation:
            self.idle.put(worker)
        else:
            self._retire(worker)
        return tuple(answer)

    def _death(self, worker: _Worker):
        """The answer for a query whose worker died under it."""
        try:
            code = worker.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        cause = worker.cause_of_death()
        if self.max_memory and ("memory allocation" in cause or "bad_alloc" in cause or "MemoryError" in cause):
            return 503, "text/plain; charset=utf-8", _memory_message(self.max_memory).encode(), {"Retry-After": "10"}
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return 500, "text/plain; charset=utf-8", f"the query worker died ({how}); it was replaced".encode(), {}

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

ASSETS = {"yasgui.min.js": "text/javascript; charset=utf-8", "yasgui.min.css": "text/css; charset=utf-8",
          "query-page.js": "text/javascript; charset=utf-8"}  # served under /assets/


def _assets_dir() -> Path:
    return Path(__file__).resolve().parent / "serve_assets"


def _page_data() -> dict:
    """What the page's script needs: each canned query with its parameters, and the prefixes
    results are shown with (kg:Lender, id:…)."""
    from kg.iri import PREFIXES
    from kg.query import canned_queries

    queries = [{"name": q.name, "title": q.title, "text": q.sparql(),
                "params": [{"name": p.name, "type": p.type, "description": p.description,
                            "allowed": list(p.allowed)} for p in q.params]}
               for q in canned_queries().values()]
    return {"queries": queries, "prefixes": PREFIXES}


def canned_text(name: str, params: dict[str, list[str]]) -> str:
    """The canned query `name` with these values bound, as `kg query -p` runs it: optional lines
    kept for bound parameters, values checked and written as escaped RDF terms in a VALUES block.
    An empty value binds nothing. QueryError for an unknown query, parameter or value."""
    from kg.errors import QueryError
    from kg.query import bindings, canned_queries
    from kg.store_base import inject_values

    query = canned_queries().get(name)
    if query is None:
        raise QueryError(f"no canned query {name!r} (canned queries: {', '.join(canned_queries())})")
    if any(len(values) != 1 for values in params.values()):
        raise QueryError("give each parameter once")
    bound = bindings(query, {k: v[0].strip() for k, v in params.items() if v[0].strip()})
    return inject_values(query.sparql(bound), bound)


def page_html(timeout: float, max_rows: int) -> bytes:
    data = json.dumps(_page_data(), ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" in it
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
 #kg-params {{ display: flex; flex-wrap: wrap; gap: .4em 1em; align-items: center; padding: .5em 1em;
              background: #eef2f6; font-size: 13px; }}
 #kg-params[hidden] {{ display: none; }}
 #kg-params label {{ display: inline-flex; gap: .3em; align-items: center; }}
 #kg-params input[type=text] {{ width: 16em; }}
 #kg-params-status {{ color: #a40000; }}
</style>
</head>
<body>
<header>fintech-kg — read-only SPARQL endpoint <code>/sparql</code> · time limit {timeout:g} s ·
results truncated to {max_rows:,} rows · one tab per canned query; its parameters above it (empty: not bound)</header>
<form id="kg-params" autocomplete="off"><span id="kg-params-fields"></span>
<button type="submit" id="kg-params-run" title="write the canned query with these values into the tab and run it">Run</button>
<output id="kg-params-status" role="status"></output></form>
<div id="yasgui"></div>
<script id="kg-page-data" type="application/json">{data}</script>
<script src="/assets/query-page.js"></script>
</body>
</html>
""".encode("utf-8")


_LOOPBACK_HOSTS = re.compile(r"^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$", re.IGNORECASE)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


class _Handler(BaseHTTPRequestHandler):
    server: KgHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    def setup(self) -> None:
        self.timeout = self.server.app.socket_timeout  # every read and write on the socket
        super().setup()

    def log_message(self, fmt: str, *args) -> None:  # `kg serve --verbose`: to the kg.serve logger
        if self.server.app.verbose:
            log.info("%s - %s", self.address_string(), fmt % args)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def _refuse(self, status: int, message: str) -> None:
        """An answer sent before the request body was read: the connection cannot carry another."""
        self.close_connection = True
        self._text(status, message)

    # --- who may ask -------------------------------------------------------------------------

    def _foreign(self) -> str | None:
        """Why this request must be refused as coming from another site (None: it may go on).

        A web page on another site can make the researcher's browser send requests here (a form
        POST, fetch, an <img>): POST is accepted only from this server's own pages or from clients
        that are no browser (no Origin, no Sec-Fetch-Site: curl, SPARQLWrapper, kg); a query by
        GET is refused when a browser says it comes from another site and is not a navigation
        (a link the user follows still works). Bound to loopback, the Host must be a loopback
        name too, so a DNS-rebinding page cannot pass for this server's own origin."""
        host = (self.headers.get("Host") or "").strip()
        if self.server.app.loopback and host and not _LOOPBACK_HOSTS.match(host):
            return f"this endpoint answers requests addressed to 127.0.0.1 or localhost, not {host!r}"
        site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
        origin = self.headers.get("Origin")
        own = f"http://{host}".lower()
        if self.command == "POST":
            if site and site not in ("same-origin", "none"):
                return f"cross-site request refused (Sec-Fetch-Site: {site})"
            if origin is not None and origin.strip().lower() != own:
                return f"cross-origin request refused (Origin: {origin.strip()[:100]})"
            return None
        mode = (self.headers.get("Sec-Fetch-Mode") or "").strip().lower()
        if site in ("cross-site", "same-site") and mode != "navigate":
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        if origin is not None and origin.strip().lower() != own:
            return f"cross-origin request refused (Origin: {origin.strip()[:100]})"
        return None

    # --- methods -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        app = self.server.app
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", app.page)
        if url.path.startswith("/assets/") and url.path[len("/assets/"):] in ASSETS:
            name = url.path[len("/assets/"):]
            return self._send(200, ASSETS[name], app.asset(name), {"Cache-Control": "max-age=3600"})
        if url.path.startswith("/canned/"):
            return self._canned(urllib.parse.unquote(url.path[len("/canned/"):]), url.query)
        if url.path == "/favicon.ico":
            return self._send(204, "text/plain", b"")
        if url.path in ("/sparql", "/query"):
            reason = self._foreign()
            if reason:
                return self._text(403, reason)
            try:
                params = _parse_params(url.query)
            except ValueError as exc:
                return self._text(400, str(exc))
            if "update" in params:
                return self._text(403, READ_ONLY_MESSAGE)
            return self._query(params)
        if url.path == "/update":
            return self._text(403, READ_ONLY_MESSAGE)
        return self._text(404, f"no such page: {url.path} (the endpoint is /sparql, the query page /)")

    do_HEAD = do_GET

    def _canned(self, name: str, query: str) -> None:
        """The text of a canned query with the parameters given (for the query page's form)."""
        from kg.errors import QueryError

        reason = self._foreign()
        if reason:
            return self._text(403, reason)
        try:
            text = canned_text(name, _parse_params(query))
        except (ValueError, QueryError) as exc:
            return self._text(400, str(exc))
        self._send(200, "application/json; charset=utf-8", json.dumps({"query": text}, ensure_ascii=False).encode())

    def _body_length(self) -> int | str:
        """The declared body length, or why the headers are refused."""
        if self.headers.get("Transfer-Encoding") is not None:
            return "chunked request bodies are not accepted: send Content-Length"
        values = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not values:
            return 0
        if len(values) > 1:
            return "conflicting Content-Length headers"
        (raw,) = values
        if not re.fullmatch(r"[0-9]{1,15}", raw):
            return f"malformed Content-Length header: {raw[:40]!r}"
        return int(raw)

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        app = self.server.app
        length = self._body_length()
        if isinstance(length, str):
            return self._refuse(400, length)
        if length > app.max_body:
            return self._refuse(413, f"the request body is larger than {app.max_body:,} bytes")
        reason = self._foreign()
        if reason:
            return self._refuse(403, reason)
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            return self._refuse(408, f"the request body did not arrive within {app.socket_timeout:g} s")
        if len(body) < length:
            self.close_connection = True
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if url.path == "/update" or ctype == "application/sparql-update":
            return self._text(403, READ_ONLY_MESSAGE)
        if url.path not in ("/sparql", "/query"):
            return self._text(404, f"no such endpoint: {url.path} (the endpoint is /sparql)")
        try:
            params = _parse_params(url.query)
            if ctype == "application/x-www-form-urlencoded":
                form = _parse_params(body.decode("utf-8"))
                if "update" in form:
                    return self._text(403, READ_ONLY_MESSAGE)
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                params["query"] = [body.decode("utf-8")]
            else:
                return self._text(415, "send the query as application/sparql-query or a form field `query=` "
                                       "(application/x-www-form-urlencoded)")
        except (ValueError, UnicodeDecodeError) as exc:
            return self._text(400, f"malformed request: {exc}")
        return self._query(params)

    def do_PUT(self) -> None:
        self._refuse(403, READ_ONLY_MESSAGE)

    do_DELETE = do_PATCH = do_PUT

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            return self._text(400, "give exactly one SPARQL query in the `query` parameter")
        query = queries[0]
        if _UPDATE.match(query):
            return self._text(403, READ_ONLY_MESSAGE)
        app = self.server.app
        try:
            check(query, app.max_query_chars, app.max_depth)
        except QueryRefused as exc:
            return self._text(exc.status, str(exc))
        graphs = {}
        for name in ("default-graph-uri", "named-graph-uri"):
            values = params.get(name) or []
            if len(values) > 100:
                return self._text(400, f"at most 100 {name} parameters")
            for value in values:
                try:
                    ox.NamedNode(value)
                except ValueError as exc:
                    return self._text(400, f"{name} must be an absolute IRI, not {value[:200]!r} ({exc})")
            graphs[name] = values or None
        accept = parse_accept(self.headers.get("Accept"))
        message = (query, accept, app.max_rows, graphs["default-graph-uri"], graphs["named-graph-uri"])
        try:
            status, ctype, body, headers = app.pool.run(message, app.timeout, self.client_address[0])
        except QueryTimeout as exc:
            return self._text(503, str(exc), {"Retry-After": "10"})
        except Busy as exc:
            return self._text(503, str(exc), {"Retry-After": "5"})
        self._send(status, ctype, body, headers)


def _parse_params(text: str) -> dict[str, list[str]]:
    """URL-encoded parameters; ValueError for bytes that are not UTF-8 or too many fields."""
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except UnicodeDecodeError as exc:
        raise ValueError(f"a parameter is not UTF-8 text ({exc.reason})") from None
    except ValueError as exc:
        raise ValueError(f"malformed parameters: {exc}") from None


_BUSY_CONNECTIONS = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     b"Retry-After: 5\r\nConnection: close\r\nContent-Length: 44\r\n\r\n"
                     b"too many open connections; try again later\r\n")


class KgHTTPServer(ThreadingHTTPServer):
    """One thread per connection, at most `max_connections` of them (half of them from one
    address); past that a connection gets a 503 and is closed at once."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 resets connections under 20 concurrent clients
    app: KgServer

    def server_activate(self) -> None:
        self._conn_lock = threading.Lock()
        self._connections: dict[str, int] = {}
        super().server_activate()

    def process_request(self, request, client_address) -> None:
        address = client_address[0]
        limit = self.app.max_connections
        with self._conn_lock:
            total = sum(self._connections.values())
            mine = self._connections.get(address, 0)
            refused = total >= limit or mine >= max(1, limit // 2)
            if not refused:
                self._connections[address] = mine + 1
        if refused:
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY_CONNECTIONS)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._forget(address)
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._forget(client_address[0])

    def _forget(self, address: str) -> None:
        with self._conn_lock:
            n = self._connections.get(address, 0) - 1
            if n > 0:
                self._connections[address] = n
            else:
                self._connections.pop(address, None)

    def handle_error(self, request, client_address) -> None:  # logged, never printed
        log.debug("error while answering %s", client_address, exc_info=True)


class KgServer:
    """The endpoint: `.url`, `.serve_forever()` (blocking; run it in a thread in tests), `.shutdown()`;
    `.warnings` lists what the caller should tell the user (the library prints nothing)."""

    def __init__(self, location: Path, host: str, port: int, timeout: float, max_rows: int,
                 workers: int, refresh: float, verbose: bool = False, *,
                 max_memory: int | None = DEFAULT_MAX_MEMORY, max_query_chars: int = MAX_QUERY_CHARS,
                 max_depth: int = MAX_DEPTH, max_per_client: int | None = None, queue_timeout: float = 10.0,
                 socket_timeout: float = 20.0, max_connections: int = 128) -> None:
        from kg.errors import StoreError

        if timeout <= 0 or max_rows <= 0 or workers <= 0:
            raise StoreError("timeout, max_rows and workers must be positive")
        if max_memory and max_memory < MIN_MEMORY:
            raise StoreError(f"--max-memory must be at least {MIN_MEMORY} MB (a worker needs about 80 MB to start), "
                             "or 0 for no limit")
        if (max_memory is not None and max_memory < 0) or max_query_chars <= 0 or max_depth <= 0 \
                or queue_timeout <= 0 or socket_timeout <= 0 or max_connections <= 0:
            raise StoreError("the memory, query size, depth, queue, socket and connection limits must be positive")
        self.location = location
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.refresh = refresh
        self.verbose = verbose
        self.max_memory = max_memory or None
        self.max_query_chars = int(max_query_chars)
        self.max_depth = int(max_depth)
        self.max_body = max(MAX_BODY, 9 * self.max_query_chars)  # percent-encoded UTF-8: 9 bytes a character
        self.socket_timeout = float(socket_timeout)
        self.max_connections = int(max_connections)
        self.loopback = is_loopback(host)
        self.warnings: list[str] = []
        if not self.loopback:
            self.warnings.append(
                f"kg serve listens on {host}, not on a loopback address: anyone who can reach this machine "
                "can query the graph (read-only, within the limits). Use --host 127.0.0.1 unless you mean it.")
        if not sandbox.available():
            self.warnings.append("seccomp is not available here: SERVICE is refused by the query text check "
                                 "only, not by the query workers' sandbox")
        self._workdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        self.snapshots = Snapshots(location, self._workdir)
        self.pool = Pool(workers, self._workdir, self.max_memory,
                         Scheduler(workers, max_per_client, queue_timeout))
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
            self.httpd.app = self
        except BaseException:
            self.pool.close()
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.refreshed = 0  # snapshots taken after the first
        self._watcher = threading.Thread(target=self._watch, name="kg-serve-refresh", daemon=True)
        self._watcher.start()

    def banner(self) -> str:
        memory = f"{self.max_memory} MB per worker" if self.max_memory else "no memory limit"
        return (f"kg serve: SPARQL endpoint {self.url}/sparql, query page {self.url}/ (read-only; time limit "
                f"{self.timeout:g} s; at most {self.max_rows} rows; {memory}). Ctrl-C stops.")

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
        self._serving = True
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self._stop.set()
        if getattr(self, "_serving", False):  # httpd.shutdown() waits for a loop that never ran
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
                verbose: bool = False, **limits) -> KgServer:
    """An endpoint over the store at `source` (Settings or a store folder); port 0 picks a free one.
    `limits`: max_memory (MB per worker, 0 or None: none), max_query_chars, max_depth,
    max_per_client, queue_timeout, socket_timeout, max_connections (see KgServer)."""
    workers = workers or max(2, min(4, os.cpu_count() or 2))
    return KgServer(_location(source), host, port, timeout, max_rows, workers, refresh, verbose, **limits)


def run(server: KgServer, ready=None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the workers and remove the snapshots.
    `ready()` is called once SIGTERM is handled (the CLI prints its banner there)."""
    import signal

    def _terminate(signum, frame):  # SIGTERM stops like Ctrl-C: workers and snapshots are cleaned up
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        if ready is not None:
            ready()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def serve(settings_or_store_location, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          timeout: float = 30.0, max_rows: int = 10000, workers: int | None = None,
          refresh: float = 2.0, verbose: bool = False, **limits) -> None:
    """Serve until interrupted (the CLI prints the banner and warnings: see KgServer)."""
    run(make_server(settings_or_store_location, host, port, timeout, max_rows, workers, refresh, verbose, **limits))


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else None)
    else:
        sys.exit("usage: python -m kg.serve --worker SNAPSHOT [MAX_MEMORY_MB] (internal: use `kg serve`)")
