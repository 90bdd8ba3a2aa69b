"""All escaping of kg.render lives here.

Every string that reaches a page comes from news articles and is untrusted. The rules:

* text in HTML (element content and quoted attribute values) goes through :func:`esc`;
* data for the page's JavaScript goes through :func:`json_for_script` into a
  ``<script type="application/json">`` block and is only ever put into the DOM as text
  (``textContent``) by the page code;
* links go through :func:`safe_href`, which accepts relative references only;
* templates are rendered by :func:`render`, which escapes every value unless it is
  :class:`Markup` (HTML built here from escaped parts, or trusted files of this package);
* inline scripts get a Content-Security-Policy hash (:func:`csp_meta`), so even a markup
  bug could not run an injected script, and ``default-src 'none'`` forbids any load.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.files import write_atomic

__all__ = [
    "Markup",
    "esc",
    "printable_text",
    "json_for_script",
    "safe_href",
    "http_url",
    "external_link",
    "render",
    "template",
    "asset",
    "inline_script",
    "csp_meta",
    "write_page",
    "tag",
    "join",
]


class Markup(str):
    """A string that is already safe HTML; :func:`render` inserts it as is."""

    __slots__ = ()


_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls except tab, newline, carriage return; DEL; C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable_text(value: Any) -> str:
    """Coerce to ``str``; drop control characters; replace lone surrogates.

    Lone surrogates cannot be written as UTF-8 and control characters have no business in
    page text; both can arrive from badly decoded articles.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    return text


def esc(value: Any) -> Markup:
    """Escape for HTML text and double- or single-quoted attribute values."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(printable_text(value), quote=True))


_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return printable_text(value)
    if isinstance(value, Mapping):
        return {printable_text(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def json_for_script(value: Any) -> Markup:
    """JSON text that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` occur in JSON only inside strings, where ``\\u003c`` etc. mean
    the same characters, so ``</script>`` or ``<!--`` in data can never end or change the
    script element; U+2028/9 are escaped for old JavaScript parsers.
    """
    text = json.dumps(
        _clean_json(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return Markup(_JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text))


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def safe_href(url: Any) -> str | None:
    """Return ``url`` if it is a plain relative reference, else ``None``.

    Rejected: anything with a scheme (``javascript:``, ``data:``, ``http:`` …), network-
    path references (``//host``), backslashes (browsers treat them as slashes), and any
    whitespace or control character (browsers strip tabs/newlines inside URLs, so
    ``java\\tscript:`` would become a scheme).
    """
    if not isinstance(url, str) or not url or _spaced(url):
        return None
    if "\\" in url or url.startswith("//"):
        return None
    if _SCHEME.match(url):
        return None
    # A colon before the first "/", "?" or "#" would be read as a scheme by some parsers.
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    if ":" in head:
        return None
    if _SURROGATES.search(url):
        return None
    return url


# whitespace (\s: what str.isspace() calls whitespace), C0 and C1 controls, DEL: one regex search
# rather than a Python loop over every character of every link of every page
_SPACED = re.compile("[\\s\x00-\x1f\x7f-\x9f]")


def _spaced(url: str) -> bool:
    return _SPACED.search(url) is not None


_HTTP = re.compile(r"https?://[^/?#\\@]+(?:[/?#][^\\]*)?", re.IGNORECASE)


def http_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host and nothing a browser would rewrite
    (whitespace, controls, backslashes, surrogates), else ``None``: the one kind of link out of
    the site, an article's source."""
    if not isinstance(url, str) or _spaced(url) or _SURROGATES.search(url):
        return None
    return url if _HTTP.fullmatch(url) else None


def external_link(text: Any, url: Any) -> Markup:
    """A link out of the site (no referrer, no opener) when ``url`` is http(s); otherwise the URL
    shown as text, so ``javascript:`` or ``data:`` can never become a link."""
    href = http_url(url)
    if href is None:
        return tag("span", printable_text(url), class_="kg-url")
    return Markup(f'<a class="kg-source" href="{esc(href)}" rel="noopener noreferrer nofollow">{esc(text)}</a>')


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def render(template_text: str, /, **context: Any) -> Markup:
    """Fill ``{{ name }}`` placeholders; values are escaped unless :class:`Markup`.

    A placeholder without a value is an error, and so is a value without a placeholder,
    so that templates and callers cannot drift apart silently.
    """
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in context:
            raise KeyError(f"template placeholder {{{{ {name} }}}} has no value")
        used.add(name)
        return esc(context[name])

    out = _PLACEHOLDER.sub(fill, template_text)
    unused = set(context) - used
    if unused:
        raise KeyError(f"values without placeholder: {sorted(unused)}")
    return Markup(out)


@lru_cache(maxsize=None)
def _package_text(folder: str, name: str) -> str:
    return resources.files("kg.render").joinpath(folder, name).read_text(encoding="utf-8")


def template(name: str) -> str:
    """Text of a file in ``kg/render/templates`` (trusted)."""
    return _package_text("templates", name)


def asset(name: str) -> str:
    """Text of a vendored file in ``kg/render/assets`` (trusted, checked when inlined)."""
    return _package_text("assets", name)


_SCRIPT_BREAKERS = re.compile(r"</script|<script|<!--", re.IGNORECASE)


def inline_script(code: str) -> tuple[Markup, str]:
    """Return ``(<script>…</script>, csp hash source)`` for trusted code.

    Refuses code that contains sequences which would end or confuse the script element.
    """
    if _SCRIPT_BREAKERS.search(code):
        raise ValueError("script contains </script, <script or <!-- and cannot be inlined")
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
    return Markup(f"<script>{code}</script>"), f"'sha256-{digest}'"


def csp_meta(script_hashes: Iterable[str] = ()) -> Markup:
    """A Content-Security-Policy ``<meta>`` allowing only the given inline scripts.

    ``default-src 'none'`` blocks every fetch (scripts, styles, images, fonts, frames,
    XHR), except inline styles (vis-network injects its CSS) and data:/blob: images.
    """
    hashes = " ".join(script_hashes) or "'none'"
    policy = (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; "
        "img-src data: blob:; "
        "font-src data:; "
        "connect-src 'none'; "
        "base-uri 'none'; "
        "form-action 'none'; "
        "frame-src 'none'; "
        "object-src 'none'"
    )
    return Markup(f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">')


def write_page(path: str | Path, page: str) -> Path:
    """Write a page as UTF-8 (explicitly, whatever the locale), creating folders.

    The page is written to a temporary file in the same folder and renamed over the old one, so
    a reader, or a run killed mid-way, sees the old page or the new one and never part of one."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(out, page)


_URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction"})
_ATTR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9:_-]*$")
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr"})


def tag(name: str, content: Any = "", /, **attrs: Any) -> Markup:
    """``<name attrs>content</name>`` with content and attribute values escaped.

    Attribute names are fixed by the caller (``class_`` → ``class``, ``data_x`` →
    ``data-x``); ``None``/``False`` values are omitted, ``True`` gives a bare attribute.
    URL attributes must pass :func:`safe_href`, otherwise they are dropped, so an
    untrusted link can never become ``javascript:`` or a remote resource.
    ``content`` may be a string (escaped), :class:`Markup`, or a list of either.
    """
    parts = [name]
    for key, value in attrs.items():
        attr = key.rstrip("_").replace("_", "-")
        if attr == "xlink-href":
            attr = "xlink:href"
        if not _ATTR_NAME.match(attr) or attr.lower().startswith("on"):
            raise ValueError(f"refusing attribute name {attr!r}")
        if value is None or value is False:
            continue
        if attr in _URL_ATTRS:
            value = safe_href(value)
            if value is None:
                continue
        if value is True:
            parts.append(attr)
        else:
            parts.append(f'{attr}="{esc(value)}"')
    open_tag = "<" + " ".join(parts) + ">"
    if name in _VOID:
        return Markup(open_tag)
    if isinstance(content, (list, tuple)):
        inner = "".join(esc(c) for c in content)
    else:
        inner = esc(content)
    return Markup(f"{open_tag}{inner}</{name}>")


def join(parts: Iterable[Any], sep: str = "") -> Markup:
    """Concatenate escaped parts (Markup kept as is)."""
    return Markup(esc(sep).join(esc(p) for p in parts))
