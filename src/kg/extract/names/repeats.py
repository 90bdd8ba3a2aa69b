"""Names found by their context in one place, recognised wherever the article repeats them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from kg.extract.names.base import Context, Mention, Occupied


# names recognised by their context in one place (平台X, X爆雷, 股东为…): the other places the
# article names them lack that context but are the same entity
_REPEATABLE = ("platform", "listed", "org-short", "product-list", "person")


def find_repeats(text: str, ctx: Context) -> Iterator[Mention]:
    """Every other occurrence of a name found by context. Two-character names are left alone
    (too likely to be part of another word), and so is any place another mention already covers."""
    found = ctx.found
    taken = Occupied((m.start, m.end) for m in found)
    seen: dict[str, Mention] = {}
    for m in found:
        if m.source in _REPEATABLE and len(m.text) >= 3:
            seen.setdefault(m.text, m)
    for name, first in seen.items():
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not taken.overlaps(pos, end):
                yield replace(first, start=pos, end=end)
            pos = text.find(name, end)
