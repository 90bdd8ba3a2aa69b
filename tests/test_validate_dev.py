"""`kg validate` on real articles: a sample of the development corpus, built with `kg build`, conforms
to the shapes (one zh label per entity, one entity per mention, one top category per entity …).

The sample is fixed: every 20th article of the corpus in name order, and the articles that once gave
violations (one name typed with half- and full-width brackets in two articles; a declared short
name a recogniser also read as a name of its own). Articles are read by path, never copied here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.corpus import add_article
from paths import DEV_CORPUS

KG = str(Path(sys.executable).parent / "kg")
EVERY = 20
ONCE_VIOLATING = (
    "finnsp-train-2176", "finnsp-train-2318", "finnsp-train-2986",  # （集团）/(集团), （上海）/(上海)
    "finnsp-eval-0086", "finnsp-train-0805", "finnsp-train-0856", "finnsp-train-2104",  # (以下简称X)
)

needs_dev = pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="development corpus not available")


def sample() -> list[Path]:
    every = sorted(DEV_CORPUS.glob("*.txt"))[::EVERY]
    return sorted({*every, *(DEV_CORPUS / f"{name}.txt" for name in ONCE_VIOLATING)})


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KG, *args], capture_output=True, text=True, timeout=300)


@needs_dev
@pytest.mark.slow
def test_a_sample_of_the_development_corpus_conforms_to_the_shapes(tmp_path):
    corpus, store = tmp_path / "corpus", str(tmp_path / "store")
    for path in sample():
        add_article(path, corpus)  # as `kg add` does: the text file becomes a corpus entry
    built = kg("build", "--corpus", str(corpus), "--store", store, "--no-pages")
    assert built.returncode == 0, built.stderr
    assert f"{len(sample())} built, 0 unchanged, 0 failed" in built.stdout + built.stderr
    checked = kg("validate", "--store", store)
    assert checked.returncode == 0, checked.stdout[:4000]
    assert "conforms" in checked.stdout
