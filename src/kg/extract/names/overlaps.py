"""The overlap policy, in one place: which of two overlapping mentions stands.

Leftmost-longest wins, so 快手 inside 广州快手小额贷款有限公司 is no mention; on equal spans the
recogniser with the lower priority number wins (markets, then the registry, then persons); a
name from the trained recogniser only fills a gap that no registry or rule name covers. A name the
text declares ((以下简称“X”)) outranks what a recogniser made of the same words, but not a registry
name: each span then names one entity."""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.names.base import Mention

MODEL = "model"  # the source of names from the trained recogniser


def without_model_overlaps(mentions: list[Mention]) -> list[Mention]:
    """A name from the trained recogniser gives way to any registry or rule mention it overlaps."""
    ruled = [m for m in mentions if m.source != MODEL]
    if len(ruled) == len(mentions):
        return mentions
    covered = bytearray(max(m.end for m in mentions) + 1)
    for m in ruled:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    return ruled + [m for m in mentions if m.source == MODEL and not any(covered[m.start:m.end])]


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Leftmost-longest wins; on equal spans the lower priority (the recogniser's, see RECOGNISERS);
    the trained recogniser's names never win over a registry or rule name."""
    ranked = sorted(without_model_overlaps(list(mentions)), key=lambda m: (m.start, -(m.end - m.start), m.priority))
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


def may_declare(start: int, end: int, mentions: list[Mention], *, exact: bool) -> bool:
    """A declared name may stand here when no registry name overlaps the place and, unless the
    words are the declaration's own (exact=False), any mention there covers exactly these words
    (复华控股 again, not 复华控股 inside 复华控股有限公司)."""
    over = [m for m in mentions if m.start < end and start < m.end]
    return not any(m.source == "registry" or exact and (m.start, m.end) != (start, end) for m in over)


def giving_way(mentions: list[Mention], declared: list[Mention]) -> list[Mention]:
    """The mentions left once the declared names have taken their places."""
    if not declared:
        return mentions
    spans = sorted((m.start, m.end) for m in declared)
    return [m for m in mentions if not any(s < m.end and m.start < e for s, e in spans)]
