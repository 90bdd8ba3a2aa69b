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
    import jieba

    from kg.nlp import extract_article
    from kg.model import Article
    from kg.nlp import load_pipeline

    texts = _texts(int(mb * 1_000_000 / 3))  # ~3 bytes a character in UTF-8
    chars = sum(map(len, texts))
    load_pipeline()
    jieba.lcut("预热")
    # interleaved, article by article: a change in machine load hits both sides alike
    t_jieba = t_kg = 0.0
    for i, t in enumerate(texts):
        t0 = time.perf_counter()
        jieba.lcut(t)
        t1 = time.perf_counter()
        extract_article(Article(id=f"a{i}", title="", text=t))
        t2 = time.perf_counter()
        t_jieba += t1 - t0
        t_kg += t2 - t1
    return {"chars": chars, "jieba_cps": chars / t_jieba, "kg_cps": chars / t_kg, "ratio": t_jieba / t_kg}


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
    args = ap.parse_args()
    t = throughput(args.mb)
    print(f"extraction: {t['chars']:,} chars; jieba.lcut {t['jieba_cps']:,.0f} chars/s; "
          f"kg extract {t['kg_cps']:,.0f} chars/s; ratio {t['ratio']:.2f} x jieba.lcut")
    b = build_jobs(args.articles)
    print(f"build of {args.articles} articles: --jobs 1 {b['jobs1_s']:.1f} s, --jobs 2 {b['jobs2_s']:.1f} s, "
          f"speed-up {b['speedup']:.2f}x")


if __name__ == "__main__":
    main()
