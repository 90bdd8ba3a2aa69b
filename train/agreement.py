"""Inter-annotator agreement: the second annotation of each doubly annotated article scored
against the first with the project's scorer (F1 is symmetric in which side is 'gold').

    python -m train.agreement
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from train.texts import ROOT, SHARED


def main() -> int:
    second = sorted((ROOT / "train" / "gold" / "agreement").glob("*.json"))
    firsts = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in second:
            article_id = path.name.split(".")[0]
            first = next((ROOT / "train" / "gold").glob(f"*/{article_id}.json"), None)
            if first is None or first.parent.name == "agreement":
                continue
            firsts.append(str(first))
            shutil.copy(path, Path(tmp) / f"{article_id}.json")
        cmd = [sys.executable, str(SHARED / "eval" / "score.py"), *firsts, "--pred-dir", tmp]
        return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
