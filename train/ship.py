"""Copy trained pipelines into the package (src/kg/models/) and write the model card.

    python -m train.ship train/runs/ner-a train/runs/rel-a

Keeps only what loading needs (config, meta, weights, vocab strings), so the package stays
small; the extractor fingerprint changes with every shipped file (trained.model_digest).
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

from train.texts import ROOT

MODELS = ROOT / "src" / "kg" / "models"


def ship(run: Path, name: str) -> dict:
    source = run / "model-best"
    target = MODELS / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return {"name": name, "run": run.name, "size_bytes": size, "performance": meta.get("performance", {}),
            "pipeline": meta.get("pipeline"), "spacy_version": meta.get("spacy_version")}


def main(ner_run: str, rel_run: str) -> None:
    MODELS.mkdir(parents=True, exist_ok=True)
    card = {"date": date.today().isoformat(), "models": [ship(Path(ner_run), "ner"), ship(Path(rel_run), "rel")]}
    (MODELS / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    thresholds = MODELS / "thresholds.json"
    if not thresholds.exists():
        thresholds.write_text(json.dumps({"relation": 0.5}) + "\n", encoding="utf-8")
    print(json.dumps(card, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:3])
