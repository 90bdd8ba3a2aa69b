"""Reading the store while a build writes it: answers from the last finished build, never a lock error.

Builds run as real subprocesses on a corpus large enough that they hold the store for a while;
a test reads while it can see (by the store's lock) that the build is writing, and checks that
the build was still writing when the reads were done. Nothing is mocked or timed.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from paths import CORPUS, DEV_CORPUS
from kg.snapshots import open_reader, refresh_snapshot, snapshots_folder
from kg.store import KEEP_LOGS, EmbeddedStore
from test_outputs import corpus_file, kg, run_kg

COUNT_ARTICLES = ("PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                  "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }")


def store_is_being_written(store: Path) -> bool:
    """Whether another process holds the store's lock (RocksDB takes an fcntl lock on LOCK)."""
    try:
        fd = os.open(store / "LOCK", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def wait_until_writing(proc, store: Path) -> None:
    while not store_is_being_written(store):
        assert proc.poll() is None, f"the build ended before it was seen writing: {proc.communicate()}"


def articles_in(cwd: Path) -> int:
    result = run_kg("query", COUNT_ARTICLES, "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


def add_dev_articles(project: Path, n: int | None = None, copies: int = 1) -> int:
    """Dev articles as corpus files; each copy after the first has a line of its own (another text)."""
    files = sorted(DEV_CORPUS.glob("*.txt"))[:n]
    for f in files:
        text = f.read_text(encoding="utf-8")
        for c in range(copies):
            corpus_file(project / "corpus", f"{f.stem}-{c}", text + (f"\n（第{c}次转载）" if c else ""))
    return len(files) * copies


@pytest.mark.slow
def test_query_export_validate_and_viz_answer_from_the_last_build_while_a_build_writes(project):
    store = project / "output" / "store"
    assert run_kg("build", "--no-infer", "--no-pages", cwd=project).returncode == 0
    assert articles_in(project) == 1
    added = add_dev_articles(project, copies=2)  # a build that holds the store for a while

    build = kg("build", "--no-infer", "--no-pages", cwd=project)
    try:
        wait_until_writing(build, store)
        reads = {
            "count": kg("query", COUNT_ARTICLES, "--format", "json", cwd=project),
            "entities": kg("query", "entities", "--format", "csv", cwd=project),
            "export": kg("export", "--format", "nquads", cwd=project),
            "validate": kg("validate", cwd=project),
            "viz": kg("viz", "-o", str(project / "site"), cwd=project),
        }
        done = {name: (*p.communicate(timeout=600), p.returncode) for name, p in reads.items()}
        assert store_is_being_written(store), "the build finished before the reads: they did not overlap"
    finally:
        out, err = build.communicate(timeout=900)
    for name, (stdout, stderr, code) in done.items():
        assert code == 0 and "lock" not in stderr.lower(), (name, stderr)
    # the last finished build's graph
    assert int(json.loads(done["count"][0])["results"]["bindings"][0]["n"]["value"]) == 1
    assert "快手" in done["entities"][0]
    assert "kuaishou" in done["export"][0]
    assert "conforms" in done["validate"][0]
    assert (project / "site" / "index.html").is_file()
    assert build.returncode == 0, err
    assert articles_in(project) == 1 + added  # and the new graph once the build is done


@pytest.mark.slow
def test_a_read_while_the_first_build_writes_waits_for_it_with_a_message(project):
    store = project / "output" / "store"
    added = add_dev_articles(project, 60)
    build = kg("build", "--no-infer", "--no-pages", cwd=project)
    try:
        wait_until_writing(build, store)
        result = run_kg("query", COUNT_ARTICLES, "--format", "json", cwd=project)
    finally:
        build.communicate(timeout=900)
    assert build.returncode == 0
    assert result.returncode == 0, result.stderr
    assert "being written by another process" in result.stderr and "waiting" in result.stderr
    assert int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"]) == 1 + added


def test_log_old_files_stay_bounded_after_many_opens(tmp_path):
    primary = tmp_path / "store"
    for n in range(25):
        with EmbeddedStore(primary) as store:
            store.update(f'INSERT DATA {{ GRAPH <http://example.org/g{n}> {{ <http://example.org/s> '
                         f'<http://example.org/p> {n} }} }}')
        with open_reader(primary) as reader:  # a snapshot is taken: the store is opened again
            assert len(reader.graph_names()) == n + 1
    logs = [p.name for p in primary.iterdir() if p.name.startswith("LOG.old")]
    assert len(logs) <= KEEP_LOGS
    snapshots = [p for p in snapshots_folder(primary).iterdir() if p.is_dir()]
    assert len(snapshots) == 1  # older snapshots nobody reads are deleted
    assert not any(p.name.startswith("LOG") for p in snapshots[0].iterdir())


def test_a_reader_keeps_its_snapshot_while_newer_ones_are_published(tmp_path):
    primary = tmp_path / "store"
    insert = ('INSERT DATA {{ GRAPH <http://example.org/g{n}> {{ <http://example.org/s> '
              '<http://example.org/p> {n} }} }}')
    with EmbeddedStore(primary) as store:
        store.update(insert.format(n=0))
    old = open_reader(primary)
    try:
        for n in (1, 2):
            with EmbeddedStore(primary) as store:
                store.update(insert.format(n=n))
            assert refresh_snapshot(primary)
        assert old.snapshot.is_dir() and len(old.graph_names()) == 1  # still there, still readable
        with open_reader(primary) as new:
            assert len(new.graph_names()) == 3
    finally:
        old.close()
    with EmbeddedStore(primary) as store:
        store.update(insert.format(n=3))
    assert refresh_snapshot(primary)
    assert not old.snapshot.exists()  # unpinned: pruned by the next refresh


def test_an_unchanged_store_is_read_from_its_snapshot_without_a_new_one(tmp_path):
    primary = tmp_path / "store"
    with EmbeddedStore(primary) as store:
        store.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }')
    with open_reader(primary) as first:
        pass
    with open_reader(primary) as second:
        assert second.snapshot == first.snapshot
