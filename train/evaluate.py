"""Score the whole extractor (rules + shipped models) on a split, and choose the relation
threshold on dev.

    python -m train.evaluate dev [--sweep]      # dev: thresholds are chosen here
    python -m train.evaluate holdout            # once, at the end: the headline figure
    python -m train.evaluate dev --no-models    # rules alone, for the comparison

Extraction runs in one process; model relations are produced with threshold 0 and filtered
afterwards, so a sweep costs one extraction. Scores come from ../shared/eval/score.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from train.texts import SHARED, gold_article, gold_files, load_gold

SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def extractions(paths: list[Path], use_models: bool):
    from kg import nlp
    from kg.extract import trained

    trained.thresholds = lambda: {"relation": 0.0}  # every admissible class; filtered below
    out = {}
    for path in paths:
        gold = load_gold(path)
        out[gold["article"]["id"]] = nlp.extract_article(gold_article(path, gold), models=use_models)
    return out


def keep_above(extraction, threshold: float):
    relations = tuple(r for r in extraction.relations if r.source != "model" or r.confidence >= threshold)
    return dataclasses.replace(extraction, relations=relations)


def score(paths: list[Path], predictions: dict, threshold: float) -> dict:
    from kg.contract import to_contract

    with tempfile.TemporaryDirectory() as tmp:
        for article_id, extraction in predictions.items():
            body = to_contract(keep_above(extraction, threshold))
            (Path(tmp) / f"{article_id}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), *map(str, paths),
                               "--pred-dir", tmp], capture_output=True, text=True, check=True)
    print(done.stdout.rsplit("\n", 2)[0])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", choices=("dev", "holdout", "train"))
    ap.add_argument("--sweep", action="store_true", help="try relation thresholds; write the best")
    ap.add_argument("--no-models", action="store_true")
    args = ap.parse_args(argv)
    paths = gold_files(args.split)
    predictions = extractions(paths, use_models=not args.no_models)
    from kg.extract.trained import models_dir, thresholds

    if not args.sweep:
        threshold = 1.1 if args.no_models else json.loads((models_dir() / "thresholds.json").read_text())["relation"]
        print(f"{args.split}: {len(paths)} articles, relation threshold {threshold}")
        score(paths, predictions, threshold)
        return
    results = {}
    for t in SWEEP:
        print(f"--- relation threshold {t}")
        results[t] = score(paths, predictions, t)["macro_f1"]
    best = max(results, key=results.get)
    print("macro F1 by threshold:", results, "best:", best)
    (models_dir() / "thresholds.json").write_text(json.dumps({"relation": best}) + "\n", encoding="utf-8")
    from train.card import update

    update("dev (relation threshold chosen here)", {"relation_threshold": best, "macro_f1": results[best]})


if __name__ == "__main__":
    main()
