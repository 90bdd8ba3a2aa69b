"""Extraction does not depend on Python's hash seed: the same article gives the same output in
every process (sets and frozensets iterate in a seed-dependent order; extraction must never
let that order decide anything)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paths import DEV_CORPUS

KG = str(Path(sys.executable).parent / "kg")
# finnsp-train-1183 once gave 252 or 253 triples by hash seed (two derived short names of one
# legal name competed for the same place in set order); the others are ordinary dev articles
ARTICLES = ("finnsp-train-1183", "finnsp-train-0072", "finnsp-eval-0050", "finnsp-train-2757")
SEEDS = ("1", "5")  # 5 gave the other outcome for 1183 before the fix


def run_kg(seed: str, *args: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([KG, "extract", *args], capture_output=True, text=True, env=env, check=True,
                          timeout=300).stdout


@pytest.mark.slow
def test_output_is_the_same_under_two_hash_seeds():
    files = [DEV_CORPUS / f"{a}.txt" for a in ARTICLES]
    if not all(f.exists() for f in files):
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    jsonl = [run_kg(seed, *map(str, files), "--format", "jsonl") for seed in SEEDS]
    assert jsonl[0] == jsonl[1]
    turtle = [run_kg(seed, str(files[0]), "--format", "turtle") for seed in SEEDS]
    assert turtle[0] == turtle[1]


def _build_and_export(tmp: Path, corpus: Path, seed: str, jobs: int) -> dict[str, object]:
    """Each named graph of the exported store, with blank nodes canonicalised (rdflib.compare)."""
    from rdflib import Dataset
    from rdflib.compare import to_canonical_graph

    store = tmp / f"store-{seed}-{jobs}"
    env = {**os.environ, "PYTHONHASHSEED": seed, "KG_OUTPUT": str(tmp / f"out-{seed}-{jobs}")}
    subprocess.run([KG, "build", "--corpus", str(corpus), "--store", str(store), "--jobs", str(jobs),
                    "--no-pages"], env=env, check=True, capture_output=True, timeout=600)
    quads = subprocess.run([KG, "export", "--format", "nquads", "--store", str(store)], env=env, check=True,
                           capture_output=True, text=True, timeout=300).stdout
    # when a build ran is the only thing allowed to differ between two builds of one corpus
    kept = "\n".join(q for q in quads.splitlines() if "dateTime>" not in q)
    data = Dataset()
    data.parse(data=kept, format="nquads")
    return {str(g.identifier): set(to_canonical_graph(g)) for g in data.graphs() if len(g)}


@pytest.mark.slow
def test_the_same_corpus_gives_the_same_graph_whatever_the_seed_or_jobs(tmp_path):
    files = [DEV_CORPUS / f"{a}.txt" for a in ARTICLES]
    if not all(f.exists() for f in files):
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    corpus = tmp_path / "corpus"
    for f in files:
        subprocess.run([KG, "add", str(f), "--corpus", str(corpus)], check=True, capture_output=True, timeout=120)
    one = _build_and_export(tmp_path, corpus, "1", 1)
    two = _build_and_export(tmp_path, corpus, "5", 2)
    assert len(one) > len(ARTICLES) and sum(map(len, one.values())) > 500
    assert one.keys() == two.keys()
    for graph in one:
        assert one[graph] == two[graph], (graph, sorted(one[graph] ^ two[graph])[:5])
