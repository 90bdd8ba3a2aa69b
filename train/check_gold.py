"""Check gold annotation files for structure (ids, categories, predicates, metrics, periods).

    python3 train/check_gold.py FILE.json...

Standard library only, so annotators can run it without the project installed. It never
looks at extraction output. Exit status 1 when any file has a problem.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CATEGORIES = {"Lender", "Platform", "Regulator", "Regulation", "Product", "Place", "Organization", "Person"}
PREDICATES = {"subsidiaryOf", "shareholderOf", "operates", "partnerOf", "locatedIn", "issuedBy",
              "penalizedBy", "acquired", "renamedTo"}
METRICS = {"RegisteredCapital", "LoanBalance", "LoanIssuance", "Revenue", "NetProfit", "TotalAssets",
           "CompanyCount", "GMV", "DAU", "MAU", "MonthlyBuyers", "Users", "InterestRate", "PenaltyAmount",
           "LoanBalanceRank", "LoanIssuanceRank", "RevenueRank", "NetProfitRank"}
EVENTS = {"LicenseGranted", "LicenseRevoked", "CapitalIncrease", "Penalty", "RegulationIssued",
          "RegulationEffective", "Acquisition", "Renaming"}
UNITS = {"CNY", "USD", "count", "percent", "rank"}
PERIOD = re.compile(r"(\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?)?")


def problems(gold: dict) -> list[str]:
    out: list[str] = []
    art = gold.get("article") or {}
    if not art.get("id"):
        out.append("article.id missing")
    ids = [e.get("id") for e in gold.get("entities", [])]
    if len(ids) != len(set(ids)):
        out.append("duplicate entity ids")
    known = set(ids)
    for e in gold.get("entities", []):
        cats = e.get("category")
        if not isinstance(cats, list) or not cats or set(cats) - CATEGORIES:
            out.append(f"entity {e.get('id')}: category must be a non-empty list of {sorted(CATEGORIES)}")
        if not e.get("name"):
            out.append(f"entity {e.get('id')}: no name")
        if not isinstance(e.get("aliases", []), list):
            out.append(f"entity {e.get('id')}: aliases must be a list")

    def refs(item: dict, where: str, keys: tuple[str, ...]) -> None:
        for alt in [item] + list(item.get("alternatives", []) or []):
            for k in keys:
                if k in alt and alt[k] is not None and alt[k] not in known:
                    out.append(f"{where}: {k} {alt[k]!r} is not an entity id")

    for r in gold.get("relations", []):
        if r.get("predicate") not in PREDICATES:
            out.append(f"relation: unknown predicate {r.get('predicate')!r}")
        refs(r, f"relation {r.get('subject')} {r.get('predicate')}", ("subject", "object"))
    for o in gold.get("observations", []):
        if o.get("metric") not in METRICS:
            out.append(f"observation: unknown metric {o.get('metric')!r}")
        if not isinstance(o.get("value"), (int, float)):
            out.append(f"observation {o.get('metric')}: value must be a number")
        if o.get("unit") not in UNITS:
            out.append(f"observation {o.get('metric')}: unit must be one of {sorted(UNITS)}")
        if not PERIOD.fullmatch(o.get("period", "")):
            out.append(f"observation {o.get('metric')}: bad period {o.get('period')!r}")
        refs(o, f"observation {o.get('metric')}", ("subject",))
    for ev in gold.get("events", []):
        if ev.get("type") not in EVENTS:
            out.append(f"event: unknown type {ev.get('type')!r}")
        if not PERIOD.fullmatch(ev.get("date", "") or ""):
            out.append(f"event {ev.get('type')}: bad date {ev.get('date')!r}")
        refs(ev, f"event {ev.get('type')}", ("subject", "object"))
    return out


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        try:
            found = problems(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            found = [f"unreadable: {exc}"]
        for line in found:
            print(f"{path}: {line}")
        bad += bool(found)
    print(f"{len(paths) - bad} ok, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
