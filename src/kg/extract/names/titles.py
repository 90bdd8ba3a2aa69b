"""《Titles》: regulations (《…办法》, 《…通知》) and, when short and shaped so, newspapers (《证券时报》)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import Context, Mention


_TITLE = re.compile(r"《([^《》]{2,80})》")
_REGULATION_WORDS = re.compile(
    r"(?:办法|通知|规定|意见|条例|法|指引|细则|征求意见稿|决定|方案|规则|规范|准则|指导意见|函|要求|标准|倡议书|风险提示)"
    r"(?:[（(]?(?:试行|暂行|征求意见稿|修订)[）)]?)?$"
)


_MEDIA_TITLE = re.compile(rf"{alternation(words('media', 'outlet_endings'))}$")


def find_regulations(text: str, ctx: Context) -> Iterator[Mention]:
    """《…办法》 and the like are regulations; 《证券时报》-like titles are media organisations."""
    for m in _TITLE.finditer(text):
        raw = m.group(1)
        if raw.count("\n") > 1:
            continue  # not a title: an unmatched 《 far away
        title = re.sub(r"\s+", "", raw)  # a title broken across a line keeps one name
        canonical = title if title != raw else None
        if _REGULATION_WORDS.search(title):
            yield Mention(m.start(1), m.end(1), raw, "Regulation", None, None, "regulation", canonical=canonical)
        elif _MEDIA_TITLE.search(title) and len(title) <= 8:
            yield Mention(m.start(1), m.end(1), raw, "Organization", None, None, "media", canonical=canonical)
