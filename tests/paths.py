"""Where the tests find the project's and the workplace's files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_TEXT = SHARED / "corpus-seed" / "kuaishou-microloan-guangzhou-top10.txt"
SEED_GOLD = SHARED / "eval" / "gold" / "kuaishou-microloan-guangzhou-top10.json"
DEV_CORPUS = SHARED / "corpus-dev"
SCORER = SHARED / "eval" / "score.py"
CORPUS = ROOT / "corpus"
