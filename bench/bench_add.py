"""`kg add` of the dev articles: one process for all of them against one process per file (the old
way), in the same run; and what the near-duplicate check costs, with the signature cache (the
sidecar in the corpus folder) and without it, on the dev corpus and on one made from the 4,500
FinNSP texts.

    .venv/bin/python -m bench.bench_add [--files N] [--no-per-file]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")  # next to the project, or one level up from a git worktree
DEV = SHARED / "corpus-dev"
FINNSP = SHARED / "datasets" / "finnsp" / "texts.jsonl"
KG = str(Path(sys.executable).with_name("kg"))


def _kg_add(corpus: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KG, "add", "--corpus", str(corpus), "--no-progress", *args],
                          capture_output=True, text=True)


def _ids(corpus: Path) -> set[str]:
    return {p.stem for p in corpus.glob("*.md")}


def per_file_vs_bulk(files: list[Path], tmp: Path, per_file: bool) -> dict[str, float]:
    """Seconds for one `kg add` process with every file, and for one process per file; both
    must leave the same corpus (a near-duplicate refused by a single add is an exit code 1)."""
    bulk = tmp / "bulk"
    t0 = time.perf_counter()
    done = _kg_add(bulk, *map(str, files))
    out = {"bulk_s": time.perf_counter() - t0, "added": len(_ids(bulk))}
    assert done.returncode == 0, done.stderr[-2000:]
    if per_file:
        single = tmp / "single"
        t0 = time.perf_counter()
        for f in files:
            result = _kg_add(single, str(f))
            assert result.returncode == 0 or "duplicate" in result.stderr, result.stderr
        out["per_file_s"] = time.perf_counter() - t0
        assert _ids(single) == _ids(bulk), _ids(single) ^ _ids(bulk)
    return out


def index_cost(corpus: Path, repeat: int = 3) -> dict[str, float]:
    """Seconds to open a corpus for adding (lock, read ids, digests and signatures, build the LSH),
    best of `repeat`: from the sidecar, and without it (every corpus file read; the sidecar is then
    written again, which is part of that cost)."""
    from kg.corpus import CorpusAdder
    from kg.neardup import SIDECAR

    def once() -> float:
        t0 = time.perf_counter()
        with CorpusAdder(corpus):
            pass
        return time.perf_counter() - t0

    once()  # writes the sidecar if missing, warms the file cache
    cached = min(once() for _ in range(repeat))
    cold = []
    for _ in range(repeat):
        (corpus / SIDECAR).unlink()
        cold.append(once())
    return {"articles": len(_ids(corpus)), "with_s": cached, "without_s": min(cold)}


def check_cost(corpus: Path, files: list[Path]) -> dict[str, float]:
    """Seconds per article for the duplicate check alone (digest, shingles, MinHash, candidates,
    exact comparison with them), for re-posts of `files` (their text and a line more: candidates
    found and compared) and for new texts (the same texts backwards: none found); and seconds to
    build the LSH over the corpus, which an add pays once after its first 64 queries."""
    from kg.corpus import CorpusAdder, draft_article
    from kg.errors import DuplicateArticleError
    from kg.neardup import SignatureIndex, load_sidecar

    texts = [f.read_text(encoding="utf-8") for f in files[:64]]
    kinds = {"repost": [draft_article(f"{t}\n（转载）", f"r{i}", f"r{i}") for i, t in enumerate(texts)],
             "new": [draft_article(t[::-1], f"n{i}", f"n{i}") for i, t in enumerate(texts)]}
    out = {}
    for kind, drafts in kinds.items():
        with CorpusAdder(corpus, similarity=0.7) as adder:
            t0 = time.perf_counter()
            for d in drafts:
                try:
                    adder.check(d)
                except DuplicateArticleError:
                    pass
            out[kind] = (time.perf_counter() - t0) / len(drafts)
    index = SignatureIndex(scan_queries=0)
    for name, entry in load_sidecar(corpus).items():
        index.add(name, entry.sig)
    t0 = time.perf_counter()
    index.candidates(entry.sig)
    out["lsh_s"] = time.perf_counter() - t0
    return out


def finnsp_corpus(tmp: Path) -> tuple[Path, dict[str, int], float]:
    from kg.importer import import_articles

    corpus = tmp / "finnsp"
    t0 = time.perf_counter()
    report = import_articles([FINNSP], corpus)
    spent = time.perf_counter() - t0
    counts = {"added": len(report.added), "near": len(report.near_duplicates),
              "same": len(report.duplicates), "failed": len(report.failed)}
    return corpus, counts, spent


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=0, help="only the first N dev articles (default: all)")
    ap.add_argument("--no-per-file", action="store_true", help="skip the one-process-per-file run")
    args = ap.parse_args(argv)
    files = sorted(DEV.glob("*.txt"))[:args.files or None]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        r = per_file_vs_bulk(files, tmp, not args.no_per_file)
        line = f"kg add of {len(files)} dev articles ({r['added']} added): one process {r['bulk_s']:.1f} s"
        if "per_file_s" in r:
            line += f", one process per file {r['per_file_s']:.1f} s, ratio {r['per_file_s'] / r['bulk_s']:.1f}x"
        print(line)
        corpora = [tmp / "bulk"]
        if FINNSP.is_file():
            corpus, counts, spent = finnsp_corpus(tmp)
            print(f"kg add of the 4,500 FinNSP records (JSON Lines): {spent:.1f} s, {4500 / spent:.0f} records/s; "
                  f"added {counts['added']}, near-duplicates {counts['near']}, same text {counts['same']}, "
                  f"failed {counts['failed']}")
            corpora.append(corpus)
        for corpus in corpora:
            c = index_cost(corpus)
            per = check_cost(corpus, files)
            print(f"corpus of {c['articles']} articles: opening it for an add {c['with_s'] * 1000:.0f} ms with the "
                  f"sidecar, {c['without_s'] * 1000:.0f} ms without ({c['without_s'] / c['with_s']:.0f}x; "
                  f"{c['without_s'] / c['articles'] * 1000:.1f} ms per corpus article); duplicate check per "
                  f"article {per['repost'] * 1000:.1f} ms for a re-post, {per['new'] * 1000:.1f} ms for a new one; "
                  f"LSH built in {per['lsh_s'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
