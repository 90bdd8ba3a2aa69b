"""Where the tests find the project's and the workplace's files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the workplace's shared folder sits next to the project (/work/main → /work/shared), or one level
# further up for a git worktree (/work/wt/A → /work/shared)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")
SEED_TEXT = SHARED / "corpus-seed" / "kuaishou-microloan-guangzhou-top10.txt"
SEED_GOLD = SHARED / "eval" / "gold" / "kuaishou-microloan-guangzhou-top10.json"
DEV_CORPUS = SHARED / "corpus-dev"
SCORER = SHARED / "eval" / "score.py"
CORPUS = ROOT / "corpus"
