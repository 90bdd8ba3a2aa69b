"""What every recogniser shares: the Mention record, the Context it reads (text, registry places
and names, the mentions found so far), and the helpers that decide where a name starts."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.lexicon import words
from kg.registry import Registry


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    category: str
    kind: str | None = None
    key: str | None = None  # registry key when the registry knows the name
    source: str = "registry"  # registry | legal-name | regulator | regulation | market | declared | derived
    canonical: str | None = None  # the entity's canonical name when it differs from the surface form
    recogniser: str = ""  # the recogniser that found it (a repeat keeps its original's)
    priority: int = 9  # on equal spans the lower priority wins (see overlaps.py)
    score: float = 1.0  # rules are sure; a trained recogniser gives its probability


@dataclass
class Context:
    """What a recogniser may read besides the text; `found` grows as recognisers run, in order."""

    registry: Registry
    places: frozenset[str]
    known: frozenset[str]  # every registry surface form: a name the registry knows needs no pattern
    found: list[Mention] = field(default_factory=list)
    doc: object | None = None  # the spaCy Doc, for recognisers that read its tokens or entities

    def spans(self, *, excluding: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
        """Offsets of the names found so far, leaving out those of the named recognisers."""
        return [(m.start, m.end) for m in self.found if m.recogniser not in excluding]


Recogniser = Callable[[str, Context], Iterable[Mention]]

CJK = r"\u4e00-\u9fff"

# tried longest first: 旗下的 before 旗下 before 的
LEFT_STOPS = sorted(words("names", "left_stops"), key=len, reverse=True)
LEFT_STOP_TUPLE = tuple(LEFT_STOPS)  # for str.endswith
STOPS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _w in LEFT_STOPS:
    STOPS_BY_LAST[_w[-1]] = (*STOPS_BY_LAST.get(_w[-1], ()), _w)

NAME_START_OK = re.compile(r"[\s，。、；：:;,.!?！？“”\"'（）()《》【】\[\]—…·]|^$")
SEPARATORS = "、，。；：:;,.!?！？“”\"'（）()【】《》 \n\t"


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary tags: a word it knows as a common word (文章 n) is not a name."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


@lru_cache(maxsize=4)
def place_names(registry: Registry) -> frozenset[str]:
    return frozenset(s for s, e in registry.surface_forms() if e.category == "Place" and len(s) >= 2)


@lru_cache(maxsize=4)
def known_names(registry: Registry) -> frozenset[str]:
    return frozenset(s for s, _ in registry.surface_forms())


def place_regex(places, extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One compiled alternation of place names (longest first), built once per registry."""
    return _place_regex(frozenset(places), extra)


@lru_cache(maxsize=8)
def _place_regex(places: frozenset[str], extra: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(places) | set(extra), key=lambda p: (-len(p), p))  # longest first; no set order
    return re.compile("|".join(map(re.escape, ordered)) or "(?!)")


def is_place_run(run: str, places: set[str]) -> bool:
    """广东, 新疆维吾尔自治区, 乌鲁木齐市: place names and administrative units, nothing else."""
    pos = 0
    while pos < len(run):
        place = max((p for p in places if run.startswith(p, pos)), key=len, default=None)
        if place:
            pos += len(place)
        elif run[pos] in "省市县区":
            pos += 1
        else:
            unit = re.match(r"(?:维吾尔|壮族|回族)?自治区|自治州", run[pos:])
            if not unit:
                return False
            pos += len(unit.group(0))
    return True


def name_start(text: str, run_start: int, end: int, stops: tuple[str, ...], longest: int = 12) -> int | None:
    """Where a name ending at `end` starts, for a run of name characters from `run_start` before a
    cue (APP, 平台, a stock code): the shortest stretch of two characters or more that follows a
    separator or a stop word (下载花财APP → 花财; 王永红拟将中国港桥(2323) → 中国港桥); None if there is none."""
    for size in range(2, min(longest, end - run_start) + 1):
        start = end - size
        before = text[max(0, start - 4):start]
        if start == run_start and (start == 0 or text[start - 1] in SEPARATORS) or \
                before.endswith(LEFT_STOP_TUPLE) or stops and before.endswith(stops):
            return start
    return None


def strip_left_stops(name: str, keep: int = 0) -> str:
    """目前红岭创投 → 红岭创投: stop words glued before a name, dropped while `keep` characters remain."""
    while (w := next((w for w in LEFT_STOPS if name.startswith(w)), None)) and len(name) - len(w) >= keep:
        name = name[len(w):]
    return name


class Occupied:
    """Spans already taken, asked "does this one overlap any?" in logarithmic time: a scan of all of
    them for every candidate makes a long text's cost grow with the square of its length."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._longest = max((e - s for s, e in self._spans), default=0)

    def add(self, start: int, end: int) -> None:
        insort(self._spans, (start, end))
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        # only a span starting less than the longest length before `start` can reach into it
        lo = bisect_left(self._spans, (start - self._longest,))
        hi = bisect_left(self._spans, (end,))
        return any(e > start for _, e in self._spans[lo:hi])


def covered(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Inside a name already found (a shorter one inside it, 中国 in 中国支付通, is outgrown later)."""
    return any(s <= start and end <= e for s, e in taken)
