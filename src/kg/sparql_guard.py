"""Checks made on a query's text before any engine parses it: size, nesting depth, SERVICE.

- Size and nesting depth: pyoxigraph's parser recurses once per nested group, bracket or
  parenthesis, and 5,000 nested `{` overflow its stack (a segfault, not an error). The depth
  counts `{`, `(` and `[` outside strings and comments, also inside `<…>` (a `<` may be a
  comparison, not an IRI, so brackets there are counted too).
- SERVICE: every SERVICE keyword the tokenizer sees is refused, with a clear message. The
  tokenizer follows Oxigraph's lexical rules (a `#` comment ends at `\\n` *or* `\\r`; strings
  end at either; IRIs may hold `\\u` escapes; keywords in any case), but a scanner is not the
  engine's parser: SPARQL tokens depend on context (`FILTER(1<2)SERVICE:x#>` reads as an IRI
  here and as a SERVICE clause to Oxigraph). That is why the guarantee is `kg.sandbox`: the
  engine runs where it cannot open a socket. This check only makes the refusal clear and early.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

MAX_QUERY_CHARS = 100_000
MAX_DEPTH = 64

# Oxigraph's lexical rules (spargebra's grammar): comments and one-line strings end at \r or \n
TOKEN = re.compile(
    r'''(?P<comment>\#[^\r\n]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!\'\'))*\'\'\'
                   |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
      | (?P<iri><(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
      | (?P<var>[?$][^\W]\w*)
      | (?P<word>[^\W\d]\w*)
      | (?P<open>\{) | (?P<close>\})
      | (?P<other>.)''',
    re.VERBOSE | re.DOTALL,
)
_OPENERS = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
_BRACKETS = re.compile(r"[{}()\[\]]")

SERVICE_MESSAGE = ("federated queries (SERVICE) are disabled: queries here make no outgoing "
                   "requests")


class QueryRefused(QueryError):
    """A query refused before it runs; `status` is the HTTP status the endpoint answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def tokens(query: str):
    return TOKEN.finditer(query)


def depth(query: str) -> int:
    """The deepest nesting of `{`, `(` and `[` outside strings and comments."""
    level = deepest = 0
    for m in TOKEN.finditer(query):
        kind = m.lastgroup
        if kind in ("comment", "string"):
            continue
        text = m.group()
        for ch in (_BRACKETS.findall(text) if kind == "iri" else (text,)):
            step = _OPENERS.get(ch, 0)
            if step:
                level = max(0, level + step)
                deepest = max(deepest, level)
    return deepest


def uses_service(query: str) -> bool:
    """Whether the tokenizer sees a SERVICE keyword (any case), as opposed to `?service`,
    `ex:service`, `"SERVICE"` or `<…/SERVICE>`. `SERVICE:x` is a SERVICE clause to Oxigraph."""
    for m in TOKEN.finditer(query):
        if m.lastgroup == "word" and m.group().upper() == "SERVICE":
            before = query[m.start() - 1:m.start()] if m.start() else ""
            if before not in (":", "@"):
                return True
    return False


def check(query: str, max_chars: int | None = MAX_QUERY_CHARS, max_depth: int = MAX_DEPTH) -> None:
    """Raise QueryRefused (status 400 or 403) for a query that must not reach the engine
    (max_chars None: no size limit)."""
    if max_chars is not None and len(query) > max_chars:
        raise QueryRefused(f"the query is {len(query):,} characters long; the limit is {max_chars:,}", 400)
    found = depth(query)
    if found > max_depth:
        raise QueryRefused(f"the query nests groups, brackets or parentheses {found} deep; "
                           f"the limit is {max_depth}", 400)
    if uses_service(query):
        raise QueryRefused(SERVICE_MESSAGE, 403)
