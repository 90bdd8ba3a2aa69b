"""Why each gold relation the extractor misses on a split is missed, counted by cause and predicate.

    python -m train.relation_misses dev [--list]

Causes, checked from the one closest to success down:
  d  found, but with another predicate or the other way round
  c  the pair was classified, but the gold class scored below the threshold (or another class won,
     or the kinds of the two names do not admit the predicate)
  b  both names extracted, but never a candidate pair (b-apart: never in one sentence; b-same: in one
     sentence, but too far apart, a pair of kinds no predicate admits, or related by a rule)
  a  one of the two names not extracted at all
A gold relation with alternatives takes the best cause over its alternatives. Only the dev split
is for measuring (the holdout is blind).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from train.texts import SHARED, gold_article, gold_files, load_gold

CAUSE_ORDER = ("d-other-predicate", "d-reversed", "c-below-threshold", "c-other-class-won", "c-kinds-inadmissible",
               "b-same-sentence", "b-apart", "a-one-missing", "a-both-missing")


@dataclass(frozen=True)
class Miss:
    article: str
    predicate: str
    subject: str
    object: str
    cause: str
    detail: str


def scorer():
    """The shared scorer as a module (its entity matching decides which names were found)."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_with_pairs(path: Path):
    """The extraction of a gold file's article (every model relation kept, threshold 0) and every
    pair the classifier scored, as (subject id, object id, first label, second label, cats)."""
    from kg import nlp
    from kg.extract import trained

    pairs: list[tuple[str, str, str, str, dict]] = []
    original = trained.scored_pairs

    def recording(sentences_with_topics, ruled):
        found = original(sentences_with_topics, ruled)
        pairs.extend((a.entity.id, b.entity.id, la, lb, cats) for a, b, la, lb, _, cats in found)
        return found

    trained.scored_pairs, trained.thresholds = recording, lambda: {"relation": 0.0}
    try:
        gold = load_gold(path)
        return nlp.extract_article(gold_article(path, gold), models=True), pairs
    finally:
        trained.scored_pairs = original


def sentence_index(extraction) -> dict[str, set[int]]:
    """Entity id → indices of the sentences its mentions are in."""
    from kg.extract.context import split_sentences

    bounds = [(s, e) for s, e, _ in split_sentences(extraction.article.text)]
    out: dict[str, set[int]] = {}
    for entity in extraction.entities:
        for m in entity.mentions:
            out.setdefault(entity.id, set()).update(i for i, (s, e) in enumerate(bounds) if s <= m.start < e)
    return out


def cause_of(key, threshold: float, ctx: dict) -> tuple[str, str]:
    """The cause of one (subject, predicate, object) gold key being missed."""
    s, p, o = key
    subjects, objects = ctx["by_gold"].get(s, set()), ctx["by_gold"].get(o, set())
    if not subjects or not objects:
        return ("a-both-missing" if not subjects and not objects else "a-one-missing",
                "missing: " + ", ".join(ctx["names"][g] for g, ids in ((s, subjects), (o, objects)) if not ids))
    for r in ctx["relations"]:
        if r.subject in subjects and r.object in objects and r.predicate != p:
            return "d-other-predicate", f"as {r.predicate} ({r.source})"
        if r.subject in objects and r.object in subjects:
            return ("d-reversed" if r.predicate == p else "d-other-predicate"), f"reversed {r.predicate} ({r.source})"
    best: tuple[float, str] | None = None
    for a, b, la, lb, cats in ctx["pairs"]:
        if {a, b} <= subjects | objects and (a in subjects and b in objects or a in objects and b in subjects):
            cls = p if p == "partnerOf" or a in subjects else p + "~"
            score = cats.get(cls, 0.0)
            top = max(cats, key=cats.get)
            labels = (la, lb) if a in subjects else (lb, la)
            if best is None or score > best[0]:
                best = (score, f"score {score:.2f}, top {top} {cats[top]:.2f}, kinds {labels[0]}-{labels[1]}")
    if best is not None:
        from kg.extract.trained import ADMITS

        kinds = tuple(best[1].rsplit("kinds ", 1)[1].split("-"))
        if kinds not in ADMITS.get(p, ()):
            return "c-kinds-inadmissible", best[1]
        return ("c-below-threshold" if best[0] < threshold else "c-other-class-won"), best[1]
    together = any(ctx["sentences"].get(a, set()) & ctx["sentences"].get(b, set()) for a in subjects for b in objects)
    categories = "/".join(sorted({ctx["categories"][x] for x in subjects})) + "-" + \
        "/".join(sorted({ctx["categories"][x] for x in objects}))
    return ("b-same-sentence" if together else "b-apart"), f"categories {categories}"


def article_misses(path: Path, threshold: float, score) -> list[Miss]:
    from kg.contract import to_contract
    from train.evaluate import keep_above

    gold = load_gold(path)
    extraction, pairs = extract_with_pairs(path)
    kept = keep_above(extraction, threshold)
    pred = to_contract(kept)
    mapping, _, _ = score.match_entities(gold, pred)
    by_gold: dict[str, set[str]] = {}
    for pred_id, gold_id in mapping.items():
        by_gold.setdefault(gold_id, set()).add(pred_id)
    items = [{"key": (mapping.get(r["subject"]), r["predicate"], mapping.get(r["object"]))} for r in pred["relations"]]

    def same(g, p):
        return any(p["key"] == k or (k[1] == "partnerOf" and p["key"] == (k[2], k[1], k[0]))
                   for k in score.relation_keys(g))

    used = score._greedy(gold.get("relations", []), items, same)[3]
    ctx = {"by_gold": by_gold, "relations": kept.relations, "pairs": pairs,
           "names": {g["id"]: g["name"] for g in gold.get("entities", [])},
           "sentences": sentence_index(extraction),
           "categories": {e.id: e.category for e in extraction.entities}}
    out = []
    for i, g in enumerate(gold.get("relations", [])):
        if i in used or g.get("optional"):
            continue
        causes = [cause_of(k, threshold, ctx) for k in score.relation_keys(g)]
        cause, detail = min(causes, key=lambda c: CAUSE_ORDER.index(c[0]))
        out.append(Miss(gold["article"]["id"], g["predicate"], ctx["names"].get(g["subject"], g["subject"]),
                        ctx["names"].get(g["object"], g["object"]), cause, detail))
    return out


def table(misses: list[Miss]) -> str:
    """Counts by cause (rows) and predicate (columns)."""
    predicates = sorted({m.predicate for m in misses})
    counts = Counter((m.cause, m.predicate) for m in misses)
    lines = ["cause".ljust(22) + "".join(p[:11].rjust(12) for p in predicates) + "total".rjust(8)]
    for cause in CAUSE_ORDER:
        row = [counts[(cause, p)] for p in predicates]
        if sum(row):
            lines.append(cause.ljust(22) + "".join(str(n).rjust(12) for n in row) + str(sum(row)).rjust(8))
    lines.append("total".ljust(22) + "".join(str(sum(counts[(c, p)] for c in CAUSE_ORDER)).rjust(12)
                                            for p in predicates) + str(len(misses)).rjust(8))
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", choices=("dev", "train"))
    ap.add_argument("--list", action="store_true", help="one line per miss")
    args = ap.parse_args(argv)
    from kg.extract.trained import models_dir

    threshold = json.loads((models_dir() / "thresholds.json").read_text())["relation"]
    score = scorer()
    misses = [m for path in gold_files(args.split) for m in article_misses(path, threshold, score)]
    if args.list:
        for m in misses:
            print(f"{m.article}\t{m.predicate}\t{m.subject} → {m.object}\t{m.cause}\t{m.detail}")
    print(table(misses))


if __name__ == "__main__":
    main()
