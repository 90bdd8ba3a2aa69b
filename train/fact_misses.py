"""Why each gold observation and event the extractor misses on a split is missed, and which of its
own it adds: counted by cause and by metric or event type, with the sentence that tells it.

    python -m train.fact_misses train [--list] [--fp] [--layer observations|events]

Observation causes, checked from the one closest to success down:
  period-wrong       found with the gold metric and value, at an incompatible period
  metric-other       the gold value and period found, under another metric
  value-not-parsed   no number in the text reads as the gold value (unit or numeral not understood)
  cue-unknown        the value is there, but no cue of the gold metric in its sentence
  cue-after          a cue of the metric only after the value, or beyond reach before it
  other-cue-nearer   another metric's cue sits between the metric's cue and the value
  unit-kind          the cue does not take this kind of quantity (count for money …)
  date-missing       cue and value, but no time in the sentence or carried to it
  subject-missing    cue, value and time, but no company or market to own the figure
  filtered           all of that, and a guard left it out (threshold, forecast, per borrower …)
Event causes:
  date-wrong / date-missing   the gold type and subject found, with another date or none
  subject-other      the gold type and date found, about another entity
  subject-not-found  no extracted entity matches the gold subject
  cue-unknown        no sentence naming the subject has a cue of the type
  cue-no-event       a sentence names the subject and a cue of the type, but no event came of it
Only the dev and train splits are for measuring (the holdout is blind).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from train.relation_misses import scorer
from train.texts import gold_article, gold_files, load_gold

OBSERVATION_CAUSES = ("period-wrong", "metric-other", "value-not-parsed", "cue-unknown", "cue-after",
                      "other-cue-nearer", "unit-kind", "date-missing", "subject-missing", "filtered")
EVENT_CAUSES = ("date-wrong", "date-missing", "subject-other", "subject-not-found", "cue-unknown", "cue-no-event")


@dataclass(frozen=True)
class Miss:
    article: str
    layer: str  # observations or events; "fp-…" for a false positive
    kind: str  # metric or event type
    cause: str
    gold: str  # the gold item, briefly
    sentence: str


def event_cues() -> dict[str, re.Pattern[str]]:
    """The cue each event type's finder looks for (kg.extract.events), to tell an unknown cue apart."""
    from kg.extract import events as ev
    from kg.extract.lexicon import alternation, words

    return {"LicenseGranted": ev.LICENSE_GRANTED, "LicenseRevoked": ev.LICENSE_REVOKED, "CapitalIncrease": ev.CAPITAL,
            "Penalty": ev.PENALTY, "RegulationIssued": ev.ISSUED, "RegulationEffective": ev.EFFECTIVE,
            "Acquisition": re.compile(alternation(words("events", "acquired"))),
            "Renaming": re.compile(alternation(words("common", "renaming_verbs")) + "|原名|原为|曾用名")}


def extract_with_sentences(path: Path):
    """The extraction as train.evaluate makes it, and every sentence with the topic in force."""
    import kg.extract as pipeline
    from kg import nlp

    seen: list[tuple] = []
    original = pipeline.observations_in

    def recording(sentence, topic, as_of=None):
        seen.append((sentence, topic, as_of))
        return original(sentence, topic, as_of)

    pipeline.observations_in = recording
    try:
        gold = load_gold(path)
        return nlp.extract_article(gold_article(path, gold), models=True), seen
    finally:
        pipeline.observations_in = original


def _short(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + "…"


def observation_cause(g: dict, preds: list[dict], seen: list[tuple], score) -> tuple[str, str]:
    """The cause of one gold observation being missed, and the sentence it is told in."""
    from kg.extract import observations as obs

    for p in preds:
        if p["metric"] == g["metric"] and score.value_ok(g["value"], p["value"]):
            return "period-wrong", f"got {p['period']}: {p['evidence']['text']}"
    for p in preds:
        if score.value_ok(g["value"], p["value"]) and score.period_ok(g.get("period"), p["period"]):
            return "metric-other", f"as {p['metric']}: {p['evidence']['text']}"
    hits = [(s, topic, as_of, q) for s, topic, as_of in seen for q in s.quantities
            if score.value_ok(g["value"], q.value) or (g["metric"].endswith("Rank") and q.value == g["value"])]
    if not hits:
        return "value-not-parsed", _value_context(g, seen)
    order = {c: i for i, c in enumerate(OBSERVATION_CAUSES)}
    best = min((_quantity_cause(g, s, topic, as_of, q, obs) for s, topic, as_of, q in hits),
               key=lambda c: -order[c[0]])  # the cause closest to success over every place the value is
    return best


def _quantity_cause(g: dict, s, topic, as_of, q, obs) -> tuple[str, str]:
    cues = obs._cues(s)
    mine = [c for c in cues if c.metric == g["metric"]]
    if not mine:
        return "cue-unknown", s.text
    before = [c for c in mine if c.end <= q.start and q.start - c.end <= obs._MAX_GAP]
    if not before:
        return "cue-after", s.text
    cue = before[-1]
    if any(c.start >= cue.end and c.end <= q.start for c in cues if c.metric != g["metric"]):
        return "other-cue-nearer", s.text
    if q.kind not in cue.kinds:
        return "unit-kind", f"[{q.kind} {q.unit_text}] {s.text}"
    if not s.period_at(q.start):
        return "date-missing", s.text
    if obs._subject(s, cue.start, topic) is None:
        return "subject-missing", s.text
    return "filtered", s.text


def _value_context(g: dict, seen: list[tuple]) -> str:
    """The sentence with the most digits of the gold value in it (for a value that is not parsed)."""
    digits = re.sub(r"\D", "", f"{float(g['value']):.6g}".split("e")[0]).rstrip("0")[:3] or "?"
    found = next((s.text for s, _, _ in seen if digits in re.sub(r"\D", "", s.text)), "")
    return found or f"(no sentence with {digits})"


def event_cause(g: dict, preds: list[dict], mapping: dict, gold: dict, seen: list[tuple], score) -> tuple[str, str]:
    """The cause of one gold event being missed, and the sentence that tells it (or names its subject)."""
    subjects = {g.get("subject")} | {a.get("subject") for a in g.get("alternatives", []) or []}
    for p in preds:
        if p["type"] == g["type"] and mapping.get(str(p["subject"])) in subjects:
            return ("date-missing" if not p["date"] else "date-wrong"), f"got {p['date']!r}: {p['evidence']['text']}"
    for p in preds:
        if p["type"] == g["type"] and score.period_ok(g.get("date"), p["date"]):
            return "subject-other", f"about {p['subject']}: {p['evidence']['text']}"
    found = {pid for pid, gid in mapping.items() if gid in subjects}
    names = {n for e in gold.get("entities", []) if e["id"] in subjects for n in [e["name"], *e.get("aliases", [])]}
    if not found:
        return "subject-not-found", _first(seen, lambda s: any(n in s.text for n in names)) or f"(names {names})"
    cue = event_cues()[g["type"]]
    naming = [s for s, _, _ in seen if any(slot.entity.id in found for slot in s.slots)]
    with_cue = [s for s in naming if cue.search(s.text)]
    if with_cue:
        return "cue-no-event", with_cue[0].text
    return "cue-unknown", _first(seen, lambda s: any(n in s.text for n in names)) or ""


def _first(seen, test) -> str:
    return next((s.text for s, _, _ in seen if test(s)), "")


def article_misses(path: Path, score, layers: tuple[str, ...]) -> list[Miss]:
    from kg.contract import to_contract

    gold = load_gold(path)
    extraction, seen = extract_with_sentences(path)
    pred = to_contract(extraction)
    mapping, _, _ = score.match_entities(gold, pred)
    article = gold["article"]["id"]
    names = {g["id"]: g["name"] for g in gold.get("entities", [])}
    pred_names = {e["id"]: e["name"] for e in pred["entities"]}
    out: list[Miss] = []
    if "observations" in layers:
        gold_obs, preds = gold.get("observations", []), pred["observations"]

        def same_obs(g, p):
            return (g.get("metric") == p.get("metric") and score.value_ok(g.get("value"), p.get("value"))
                    and score.period_ok(g.get("period"), p.get("period")))

        used = _used(gold_obs, preds, same_obs, score)
        for i, g in enumerate(gold_obs):
            if i not in used[0] and not g.get("optional"):
                cause, sentence = observation_cause(g, preds, seen, score)
                out.append(Miss(article, "observations", g["metric"], cause,
                                f"{names.get(g['subject'], g['subject'])} {g['value']:g} {g.get('period')}", sentence))
        for p in used[1]:
            out.append(Miss(article, "fp-observations", p["metric"], _fp_cause(p, gold_obs, score, "metric"),
                            f"{pred_names.get(p['subject'])} {p['value']:g} {p['period']}", p["evidence"]["text"]))
    if "events" in layers:
        gold_events, preds = gold.get("events", []), pred["events"]

        def same_event(g, p):
            subjects = {g.get("subject")} | {a.get("subject") for a in g.get("alternatives", []) or []}
            return (g.get("type") == p.get("type") and mapping.get(str(p.get("subject"))) in subjects
                    and score.period_ok(g.get("date"), p.get("date")))

        used = _used(gold_events, preds, same_event, score)
        for i, g in enumerate(gold_events):
            if i not in used[0] and not g.get("optional"):
                cause, sentence = event_cause(g, preds, mapping, gold, seen, score)
                out.append(Miss(article, "events", g["type"], cause,
                                f"{names.get(g['subject'], g['subject'])} {g.get('date')}", sentence))
        for p in used[1]:
            out.append(Miss(article, "fp-events", p["type"], _fp_cause(p, gold_events, score, "type"),
                            f"{pred_names.get(p['subject'])} {p['date']}", p["evidence"]["text"]))
    return out


def _used(gold_items: list[dict], preds: list[dict], same, score) -> tuple[set[int], list[dict]]:
    """The gold items matched (as the scorer matches them) and the predictions that matched none."""
    used: set[int] = set()
    unmatched = []
    for p in preds:
        hit = next((i for i, g in enumerate(gold_items) if i not in used and same(g, p)), None)
        if hit is None:
            unmatched.append(p)
        else:
            used.add(hit)
    return used, unmatched


def _fp_cause(p: dict, gold_items: list[dict], score, key: str) -> str:
    """A false positive close to a gold item (same kind, another period/date or subject), or none."""
    same_kind = [g for g in gold_items if g.get(key) == p[key]]
    if key == "metric":
        if any(score.value_ok(g["value"], p["value"]) for g in same_kind):
            return "gold-value-other-period"
        return "kind-in-gold" if same_kind else "not-in-gold"
    return "kind-in-gold" if same_kind else "not-in-gold"


def table(misses: list[Miss], layer: str, causes: tuple[str, ...]) -> str:
    rows = [m for m in misses if m.layer == layer]
    kinds = sorted({m.kind for m in rows})
    counts = Counter((m.cause, m.kind) for m in rows)
    order = list(causes) + sorted({m.cause for m in rows} - set(causes))
    lines = [f"{layer}: {len(rows)}", "cause".ljust(20) + "".join(k[:11].rjust(12) for k in kinds) + "total".rjust(8)]
    for cause in order:
        row = [counts[(cause, k)] for k in kinds]
        if sum(row):
            lines.append(cause.ljust(20) + "".join(str(n).rjust(12) for n in row) + str(sum(row)).rjust(8))
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", choices=("dev", "train"))
    ap.add_argument("--layer", choices=("observations", "events"), help="one layer only")
    ap.add_argument("--list", action="store_true", help="one line per miss, with its sentence")
    ap.add_argument("--fp", action="store_true", help="list the false positives too")
    args = ap.parse_args(argv)
    layers = (args.layer,) if args.layer else ("observations", "events")
    score = scorer()
    misses = [m for path in gold_files(args.split) for m in article_misses(path, score, layers)]
    if args.list:
        for m in sorted(misses, key=lambda m: (m.layer, m.kind, m.cause)):
            if m.layer.startswith("fp-") and not args.fp:
                continue
            print(f"{m.layer}\t{m.kind}\t{m.cause}\t{m.article}\t{m.gold}\t{_short(m.sentence)}")
    for layer in layers:
        print(table(misses, layer, OBSERVATION_CAUSES if layer == "observations" else EVENT_CAUSES))
        print(table(misses, "fp-" + layer, ("gold-value-other-period", "kind-in-gold", "not-in-gold")))


if __name__ == "__main__":
    main()
