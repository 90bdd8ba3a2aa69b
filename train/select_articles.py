"""Draw the articles of the in-domain annotation corpus and split them (fixed seed).

Why a script: the split must be reproducible and must never change once the holdout has
been annotated, so that nobody trains or tunes on it by accident. Writes train/splits.json.

- holdout and dev: unannotated articles of ../shared/corpus-dev/ (the same kind of text the
  project is judged on: 2018-2019 online-lending news, 400+ characters);
- train: every other corpus-dev article plus shorter FinNSP records (200-800 characters) that
  mention lending, de-duplicated by their opening.
Articles already in tests/gold/ (used for rule writing) are never drawn.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = 20261203
SIZES = {"holdout": 45, "dev": 22, "train_short": 45}
LENDING = re.compile("网贷|P2P|p2p|小贷|小额贷款|消费金融|消金|花呗|借呗|白条|助贷|现金贷|借贷|放贷|贷款平台|理财平台")


def corpus_dev_ids() -> list[str]:
    return sorted(p.stem for p in (SHARED / "corpus-dev").glob("finnsp-*.txt"))


def short_records(exclude: set[str]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for line in (SHARED / "datasets/finnsp/texts.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        text = rec["text"]
        if rec["id"] in exclude or not 200 <= len(text) < 800 or not LENDING.search(text):
            continue
        key = re.sub(r"\W", "", text)[:40]
        if key in seen:
            continue
        seen.add(key)
        out.append(rec)
    return out


def main() -> None:
    annotated = {p.stem for p in (ROOT / "tests/gold").glob("*.json")}
    pool = [i for i in corpus_dev_ids() if i not in annotated]
    rng = random.Random(SEED)
    rng.shuffle(pool)
    holdout = sorted(pool[: SIZES["holdout"]])
    dev = sorted(pool[SIZES["holdout"]: SIZES["holdout"] + SIZES["dev"]])
    rest = pool[SIZES["holdout"] + SIZES["dev"]:]
    train = sorted(rest)
    shorts = short_records(set(corpus_dev_ids()))
    rng.shuffle(shorts)
    train_short = sorted(r["id"] for r in shorts[: SIZES["train_short"]])
    splits = {"seed": SEED, "holdout": holdout, "dev": dev, "train": train + train_short}
    (ROOT / "train/splits.json").write_text(json.dumps(splits, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
