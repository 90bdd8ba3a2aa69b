"""The overlap policy, in one place: which of two overlapping mentions stands.

Leftmost-longest wins, so 快手 inside 广州快手小额贷款有限公司 is no mention; on equal spans the
recogniser with the lower priority number wins (markets, then the registry, then persons)."""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.names.base import Mention


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Leftmost-longest wins; on equal spans the lower priority (the recogniser's, see RECOGNISERS)."""
    ranked = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), m.priority))
    kept: list[Mention] = []
    last_end = -1
    for m in ranked:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
        elif m.end > last_end and kept and m.start > kept[-1].start and (m.end - m.start) > (kept[-1].end - kept[-1].start):
            # a longer name starting inside the previous one: prefer the longer name
            kept[-1] = m
            last_end = m.end
    return kept
