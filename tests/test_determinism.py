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
