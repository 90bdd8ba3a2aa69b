"""Registry names: every surface form of the curated registry, matched on the raw text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from kg.extract.names.base import Context, Mention
from kg.registry import Registry, RegistryEntry


def _trie_regex(words: Iterable[str]) -> str:
    """One regex alternation shaped as a trie: fast leftmost-longest matching of many literals."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class RegistryMatcher:
    """All registry names and aliases, matched on the raw text (independent of segmentation)."""

    def __init__(self, registry: Registry) -> None:
        self.by_surface: dict[str, RegistryEntry] = {}
        for surface, entry in registry.surface_forms():
            if len(surface) >= 2:
                self.by_surface.setdefault(surface, entry)
        pattern = _trie_regex(sorted(self.by_surface, key=len, reverse=True))
        # Latin names (APP, GMV-like) must not match inside longer Latin words
        self.regex = re.compile(f"(?:{pattern})") if pattern else None

    def __call__(self, text: str) -> Iterator[Mention]:
        if self.regex is None:
            return
        yield from self._match(text, None)
        for split in _SPLIT_NAME.finditer(text):
            # 中信 银行: a web page's stray space inside a name; match around it with the space out
            space = split.start() + 1
            lo, hi = max(0, space - 16), min(len(text), space + 17)
            kept = [i for i in range(lo, hi) if i != space]
            yield from (m for m in self._match("".join(text[i] for i in kept), kept) if m.start < space < m.end)

    def _match(self, text: str, offsets: list[int] | None) -> Iterator[Mention]:
        """Matches in text; `offsets` maps a compacted text's positions back to the original."""
        for m in self.regex.finditer(text):
            surface = m.group(0)
            entry = self.by_surface.get(surface)
            if entry is None:
                continue
            if surface.isascii() and _inside_latin_word(text, m.start(), m.end()):
                continue
            if entry.key in _CHANNELS and _used_as_channel(text, m.start(), m.end()):
                continue
            start, end = (m.start(), m.end()) if offsets is None else (offsets[m.start()], offsets[m.end() - 1] + 1)
            # with offsets, the span covers the stray space and the surface is the name as registered
            yield Mention(start, end, surface, entry.category, entry.kind, entry.key, "registry", canonical=entry.name)


# Messaging and social apps are mostly named as a channel (官方微信, 用微信扫描二维码, 微信公众号):
# the medium a statement went through, not a party to what is stated.
_CHANNELS = frozenset({"wechat", "weibo"})  # registry keys of the messaging and social apps
_CHANNEL_BEFORE = re.compile(r"(?:官方|客服|用|通过|加|关注)\s*$")
_CHANNEL_AFTER = re.compile(r"^\s*(?:公众号|公众平台|扫描|扫码|扫一扫|群|号|朋友圈|小程序|账号|搜索|上|好友|聊天|客服|官方号|私信)")


def _used_as_channel(text: str, start: int, end: int) -> bool:
    return bool(_CHANNEL_BEFORE.search(text[max(0, start - 3):start]) or _CHANNEL_AFTER.match(text[end:end + 4]))


_SPLIT_NAME = re.compile(r"[\u4e00-\u9fff][ \u3000][\u4e00-\u9fff]")


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isascii() and before.isalnum() or after.isascii() and after.isalnum()




@lru_cache(maxsize=4)
def _matcher(registry: Registry) -> RegistryMatcher:
    return RegistryMatcher(registry)


def find_registry_names(text: str, ctx: Context) -> Iterator[Mention]:
    """Every registry name and alias in the text (快手小贷, 银保监会 …)."""
    return _matcher(ctx.registry)(text)
