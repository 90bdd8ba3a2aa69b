"""Names the text declares: short names in brackets ((以下简称“360小贷”)) and document numbers
(金规〔2025〕9号). Linking attaches them to the name just before them."""

from __future__ import annotations

import re
from collections.abc import Iterator


DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号")


def find_document_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """金规〔2025〕9号: the number that identifies a regulation."""
    for m in DOCUMENT_NUMBER.finditer(text):
        yield m.start(), m.end(), m.group(0)


_DECLARED = re.compile(
    r"[（(][^（）()\n]{0,24}?[，,；;]?\s*(?:以下|下文|下)?(?:简称|下称|简称为)\s*[:：]?\s*[“\"「『]?(?P<alias>[^”\"」』）)，,、\s]{1,20})[”\"」』]?\s*[）)]"
)


def find_declared_aliases(text: str) -> Iterator[tuple[int, int, int]]:
    """(以下简称“360小贷”): (position of the bracket, alias start, alias end)."""
    for m in _DECLARED.finditer(text):
        yield m.start(), m.start("alias"), m.end("alias")
