"""Research-scale corpora: how build, rebuilds, pages, queries, memory and store size grow with the
number of articles. Not a test: it prints a table (and writes it as JSON) and asserts nothing.

    .venv/bin/python -m bench.bench_scale                       # 1,000 and 5,000 articles
    .venv/bin/python -m bench.bench_scale --sizes 1000 5000 50000 --jobs 2

Articles are made from real text: each is two records of ../shared/datasets/finnsp/texts.jsonl or
../shared/corpus-dev/ (4,728 texts), chosen by a seeded generator, so a corpus of any size has
distinct articles whose names recur the way news names recur. Every stage runs `kg` in its own
process, as a user would, timed from outside; peak memory is the largest process's maximum
resident set (/usr/bin/time), store size the store folder on disk. Per size:

- build: `kg build --no-pages` on the fresh corpus (extraction with the shipped models, entity
  graph, inference);
- pages: `kg viz` into an empty folder;
- no-change: `kg build` again (pages on): nothing to extract, no page to draw;
- one article: one article edited, then `kg build` (pages on);
- queries: every canned query, in one process on the built store, the slowest of 3 runs each.

    .venv/bin/python -m bench.bench_scale --replay /tmp/kg-bench-scale/n1000/corpus --factors 1 5 50

measures everything but extraction at 50,000 articles in a session's time: a kept corpus is
extracted once (its cost per article reported), then 1×, 5× and 50× copies of it (new ids, same
text) are built for real — store writes, entity graph, inference — with those facts replayed,
then drawn, rebuilt with nothing changed and with one article changed (extracted for real), and
queried. Extraction is per-article work with no shared state, so the full build at N articles is
N × extract_ms_per_article / jobs plus the measured rest.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from paths import DEV_CORPUS, SHARED  # noqa: E402

KG = str(Path(sys.executable).with_name("kg"))
RECORDS = SHARED / "datasets" / "finnsp" / "texts.jsonl"


def real_texts() -> list[tuple[str, str]]:
    """(title, text) of every finnsp record and development article, in a fixed order."""
    texts = []
    with open(RECORDS, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("text", "").strip():
                texts.append((record.get("title") or record["text"][:30], record["text"]))
    for path in sorted(DEV_CORPUS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        title, _, text = body.partition("\n")
        texts.append((title.strip(), text.strip() or title))
    return texts


def make_corpus(folder: Path, size: int, seed: int = 7) -> None:
    """`size` articles, each two real texts joined, with ids, titles and dates from a seeded generator."""
    texts = real_texts()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2015, 1, 1)
    for i in range(size):
        (t1, a), (_, b) = rng.choice(texts), rng.choice(texts)
        title = re.sub(r"\s+", " ", t1)[:60].replace('"', "'") or f"article {i}"
        published = start + timedelta(days=rng.randrange(6 * 365))
        front = f'---\nid: scale-{i:06d}\ntitle: "{title}"\npublished: {published.isoformat()}\n---\n'
        (folder / f"scale-{i:06d}.md").write_text(front + a.strip() + "\n\n" + b.strip() + "\n", encoding="utf-8")


def dev_corpus(folder: Path) -> int:
    """The 228 development articles as a corpus of their own (kg add's checks; the one exact
    duplicate among them is refused, as kg add refuses it)."""
    from kg.corpus import add_article
    from kg.errors import DuplicateArticleError

    folder.mkdir(parents=True, exist_ok=True)
    added = 0
    for path in sorted(DEV_CORPUS.glob("*.txt")):
        try:
            add_article(path, folder)
            added += 1
        except DuplicateArticleError:
            pass
    return added


def run_kg(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak resident memory (MB) of one `kg` command."""
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", KG, *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"kg {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb // 1024


def query_latencies(store_path: Path) -> dict[str, float]:
    """The slowest of three runs of every canned query: unbound (every row: the answer grows with
    the corpus) and, where it takes a name, about the most-mentioned lender (or place), as a
    researcher asks it ("name@" keys)."""
    from kg.query import canned_queries, cell, run
    from kg.store import open_store

    def slowest(store, name: str, params: dict[str, str]) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            run(store, name, params)
            times.append(time.perf_counter() - t0)
        return max(times)

    out = {}
    with open_store(store_path, read_only=True) as store:
        top = {category: cell(run(store, "entities", {"category": category}).dicts()[0]["name"])
               for category in ("Lender", "Place")}
        names = {"entity_name": top["Lender"], "owner_name": top["Lender"], "place_name": top["Place"]}
        for name, query in canned_queries().items():
            out[name] = slowest(store, name, {})
            bound = {p.name: names[p.name] for p in query.params if p.name in names}
            if bound:
                out[f"{name}@"] = slowest(store, name, bound)
    return out


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(size: int, work: Path, jobs: int) -> dict[str, object]:
    """size 0: the development articles as they are."""
    base = work / f"n{size}"
    shutil.rmtree(base, ignore_errors=True)
    corpus, store, pages = base / "corpus", base / "store", base / "pages"
    if size:
        make_corpus(corpus, size)
    else:
        size = dev_corpus(corpus)
    env = {**os.environ, "KG_CORPUS": str(corpus), "KG_STORE": str(store), "KG_OUTPUT": str(pages)}
    row: dict[str, object] = {"articles": size}
    row["build_s"], row["build_peak_mb"] = run_kg(["build", "--jobs", str(jobs), "--no-pages"], env)
    row["pages_s"], row["pages_peak_mb"] = run_kg(["viz"], env)
    row["nochange_s"], _ = run_kg(["build", "--jobs", str(jobs)], env)
    edited = sorted(corpus.glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n青松小额贷款有限公司与快手达成合作。\n", encoding="utf-8")
    row["one_article_s"], _ = run_kg(["build", "--jobs", str(jobs)], env)
    latencies = query_latencies(store)
    row["slowest_query"] = max(latencies, key=latencies.get)
    row["slowest_query_s"] = round(max(latencies.values()), 3)
    row["store_mb"] = round(folder_mb(store), 1)
    row["pages"] = sum(1 for _ in pages.rglob("*.html"))
    row["build_ms_per_article"] = round(1000 * row["build_s"] / size, 1)
    row["nochange_vs_full"] = round(row["nochange_s"] / (row["build_s"] + row["pages_s"]), 3)
    for key in ("build_s", "pages_s", "nochange_s", "one_article_s"):
        row[key] = round(row[key], 1)
    return row


@dataclasses.dataclass(frozen=True)
class Replay:
    """An executor that hands back extractions made earlier: copy k of a source article gets the
    source's facts under its own id, so the build's write path runs for real at any size."""

    cache: dict

    def extract(self, articles):
        for article in articles:
            source = self.cache[re.sub(r"r\d+$", "", article.id)]
            yield article, dataclasses.replace(source, article=article)


def replay_corpus(source: Path, folder: Path, factor: int) -> int:
    """`factor` copies of every article of a kept corpus (scale-000123, scale-000123r1 …), each
    copy's text ending in its own line (转载编号k) as a re-post would."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for k in range(factor):
            new_id = path.stem if k == 0 else f"{path.stem}r{k}"
            copy = text.replace(f"id: {path.stem}\n", f"id: {new_id}\n", 1)
            if k:  # a corpus refuses two articles with the same text; the facts' offsets stay valid
                copy = copy.rstrip("\n") + f"\n\n转载编号{k}。\n"
            (folder / f"{new_id}.md").write_text(copy, encoding="utf-8")
            count += 1
    return count


def replay_build(cache_file: Path, corpus: Path, store_path: Path) -> None:
    """In a child process: a real build (store writes, entity graph, inference) with the replayed
    extractions; prints seconds and the process's peak memory."""
    import pickle
    import resource

    from kg.build import build
    from kg.store import open_store

    cache = pickle.loads(cache_file.read_bytes())
    t0 = time.perf_counter()
    with open_store(store_path) as store:
        report = build(corpus, store, infer=True, executor=Replay(cache))
    assert report.ok, report.failed[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"write_s": round(time.perf_counter() - t0, 1), "write_peak_mb": peak}))


def extract_sources(corpus: Path, cache_file: Path, jobs: int) -> float:
    """Extract a kept corpus once (the shipped models); the facts are pickled for the replays."""
    import pickle

    from kg.corpus import iter_corpus
    from kg.executors import Processes

    articles = [a for a in iter_corpus(corpus) if not isinstance(a, Exception)]
    t0 = time.perf_counter()
    cache = {a.id: x for a, x in Processes(jobs).extract(articles)}
    cache_file.write_bytes(pickle.dumps(cache))
    return time.perf_counter() - t0


def measure_replayed(source: Path, factors: list[int], work: Path, jobs: int,
                     reuse: bool = False, keep: bool = False) -> list[dict[str, object]]:
    """Everything but extraction at factor × the source corpus, timed the same way at each size.
    `reuse`: the extractions of an earlier run in `work` are replayed again (before/after runs of
    the same code path need not pay for extraction twice); its cost per article is then unknown (0)."""
    cache = work / "extractions.pickle"
    work.mkdir(parents=True, exist_ok=True)
    seconds = 0.0 if reuse and cache.exists() else extract_sources(source, cache, jobs)
    sources = len(list(source.glob("*.md")))
    rows = []
    for factor in factors:
        base = work / f"replay-x{factor}"
        shutil.rmtree(base, ignore_errors=True)
        corpus, store, pages = base / "corpus", base / "store", base / "pages"
        size = replay_corpus(source, corpus, factor)
        row: dict[str, object] = {"articles": size, "extract_ms_per_article": round(1000 * seconds / sources, 1)}
        done = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[4]); "
                               "from bench.bench_scale import replay_build; from pathlib import Path; "
                               "replay_build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))",
                               str(cache), str(corpus), str(store), str(ROOT)], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        row.update(json.loads(done.stdout.strip().splitlines()[-1]))
        row["write_ms_per_article"] = round(1000 * row["write_s"] / size, 2)
        env = {**os.environ, "KG_CORPUS": str(corpus), "KG_STORE": str(store), "KG_OUTPUT": str(pages)}
        row["pages_s"], row["pages_peak_mb"] = run_kg(["viz"], env)
        row["nochange_s"], row["nochange_peak_mb"] = run_kg(["build", "--jobs", str(jobs)], env)
        edited = corpus / f"{sorted(source.glob('*.md'))[0].stem}.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\n青松小额贷款有限公司与快手达成合作。\n", encoding="utf-8")
        row["one_article_s"], _ = run_kg(["build", "--jobs", str(jobs)], env)
        latencies = query_latencies(store)
        row["queries_s"] = {k: round(v, 3) for k, v in latencies.items()}
        row["store_mb"] = round(folder_mb(store), 1)
        row["pages"] = sum(1 for _ in pages.rglob("*.html"))
        for key in ("pages_s", "nochange_s", "one_article_s"):
            row[key] = round(row[key], 1)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000],
                        help="corpus sizes; 0 is the 228 development articles as they are")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-scale"))
    parser.add_argument("--keep", action="store_true", help="keep the corpora and stores")
    parser.add_argument("--replay", type=Path, metavar="CORPUS",
                        help="extract this corpus once, then build --factors copies of it with those facts")
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 5, 50])
    parser.add_argument("--reuse", action="store_true",
                        help="with --replay: replay the extractions kept in --work by an earlier run")
    args = parser.parse_args(argv)
    if args.replay:
        rows = measure_replayed(args.replay, args.factors, args.work, args.jobs, args.reuse, args.keep)
        (args.work / "replayed.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.work, args.jobs))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        if not args.keep:
            shutil.rmtree(args.work / f"n{size}", ignore_errors=True)
    first = rows[0]
    print(f"\n{'articles':>8} {'build s':>8} {'ms/art':>7} {'×first':>6} {'peak MB':>7} {'pages s':>8} "
          f"{'no-chg s':>8} {'one s':>6} {'slowest query':>24} {'store MB':>8}")
    for r in rows:
        ratio = r["build_ms_per_article"] / first["build_ms_per_article"]
        print(f"{r['articles']:>8} {r['build_s']:>8} {r['build_ms_per_article']:>7} {ratio:>6.2f} "
              f"{r['build_peak_mb']:>7} {r['pages_s']:>8} {r['nochange_s']:>8} {r['one_article_s']:>6} "
              f"{r['slowest_query'] + ' ' + str(r['slowest_query_s']):>24} {r['store_mb']:>8}")
    (args.work / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
