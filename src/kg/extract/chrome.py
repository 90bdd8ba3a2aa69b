"""Page chrome: what a web page puts around an article (reading lists, 热门搜索 side links, comment
boxes, share and follow prompts naming 微博 and 微信). Names in it are not what the article speaks
of, so, like the hosting platforms' notices, their spans are left out of the mentions."""

from __future__ import annotations

import re

from kg.extract.lexicon import alternation, words

_CUE = re.compile(alternation(sorted(words("media", "chrome_cues"), key=len, reverse=True)))
# prose resumes with a sentence (16 or more characters without a space or line break, then its
# end) or where the article starts again (原标题：…)
_PROSE = re.compile(r"[^\s]{16,}?[。！？!?]|" + alternation(words("media", "chrome_ends")))


def chrome_spans(text: str) -> list[tuple[int, int]]:
    """Each cue opens a block running until prose resumes, over following lines too (a list of
    link titles at a page's foot runs to its end); a cue inside prose (相关新闻，以及…) covers itself."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _CUE.search(text, pos)) is not None:
        prose = _PROSE.search(text, m.end())
        end = prose.start() if prose else len(text)
        # the run of non-space characters the prose sentence starts with may begin before its match
        while end > m.end() and not text[end - 1].isspace():
            end -= 1
        end = max(end, m.end())
        spans.append((m.start(), end))
        pos = end if end > m.start() else m.end()
    return spans
