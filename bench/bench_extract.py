"""Extraction throughput on the dev corpus, repeated to several MB, as a ratio to jieba.lcut on
the same text in the same process; and `kg build --jobs 2` against `--jobs 1` on 200 articles.

    .venv/bin/python -m bench.bench_extract [--mb 4] [--articles 200]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-dev"


def _texts(target_chars: int) -> list[str]:
    base = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))]
    out, size = [], 0
    while size < target_chars:
        for t in base:
            out.append(t)
            size += len(t)
            if size >= target_chars:
                break
    return out


def throughput(mb: float) -> dict[str, float]:
    """Seconds per side, interleaved article by article (a change in machine load hits all alike):
    jieba.lcut, extraction by rules alone, extraction with the models, and the recogniser alone."""
    import jieba

    from kg.nlp import extract_article
    from kg.model import Article
    from kg.nlp import load_pipeline

    texts = _texts(int(mb * 1_000_000 / 3))  # ~3 bytes a character in UTF-8
    chars = sum(map(len, texts))
    load_pipeline(False)
    make_doc, ner = load_pipeline(True).make_doc, load_pipeline(True).get_pipe("ner")
    jieba.lcut("预热")
    spent = {"jieba": 0.0, "rules": 0.0, "models": 0.0, "ner": 0.0}
    for i, t in enumerate(texts):
        article = Article(id=f"a{i}", title="", text=t)
        steps = {"jieba": lambda: jieba.lcut(t), "rules": lambda: extract_article(article, models=False),
                 "models": lambda: extract_article(article), "ner": lambda: ner(make_doc(t))}
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            spent[name] += time.perf_counter() - t0
    return {"chars": chars, **{f"{k}_s": v for k, v in spent.items()},
            "ratio_rules": spent["jieba"] / spent["rules"], "ratio": spent["jieba"] / spent["models"]}


def build_jobs(articles: int) -> dict[str, float]:
    from kg.build import build
    from kg.corpus import add_article
    from kg.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        sources = sorted(DEV.glob("*.txt"))
        for i in range(articles):
            src = sources[i % len(sources)]
            text = src.read_text(encoding="utf-8") + f"\n（第{i}篇）\n"  # distinct texts, not duplicates
            tmp_src = Path(tmp) / f"a{i:04d}.txt"
            tmp_src.write_text(text, encoding="utf-8")
            add_article(tmp_src, corpus, id=f"a{i:04d}")
        times = {}
        for jobs in (1, 2):
            store_dir = Path(tmp) / f"store{jobs}"
            with open_store(store_dir) as store:
                t0 = time.perf_counter()
                report = build(corpus, store, jobs=jobs)
                times[jobs] = time.perf_counter() - t0
                assert len(report.built) == articles, report.failed[:3]
            shutil.rmtree(store_dir)
    return {"jobs1_s": times[1], "jobs2_s": times[2], "speedup": times[1] / times[2]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--no-build", action="store_true", help="throughput only")
    args = ap.parse_args()
    t = throughput(args.mb)
    c = t["chars"]
    print(f"extraction: {c:,} chars; jieba.lcut {c / t['jieba_s']:,.0f} chars/s; rules alone "
          f"{c / t['rules_s']:,.0f} chars/s ({t['ratio_rules']:.2f} x jieba.lcut); with the models "
          f"{c / t['models_s']:,.0f} chars/s ({t['ratio']:.2f} x jieba.lcut)")
    rel = t["models_s"] - t["rules_s"] - t["ner_s"]
    print(f"cost per component, seconds: rules {t['rules_s']:.1f}, recogniser {t['ner_s']:.1f}, "
          f"relation classifier and its candidate pairs {rel:.1f}")
    if args.no_build:
        return
    b = build_jobs(args.articles)
    print(f"build of {args.articles} articles: --jobs 1 {b['jobs1_s']:.1f} s, --jobs 2 {b['jobs2_s']:.1f} s, "
          f"speed-up {b['speedup']:.2f}x")


if __name__ == "__main__":
    main()
