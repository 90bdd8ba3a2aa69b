"""The model card: src/kg/models/card.json (written by ship, evaluate and finner_eval) rendered
as MODEL_CARD.md next to the models.

    python -m train.card
"""

from __future__ import annotations

import json

from train.ship import MODELS

DATA = """\
- In-domain annotations (blind, from `docs/annotation-guide.md`): `train/gold/train` and
  `tests/gold` for training, `train/gold/dev` for choosing designs and the relation threshold;
  `train/gold/holdout` is never read by training (scored once, as the headline figure).
- FinNER train (entity strings located in the text; types mapped in `train/labels.py`) and
  FinRE train (relation labels mapped to contract predicates), both from `../shared/datasets/`.
- Texts are read from `../shared/` at training time; the package holds only the weights."""


def update(section: str, values: dict) -> None:
    """Record figures in card.json under `section` (dev, finner_eval, …)."""
    path = MODELS / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault("scores", {})[section] = values
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def render() -> str:
    card = json.loads((MODELS / "card.json").read_text(encoding="utf-8"))
    lines = ["# Model card: fintech-kg trained extraction", "", f"Trained: {card['date']} (`make train`, CPU).", "",
             "## Models", "", "| model | what | size | component score on dev |", "|---|---|---|---|"]
    what = {"ner": "entity recogniser (ORG, GOV, LAW, PRODUCT, PLACE, PERSON) over jieba tokens",
            "rel": "relation classifier over marked pairs of mentions (contract predicates, inverses, NONE)"}
    for m in card["models"]:
        perf = m["performance"]
        score = f"ents F1 {perf['ents_f']:.3f}" if "ents_f" in perf else f"macro F1 {perf.get('cats_score', 0):.3f}"
        lines.append(f"| {m['name']} | {what[m['name']]} | {m['size_bytes'] / 1e6:.1f} MB | {score} |")
    lines += ["", "## Data", "", DATA, "", "## Scores of the whole extractor (rules + models)", ""]
    for section, values in card.get("scores", {}).items():
        lines.append(f"- {section}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    lines += ["", "## Use", "", "Rules and the registry keep precedence; model names fill gaps, model relations are kept",
              "above the relation threshold (`thresholds.json`) and only between kinds the predicate admits.",
              "Every statement carries `kg:foundBy` and `kg:confidence` in the graph."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (MODELS / "MODEL_CARD.md").write_text(render(), encoding="utf-8")
