"""SPARQL from a string, a file or a canned query shipped with the package; parameters are bound
as RDF terms (never pasted into the query text); results as a table, CSV, TSV, JSON or Turtle."""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg import sparql_json
from kg.iri import PREFIXES
from kg.errors import QueryError
from kg.sparql_guard import check
from kg.store import QueryResult, Store, Table

# name: a label as written, in any language ("X"@zh, "X"@en or "X"), bound as the label itself so
# that the store looks the entity up by its label instead of comparing every label with a filter
PARAM_TYPES = ("string", "name", "iri", "integer", "decimal", "date")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str

    @property
    def allowed(self) -> tuple[str, ...]:
        """The values a header declares as "one of A, B, C" (empty: any value of the type)."""
        m = _ONE_OF.search(self.description)
        return tuple(v.strip() for v in m.group(1).split(",")) if m else ()

    def checked(self, value: str) -> str:
        """The value, or the one allowed value it names ignoring case; else a QueryError listing them."""
        if not self.allowed or value in self.allowed:
            return value
        folded = [v for v in self.allowed if v.lower() == value.lower()]
        if len(folded) == 1:
            return folded[0]
        raise QueryError(f"{value!r} is not a value of parameter {self.name}: choose one of {', '.join(self.allowed)}")


_ONE_OF = re.compile(r"\bone of ([\w-]+(?:, [\w-]+)+)")


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def sparql(self, bound: Iterable[str] = ()) -> str:
        """The query to send when these parameters are bound (see specialise)."""
        return specialise(self.text, set(bound))


def _parse_header(name: str, text: str) -> CannedQuery:
    title, description, params = name, "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        key, _, value = body.partition(":")
        if key == "title":
            title = value.strip()
        elif key == "description":
            description = value.strip()
        elif key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_TYPES:
                raise QueryError(f"canned query {name}: bad param line {line!r}")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return CannedQuery(name, title, description, tuple(params), text)


def canned_queries() -> dict[str, CannedQuery]:
    folder = files("kg.queries")
    out = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".rq"):
            name = path.name[:-3]
            out[name] = _parse_header(name, path.read_text(encoding="utf-8"))
    return out


def resolve(query: str) -> CannedQuery:
    """A canned query's name, a path to a .rq file, or SPARQL text."""
    canned = canned_queries()
    if query in canned:
        return canned[query]
    if re.fullmatch(r"[\w./\\-]+\.(rq|sparql)", query.strip()):
        path = Path(query.strip())
        if not path.is_file():
            raise QueryError(f"no query file {path}")
        return _parse_header(path.stem, path.read_text(encoding="utf-8"))
    if not re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", query, re.IGNORECASE):
        close = difflib.get_close_matches(query.strip(), list(canned), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise QueryError(f"{query!r} is neither SPARQL, a .rq file, nor a canned query: {hint}"
                         f"(canned queries: {', '.join(canned)})")
    return _parse_header("query", query)


def to_term(value: str, type_: str = "string") -> Node | tuple[Node, ...]:
    """A parameter value as an RDF term: <...> or http(s) IRIs, typed literals, else a string."""
    if type_ == "iri" or (value.startswith("<") and value.endswith(">")):
        value = value.strip("<>")
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
            raise QueryError(f"{value!r} is not an IRI")
        return URIRef(value)
    if type_ == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"{value!r} is not an integer")
        return Literal(int(value))
    if type_ == "decimal":
        try:
            return Literal(Decimal(value), datatype=XSD.decimal)
        except InvalidOperation as exc:
            raise QueryError(f"{value!r} is not a number") from exc
    if type_ == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryError(f"{value!r} is not a date (YYYY-MM-DD)")
        return Literal(value, datatype=XSD.date)
    if type_ == "name":
        return Literal(value, lang="zh"), Literal(value, lang="en"), Literal(value)
    return Literal(value)


def bindings(query: CannedQuery, params: dict[str, str]) -> dict[str, Node | tuple[Node, ...]]:
    declared = {p.name: p for p in query.params}
    out: dict[str, Node | tuple[Node, ...]] = {}
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}")
        if declared and name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name} has no parameter {name!r} (parameters: {known})")
        if name in declared:
            value = declared[name].checked(value)
        out[name] = to_term(value, declared[name].type if name in declared else "string")
    return out


_CONDITIONAL = re.compile(r"^(?P<line>.*?)\s*#(?P<mark>[?!])\s*(?P<param>[A-Za-z_][A-Za-z0-9_]*(?:\|[A-Za-z_][A-Za-z0-9_]*)*)\s*$")


def specialise(text: str, bound: set[str]) -> str:
    """Keep a line marked `#? name` only when parameter `name` is bound (`#? a|b`: when either is),
    and a line marked `#! name` only when it is not: an optional filter then costs nothing when it
    is not asked for (no label scan), a costly part is read only when asked for, and a query can
    take another route when a parameter narrows it (`#! a #? b`: a unbound and b bound). Lines are
    dropped, never written."""
    out = []
    for line in text.splitlines():
        keep, m = True, _CONDITIONAL.match(line)
        while m is not None:  # several marks on a line: all must hold
            keep &= bool(bound & set(m.group("param").split("|"))) == (m.group("mark") == "?")
            line = m.group("line")
            m = _CONDITIONAL.match(line)
        if keep:
            out.append(line)
    return "\n".join(out)


def run(store: Store, query: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a user's query (kg query, kg viz --query) on any store. SERVICE and queries nested too
    deep for the parser are refused (QueryRefused) before they reach any engine."""
    q = resolve(query)
    bound = bindings(q, params or {})
    text = q.sparql(bound)
    check(text, max_chars=None)
    return store.query(text, bound)


# --- output ---------------------------------------------------------------------------------

def cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.double, XSD.float):
        d = Decimal(str(term))
        return format(d.normalize(), "f") if d == d.to_integral_value() else str(term)
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(table: Table, max_width: int = 60) -> str:
    def clip(t: str) -> str:
        t = t.replace("\n", " ")
        while _width(t) > max_width:
            t = t[:-2] + "…"
        return t

    rows = [[clip(cell(v)) for v in row] for row in table.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in rows]) for i, v in enumerate(table.variables)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(table.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    if isinstance(result, bool):
        if fmt == "json":
            return sparql_json.encode_boolean(result)
        return "true" if result else "false"
    if isinstance(result, Graph):
        rdf_formats = {"turtle": "turtle", "table": "turtle", "nt": "nt", "ntriples": "nt", "json": "json-ld",
                       "jsonld": "json-ld"}
        if fmt not in rdf_formats:
            raise QueryError(f"a CONSTRUCT result can be written as turtle, nt or jsonld, not {fmt}")
        for prefix, namespace in PREFIXES.items():
            result.bind(prefix, namespace, override=True)
        return result.serialize(format=rdf_formats[fmt])
    if fmt == "table":
        return format_table(result)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([cell(v) for v in row] for row in result.rows)
        return buf.getvalue().rstrip("\n")
    if fmt == "json":
        return sparql_json.encode_solutions(result.variables, result.rows, indent=1)
    raise QueryError(f"a SELECT result can be written as table, csv, tsv or json, not {fmt} "
                     "(turtle, nt and jsonld are for CONSTRUCT and DESCRIBE)")
