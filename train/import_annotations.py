"""Copy annotators' files into train/gold/<split>/ (one-off per batch; re-runnable).

    python -m train.import_annotations /work/annot

Each annotator folder holds <id>.json files; the annotations that train/overlap.json names as
second annotations go to train/gold/agreement/ for the agreement figure. text_file is rewritten relative to the gold file (corpus-dev articles) or
dropped (FinNSP records are read from the JSON Lines file at training time).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from train.texts import CORPUS_DEV, ROOT

GOLD = ROOT / "train" / "gold"


def second_annotator() -> dict[str, str]:
    table = json.loads((ROOT / "train" / "overlap.json").read_text(encoding="utf-8"))
    return {k: v for k, v in table.items() if not k.startswith("_")}


def main(annot: Path) -> None:
    splits = json.loads((ROOT / "train" / "splits.json").read_text(encoding="utf-8"))
    split_of = {i: s for s in ("holdout", "dev", "train") for i in splits[s]}
    second = second_annotator()
    for path in sorted(annot.glob("a[0-9]*/*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article_id = gold["article"]["id"]
        if article_id != path.stem or article_id not in split_of:
            raise SystemExit(f"{path}: unexpected article id {article_id!r}")
        if second.get(article_id) != path.parent.name:
            target = GOLD / split_of[article_id] / f"{article_id}.json"
        else:
            target = GOLD / "agreement" / f"{article_id}.{path.parent.name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = CORPUS_DEV / f"{article_id}.txt"
        gold["article"]["text_file"] = (
            "../../../../shared/corpus-dev/" + text.name if text.exists() else None)
        if target.parent.name == "agreement":
            gold["article"]["text_file"] = "../../../../shared/corpus-dev/" + text.name
        gold["article"]["annotator"] = path.parent.name
        target.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
