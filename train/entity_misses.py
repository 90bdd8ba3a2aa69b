"""Which gold entities the extractor misses on a split, and which names it adds that gold lacks,
counted by category, with each one's first gold mention in context.

    python -m train.entity_misses dev [--list] [--fp]

A miss is a required gold entity no predicted entity matched (the shared scorer's matching); it
is "partial" when a predicted name overlaps the gold mention (cut short, or glued to a
neighbour), "absent" otherwise. Only the dev and train splits are for reading (the holdout is blind).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from train.relation_misses import scorer
from train.texts import gold_article, gold_files, load_gold


@dataclass(frozen=True)
class EntityMiss:
    article: str
    category: str
    name: str
    how: str  # partial | absent | extra (a false positive)
    context: str


def _context(text: str, start: int, end: int, width: int = 14) -> str:
    return (text[max(0, start - width):start] + "[" + text[start:end] + "]" + text[end:end + width]).replace("\n", " ")


def _first_span(entity: dict, text: str) -> tuple[int, int] | None:
    """The first mention, or (gold files hold no offsets) the first place a name or alias occurs."""
    spans = [(m["start"], m["end"]) for m in entity.get("mentions", []) or []]
    for name in [entity.get("name", ""), *(entity.get("aliases") or [])]:
        if name and (i := text.find(name)) >= 0:
            spans.append((i, i + len(name)))
    return min(spans) if spans else None


def article_misses(path: Path, score) -> list[EntityMiss]:
    """Missed gold entities and unmatched predicted ones of one article."""
    from kg import nlp
    from kg.contract import to_contract

    gold = load_gold(path)
    article = gold_article(path, gold)
    pred = to_contract(nlp.extract_article(article, models=True))
    mapping, _, _ = score.match_entities(gold, pred)
    matched = set(mapping.values())
    predicted = [(m["start"], m["end"], e["name"]) for e in pred["entities"] for m in e.get("mentions", [])]
    out = []
    for g in gold.get("entities", []):
        if g["id"] in matched or g.get("optional"):
            continue
        span = _first_span(g, article.text) or (0, 0)
        overlap = next((n for s, e, n in predicted if s < span[1] and span[0] < e), None) if span[1] else None
        category = g["category"] if isinstance(g["category"], str) else "/".join(g["category"])
        out.append(EntityMiss(article.id, category, g["name"], f"partial ({overlap})" if overlap else "absent",
                              _context(article.text, *span)))
    ignore = {score.norm(n) for n in gold.get("ignore", [])}
    for e in pred["entities"]:
        if str(e["id"]) not in mapping and not (score.names(e) & ignore):
            span = _first_span(e, article.text) or (0, 0)
            out.append(EntityMiss(article.id, e["category"], e["name"], "extra", _context(article.text, *span)))
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", choices=("dev", "train"))
    ap.add_argument("--list", action="store_true", help="one line per missed entity")
    ap.add_argument("--fp", action="store_true", help="with --list: the false positives too")
    args = ap.parse_args(argv)
    score = scorer()
    misses = [m for path in gold_files(args.split) for m in article_misses(path, score)]
    if args.list:
        for m in sorted(misses, key=lambda m: (m.how == "extra", m.category, m.how)):
            if m.how != "extra" or args.fp:
                print(f"{m.article}\t{m.category}\t{m.name}\t{m.how}\t{m.context}")
    counts = Counter((m.category, "extra" if m.how == "extra" else m.how.split()[0]) for m in misses)
    print(f"{'category':<28}{'absent':>8}{'partial':>8}{'extra':>8}")
    for category in sorted({c for c, _ in counts}):
        print(f"{category:<28}" + "".join(f"{counts[(category, h)]:>8}" for h in ("absent", "partial", "extra")))


if __name__ == "__main__":
    main()
