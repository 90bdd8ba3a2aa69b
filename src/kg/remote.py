"""A store on any SPARQL 1.1 server, over plain HTTP (standard library only).

- Queries: SPARQL 1.1 Protocol, `POST <query endpoint>` with `application/sparql-query`, asking for
  SPARQL JSON results (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE).
- Parameters: SPARQL 1.1 has no binding protocol, so a `VALUES` block of properly serialised RDF
  terms (rdflib's `n3()`, never raw text) is injected at the start of the outermost WHERE group.
  The bound variables are then in scope for every FILTER of that group, as with Oxigraph's
  substitutions in the embedded store (`FILTER(!BOUND(?x) || …)` parameters keep working).
- The server must show the union of the named graphs as the default graph: Oxigraph
  `serve --union-default-graph`; Fuseki `tdb2:unionDefaultGraph true`; GraphDB's default graph
  already is the union of all graphs; Virtuoso queries all graphs when no FROM is given.
- `replace_graph`: Graph Store HTTP Protocol `PUT <gsp endpoint>?graph=<iri>` with an N-Triples
  body: one request that says exactly "replace this graph", that Oxigraph and Fuseki (TDB2) run
  as one transaction (a rejected body leaves the old graph untouched), and that needs no SPARQL
  parsing of a large INSERT DATA text. Servers without a Graph Store endpoint: pass
  `gsp_endpoint=""` and the store sends one SPARQL Update request
  `DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }` instead.
- Every failure (refused connection, timeout, HTTP 4xx/5xx) is a StoreError naming the server,
  the HTTP status and the server's own message, trimmed; a malformed query is a QueryError too.
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kg import sparql_json
from kg.iri import PREFIXES
from kg.errors import QueryError, StoreError
from kg.store_base import (
    XSD_STRING, Bindings, QueryResult, Store, Table, inject_values, ntriples, to_oxigraph,
)

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_ACCEPT = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8"
_MAX_MESSAGE = 300


class RemoteQueryError(QueryError, StoreError):
    """The server refused a query as malformed (HTTP 400 from the query endpoint)."""


# --- reading results ---------------------------------------------------------------------------

def parse_sparql_json(data: bytes) -> Table | bool:
    decoded = sparql_json.decode_results(data)
    return decoded if isinstance(decoded, bool) else Table(*decoded)


def _rdflib_graph(data: bytes, content_type: str) -> Graph:
    fmt = "turtle" if "turtle" in content_type else "nt"
    g = Graph()
    g.parse(data=data.decode("utf-8"), format=fmt)
    # rdflib gives xsd:string literals a datatype; the embedded store gives plain ones
    for s, p, o in list(g):
        if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) == XSD_STRING:
            g.remove((s, p, o))
            g.add((s, p, Literal(str(o))))
    return g


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "…"


class RemoteStore(Store):
    """A SPARQL 1.1 server. `url` is a base such as http://127.0.0.1:7878 (Oxigraph layout:
    /query, /update, /store) or the query endpoint itself; each endpoint can be given instead."""

    def __init__(self, url: str, query_endpoint: str | None = None, update_endpoint: str | None = None,
                 gsp_endpoint: str | None = None, timeout: float = 30) -> None:
        base = url.rstrip("/")
        if not re.match(r"^https?://[^/?#]+", base):
            raise StoreError(f"{url!r} is not an http(s) URL of a SPARQL server")
        if "?" in base or "#" in base:
            raise StoreError(f"give the SPARQL server URL without a query string: {url!r}")
        for suffix in ("/query", "/sparql"):
            if base.endswith(suffix) and query_endpoint is None:
                query_endpoint, base = base, base[: -len(suffix)]
                break
        self.location = url
        self.base = base
        self.query_endpoint = query_endpoint or f"{base}/query"
        self.update_endpoint = update_endpoint or f"{base}/update"
        self.gsp_endpoint = f"{base}/store" if gsp_endpoint is None else gsp_endpoint
        self.timeout = timeout

    # --- HTTP ---------------------------------------------------------------------------------

    def _request(self, method: str, endpoint: str, what: str, *, body: bytes | None = None,
                 content_type: str | None = None, accept: str | None = None,
                 params: Mapping[str, str] | None = None, ok_404: bool = False) -> tuple[int, str, bytes]:
        target = endpoint + ("?" + urllib.parse.urlencode(params) if params else "")
        headers = {"User-Agent": "fintech-kg"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(target, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            if ok_404 and exc.code == 404:
                return 404, "", b""
            try:
                text = exc.read().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            message = (f"the SPARQL server at {endpoint} answered HTTP {exc.code} {exc.reason} to {what}"
                       + (f": {_trim(text)}" if text.strip() else ""))
            if exc.code == 400 and endpoint == self.query_endpoint:
                raise RemoteQueryError(message) from None
            raise StoreError(message) from None
        except (TimeoutError, socket.timeout) as exc:
            raise StoreError(f"the SPARQL server at {endpoint} did not answer {what} within "
                             f"{self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise StoreError(f"the SPARQL server at {endpoint} did not answer {what} within "
                                 f"{self.timeout:g} s") from exc
            raise StoreError(f"cannot reach the SPARQL server at {endpoint} ({what}): {reason}. "
                             "Is it running?") from exc
        except (ConnectionError, OSError) as exc:
            raise StoreError(f"connection to the SPARQL server at {endpoint} failed during {what}: {exc}") from exc

    def _update(self, sparql_update: str, what: str) -> None:
        self._request("POST", self.update_endpoint, what, body=sparql_update.encode("utf-8"),
                      content_type="application/sparql-update; charset=utf-8")

    # --- Store --------------------------------------------------------------------------------

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        text = inject_values(sparql, bindings)
        _, ctype, data = self._request("POST", self.query_endpoint, "a query", body=text.encode("utf-8"),
                                       content_type="application/sparql-query; charset=utf-8", accept=_ACCEPT)
        ctype = ctype.lower()
        try:
            if "json" in ctype and "ld+json" not in ctype:
                return parse_sparql_json(data)
            if "n-triples" in ctype or "turtle" in ctype or "text/plain" in ctype:
                return _rdflib_graph(data, ctype)
        except (ValueError, KeyError, SyntaxError) as exc:
            raise StoreError(f"cannot read the answer of {self.query_endpoint} ({ctype}): {exc}") from exc
        raise StoreError(f"{self.query_endpoint} answered with an unsupported content type {ctype!r}")

    def update(self, sparql_update: str) -> None:
        self._update(sparql_update, "an update")

    def replace_graph(self, graph: str, triples: Graph) -> None:
        g = ox.NamedNode(graph)
        try:
            data = ntriples(triples)
        except Exception as exc:  # rdflib refuses e.g. IRIs with spaces: nothing was sent
            raise StoreError(f"cannot serialise graph {graph} for {self.base}: {exc}") from exc
        if self.gsp_endpoint:
            self._request("PUT", self.gsp_endpoint, f"replacing graph {graph}", body=data.encode("utf-8"),
                          content_type="application/n-triples", params={"graph": graph})
        else:
            self._update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{data}\n}} }}",
                         f"replacing graph {graph}")

    def drop_graph(self, graph: str) -> None:
        self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", f"dropping graph {graph}")

    def graph_names(self) -> list[str]:
        # `GRAPH ?g {}` lists the named graphs without scanning their triples
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return sorted(str(g) for (g,) in table.rows if isinstance(g, URIRef))

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
                   "ntriples": ox.RdfFormat.N_TRIPLES}
        if fmt not in formats:
            raise StoreError(f"unknown export format {fmt!r}: choose one of {', '.join(formats)}")
        # a SELECT over GRAPH ?g works on every server (Graph Store GET of a whole dataset does not)
        if graph is None:
            if fmt in ("turtle", "ntriples"):
                raise StoreError(f"a whole dataset cannot be written as {fmt}: choose trig or nquads")
            table = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            table = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
            if not table.rows:
                raise StoreError(f"no graph {graph} in the store")
        if fmt in ("turtle", "ntriples"):
            items = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o, _ in table.rows]
        else:
            items = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g)) for s, p, o, g in table.rows]
        prefixes = PREFIXES if fmt in ("trig", "turtle") else None
        return ox.serialize(items, format=formats[fmt], prefixes=prefixes) or b""

    def close(self) -> None:
        pass
