"""Builds on a real Dask cluster (`dask scheduler` and two `dask worker --nthreads 1` processes on
127.0.0.1): the store equals a local build's, a worker killed mid-build loses nothing and has
nothing written twice, kg.toml sends a command-line build there, and a scheduler that cannot be
reached or a worker without the package is a clean error, quickly.

Select them with `-m dask`."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bench.bench_dask import dask_cluster, make_corpus
from paths import CORPUS
from servers import free_port
from kg import iri
from kg.build import build
from kg.cli import main
from kg.executors import ClusterError, Dask, Processes, Serial, choose, local
from kg.store import open_store

pytestmark = pytest.mark.dask
ARTICLES = 8


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("dask"), ARTICLES)


@pytest.fixture(scope="module")
def local_graphs(corpus, tmp_path_factory) -> dict[str, list[str]]:
    """The store a local `--jobs 1` build makes, graph by graph."""
    with open_store(tmp_path_factory.mktemp("local") / "store") as store:
        report = build(corpus, store, executor=local(1))
        assert report.ok and len(report.built) == ARTICLES, report.failed
        return graphs(store)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("cluster")) as c:
        yield c


def graphs(store) -> dict[str, list[str]]:
    """Each named graph's quads, sorted, with blank nodes renamed canonically (RDFC-1.0: the
    ontology's blank nodes get new labels in every store)."""
    data = ox.Dataset(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    data.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    by_graph: dict[str, list[str]] = {}
    for quad in data:
        by_graph.setdefault(str(quad.graph_name), []).append(str(quad))
    return {g: sorted(quads) for g, quads in by_graph.items()}


def assert_same_store(actual: dict, expected: dict) -> None:
    assert sorted(actual) == sorted(expected)
    different = [name for name in expected if actual[name] != expected[name]]
    assert not different, f"graphs that differ from the local build's: {different}"


@contextlib.contextmanager
def extracted_on(scheduler: str) -> Iterator[list[str]]:
    """The ids of the articles whose extraction the cluster ran meanwhile (its task stream)."""
    from distributed import Client, get_task_stream

    ids: list[str] = []
    with Client(scheduler, set_as_default=False) as client:
        with get_task_stream(client) as stream:
            yield ids
    ids.extend(task["key"][1] for task in stream.data if isinstance(task["key"], tuple) and task["key"][0] == "kg-extract")


class CountingStore:
    """A real store that counts its graph writes (the build's only ways to write an article)."""

    def __init__(self, store) -> None:
        self.store = store
        self.writes: Counter[str] = Counter()

    def replace_graph(self, graph: str, triples) -> None:
        self.writes[graph] += 1
        self.store.replace_graph(graph, triples)

    def replace_graphs(self, graphs) -> None:  # an article is written with its inferences
        self.writes.update(list(graphs))
        self.store.replace_graphs(graphs)

    def __getattr__(self, name: str):
        return getattr(self.store, name)


@pytest.mark.slow
def test_a_dask_build_makes_the_store_a_local_build_makes(cluster, corpus, local_graphs, tmp_path):
    with open_store(tmp_path / "store") as store:  # fewer in flight than articles: refilled as results come
        report = build(corpus, store, executor=Dask(cluster.scheduler, window=3))
        assert report.ok, report.failed
        assert len(report.built) == ARTICLES
        assert_same_store(graphs(store), local_graphs)


@pytest.mark.slow
def test_a_worker_killed_mid_build_loses_nothing_and_nothing_is_written_twice(cluster, corpus, local_graphs,
                                                                              tmp_path):
    from distributed import Client

    killed: dict[str, list] = {}
    with Client(cluster.scheduler, set_as_default=False) as watcher:

        def kill_a_busy_worker(article_id: str, done: int, total: int) -> None:
            if killed:
                return
            busy = {w: keys for w, keys in watcher.processing().items() if keys and w in cluster.workers}
            assert busy, "no worker had an article in hand when the first result came back"
            worker, keys = sorted(busy.items())[0]
            cluster.kill_worker(worker)
            killed[worker] = list(keys)

        with open_store(tmp_path / "store") as real:
            store = CountingStore(real)
            report = build(corpus, store, executor=Dask(cluster.scheduler), progress=kill_a_busy_worker)
            assert killed, "the build finished before a worker could be killed"
            assert report.ok, report.failed
            assert sorted(report.built) == sorted(p.stem for p in corpus.glob("*.md"))
            article_writes = {g: n for g, n in store.writes.items() if iri.article_id_from_graph(g)}
            assert len(article_writes) == ARTICLES and set(article_writes.values()) == {1}, store.writes
            assert_same_store(graphs(real), local_graphs)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A folder with the sample corpus, as the working directory of `kg` commands."""
    monkeypatch.chdir(tmp_path)
    for name in ("KG_STORE", "KG_EXECUTOR", "KG_SCHEDULER"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


@pytest.mark.slow
def test_kg_toml_sends_a_command_line_build_to_the_cluster(cluster, project):
    (project / "kg.toml").write_text(f'[kg]\nexecutor = "dask"\nscheduler = "{cluster.scheduler}"\n')
    with extracted_on(cluster.scheduler) as ids:
        result = CliRunner().invoke(main, ["build", "--no-pages", "--no-infer"])
    assert result.exit_code == 0, result.output
    assert "1 built" in result.output
    assert ids == [p.stem for p in CORPUS.glob("*.md")]


def test_an_unreachable_scheduler_is_a_clean_error_quickly(project, monkeypatch):
    monkeypatch.setenv("KG_SCHEDULER", f"tcp://127.0.0.1:{free_port()}")  # nothing listens there
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", "--executor", "dask", "--scheduler-timeout", "1", "--no-pages"])
    assert result.exit_code == ClusterError.exit_code != 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in result.output
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_a_worker_without_the_package_is_a_clean_error_before_any_extraction(corpus, tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "kg.py").write_text("raise ImportError('fintech-kg is not installed on this worker')\n")
    with dask_cluster(tmp_path / "cluster", workers=1, worker_env={"PYTHONPATH": str(shadow)}) as bare:
        with open_store(tmp_path / "store") as store:
            with pytest.raises(ClusterError, match="install this fintech-kg on every worker"):
                build(corpus, store, executor=Dask(bare.scheduler))
            assert not any(iri.article_id_from_graph(g) for g in store.graph_names())


@pytest.mark.parametrize(("kind", "jobs", "scheduler", "message"), [
    ("dask", 1, None, "needs a scheduler"),
    ("dask", 2, "tcp://127.0.0.1:8786", "--jobs is for the local executor"),
    ("spark", 1, None, "unknown executor 'spark'"),
])
def test_an_executor_that_cannot_work_is_refused_before_the_build(kind, jobs, scheduler, message):
    with pytest.raises(ClusterError, match=message):
        choose(kind, jobs=jobs, scheduler=scheduler)


@pytest.mark.parametrize(("jobs", "kind"), [(1, Serial), (2, Processes)])
def test_the_local_executor_is_chosen_by_jobs(jobs, kind):
    assert type(choose("local", jobs=jobs)) is kind
