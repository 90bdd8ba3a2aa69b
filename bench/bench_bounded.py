"""Extraction time grows linearly with the text, also for text without sentence punctuation (a
scraped table, a page without 。): 10,000 against 30,000 characters of comma-joined clauses full
of names and figures, the best of three runs each, in one process. Linear is 3×; a stage that
scans the whole text once per name would show as 9×. (Moved here from the test suite: a timing
ratio fails there when the machine is loaded, and says nothing about the code then.)

    .venv/bin/python -m bench.bench_bounded
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_bounded import unpunctuated  # noqa: E402 - the same made-up text the tests cut


def seconds(text: str) -> float:
    """The best of three runs: the machine is shared, a slow run says nothing about the code."""
    from kg.model import Article
    from kg.nlp import extract_article

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        extract_article(Article(id="t", title="t", text=text))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    from kg.model import Article
    from kg.nlp import extract_article

    extract_article(Article(id="w", title="w", text="快手小贷获批。"))  # the pipeline loads outside the timing
    small, large = seconds(unpunctuated(10_000)), seconds(unpunctuated(30_000))
    print(json.dumps({"chars": [10_000, 30_000], "seconds": [round(small, 3), round(large, 3)],
                      "ratio": round(large / small, 2), "linear": 3.0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
