"""Entity F1 of the whole extractor on FinNER's eval split, with FinNER's types mapped to the
contract's categories (train/labels.py); types with no contract category (行业/领域, 头衔/职务,
会议) are ignored rather than counted against the extractor. The test split stays held back.

    python -m train.finner_eval [--rules-only]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from train.labels import FINNER_TO_LABEL
from train.ner_data import finner_records
from train.texts import SHARED

LABEL_TO_CATEGORIES = {"ORG": ["Organization", "Lender", "Platform"], "GOV": ["Regulator"], "LAW": ["Regulation"],
                       "PRODUCT": ["Product"], "PLACE": ["Place"], "PERSON": ["Person"]}


def gold_of(index: int, record: dict) -> dict:
    entities, ignore = [], []
    for label in record["labels"]:
        name, _, kind = label.rpartition(":")
        name = name.strip("《》")
        if kind in FINNER_TO_LABEL:
            entities.append({"id": f"e{len(entities)}", "name": name,
                             "category": LABEL_TO_CATEGORIES[FINNER_TO_LABEL[kind]]})
        else:
            ignore.append(name)
    return {"article": {"id": f"finner-eval-{index}", "title": "", "text_file": f"finner-eval-{index}.txt"},
            "ignore": ignore, "entities": entities}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rules-only", action="store_true")
    args = ap.parse_args(argv)
    from kg.contract import to_contract
    from kg.nlp import extract_article
    from kg.model import Article

    with tempfile.TemporaryDirectory() as tmp:
        golds, preds = Path(tmp) / "gold", Path(tmp) / "pred"
        golds.mkdir()
        preds.mkdir()
        for i, record in enumerate(finner_records("eval")):
            gold = gold_of(i, record)
            (golds / f"finner-eval-{i}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
            (golds / f"finner-eval-{i}.txt").write_text(record["text"], encoding="utf-8")
            article = Article(id=gold["article"]["id"], title="", text=record["text"])
            body = to_contract(extract_article(article, models=not args.rules_only))
            (preds / f"finner-eval-{i}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"),
                               *sorted(map(str, golds.glob("*.json"))), "--pred-dir", str(preds)],
                              capture_output=True, text=True, check=True)
    print("\n".join(done.stdout.splitlines()[:2]))
    entities = json.loads(done.stdout.strip().splitlines()[-1])["entities"]
    if not args.rules_only:
        from train.card import update

        update("FinNER eval split, entities", entities)
    return 0


if __name__ == "__main__":
    sys.exit(main())
