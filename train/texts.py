"""Where the texts of annotated articles live: corpus-dev files, or FinNSP records (read, never copied)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS_DEV = SHARED / "corpus-dev"
FINNSP = SHARED / "datasets" / "finnsp" / "texts.jsonl"
GOLD_DIRS = {
    "train": [ROOT / "train" / "gold" / "train", ROOT / "tests" / "gold"],
    "dev": [ROOT / "train" / "gold" / "dev"],
    "holdout": [ROOT / "train" / "gold" / "holdout"],
}


@lru_cache(maxsize=1)
def _finnsp() -> dict[str, dict]:
    out = {}
    with FINNSP.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            out[record["id"]] = record
    return out


def finnsp_text(record: dict) -> str:
    """A record as an article file: its title on the first line unless the text starts with it."""
    text, title = record["text"], record["title"].strip()
    return text if not title or text.startswith(title) else f"{title}\n{text}"


def article_text(article_id: str) -> str:
    path = CORPUS_DEV / f"{article_id}.txt"
    if path.exists():
        return path.read_text(encoding="utf-8")
    return finnsp_text(_finnsp()[article_id])


def gold_files(split: str) -> list[Path]:
    return sorted(p for folder in GOLD_DIRS[split] if folder.exists() for p in folder.glob("*.json"))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def gold_article(path: Path, gold: dict):
    """The article a gold file annotates: its text_file (corpus-dev), or, for a FinNSP record
    (text_file null), the record's text as training reads it, so every split can be scored."""
    from kg.corpus import load_article
    from kg.model import Article

    text_file = gold["article"].get("text_file")
    if text_file:
        return load_article((path.parent / text_file).resolve())
    article_id = gold["article"]["id"]
    return Article(id=article_id, title=gold["article"].get("title") or article_id, text=article_text(article_id))
