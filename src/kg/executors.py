"""Where extraction runs: in this process, in local worker processes (`--jobs`), or on a Dask
distributed cluster (`--executor dask`). Each executor takes articles and yields
(article, extraction or the exception it raised), one pair per article; the build writes the
results, so the store is written by the client process alone, whatever the executor."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Protocol

from kg.errors import KgError
from kg.model import Article, Extraction

Outcome = tuple[Article, Extraction | Exception]


class ClusterError(KgError):
    """The Dask cluster cannot be reached, has no usable worker, or was lost mid-build."""


class Executor(Protocol):
    def extract(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        """One outcome per article; an article's failure is its outcome, never the build's."""


def extract_one(article: Article, models: bool = True) -> Extraction:
    from kg.nlp import extract_article

    return extract_article(article, models)


def _attempt(article: Article, models: bool) -> Extraction | Exception:
    try:
        return extract_one(article, models)
    except Exception as exc:  # one bad article must not stop the build
        return exc


@dataclass(frozen=True)
class Serial:
    """In this process: the pipeline loads once, on the first article."""

    models: bool = True

    def extract(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        for a in articles:
            yield a, _attempt(a, self.models)


AHEAD_PER_JOB = 4  # articles in flight per local process


@dataclass(frozen=True)
class Processes:
    """`jobs` local processes, results in input order; the pipeline loads once per process. Articles
    are taken from the sequence as the pool needs them (four per process ahead)."""

    jobs: int
    models: bool = True

    def extract(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        if self.jobs <= 1 or len(articles) < 2:
            yield from Serial(self.models).extract(articles)
            return
        todo = iter(articles)
        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            # a window of articles in flight, not the whole corpus: results wait for the writer
            # only that far ahead, so memory does not grow with the corpus
            ahead = islice(todo, AHEAD_PER_JOB * self.jobs)
            window = deque((a, pool.submit(extract_one, a, self.models)) for a in ahead)
            while window:
                a, future = window.popleft()
                window.extend((b, pool.submit(extract_one, b, self.models)) for b in islice(todo, 1))
                try:
                    yield a, future.result()
                except Exception as exc:
                    yield a, exc


def local(jobs: int = 1, models: bool = True) -> Executor:
    return Processes(jobs, models) if jobs > 1 else Serial(models)


EXECUTORS = ("local", "dask")


def choose(kind: str, *, jobs: int = 1, scheduler: str | None = None, timeout: float = 10.0) -> Executor:
    """The executor a build asked for (`--executor`, $KG_EXECUTOR or kg.toml), checked before any work."""
    if kind == "local":
        return local(jobs)
    if kind != "dask":
        raise ClusterError(f"unknown executor {kind!r}: choose one of {', '.join(EXECUTORS)}")
    if not scheduler:
        raise ClusterError("the dask executor needs a scheduler: --scheduler tcp://HOST:PORT, $KG_SCHEDULER "
                           "or `scheduler` in kg.toml")
    if jobs > 1:
        raise ClusterError("--jobs is for the local executor; on Dask the workers' processes and threads "
                           "set the parallelism")
    return Dask(scheduler, connect_timeout=timeout)


# --- Dask: what runs on a worker (imported there from the installed package, by reference) ---

_PIPELINE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def worker_version() -> str:
    """The extractor version this process would stamp on its results."""
    from kg.extract import extractor_version

    return extractor_version()


def _extract_on_worker(article: Article, models: bool) -> tuple[Extraction, str]:
    """The pipeline is cached per worker process (kg.nlp.load_pipeline); the lock keeps a worker
    with several threads from loading it twice at once."""
    from kg.nlp import load_pipeline

    with _PIPELINE_LOCK:
        load_pipeline(models)
    return extract_one(article, models), worker_version()


@dataclass(frozen=True)
class Dask:
    """A Dask distributed cluster at `scheduler` (tcp://HOST:PORT). Articles travel as data; results
    come back as they complete, with `window` articles in flight (default: four per worker thread,
    at least 8) so memory stays bounded. A worker lost mid-task has its tasks rerun elsewhere by the scheduler (up
    to its distributed.scheduler.allowed-failures; an extraction's own error is not retried, it
    would fail again); each future is consumed once, so each article has one outcome even when its
    task ran twice."""

    scheduler: str
    models: bool = True
    connect_timeout: float = 10.0  # to reach the scheduler, and to wait for a first worker
    idle_timeout: float = 60.0  # how long a build waits with no worker at all before giving up
    window: int | None = None

    def extract(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        if not articles:
            return
        with self._connect() as client:
            self._check_workers(client)
            try:
                yield from self._run(client, articles)
            except OSError as exc:  # the connection to the scheduler broke and could not be made again
                raise self._lost(exc) from exc

    def _lost(self, reason: object) -> ClusterError:
        return ClusterError(f"lost the Dask scheduler at {self.scheduler} mid-build ({reason}); "
                            "the written articles are kept: build again to finish")

    def _connect(self):
        from distributed import Client

        try:
            return Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.scheduler} "
                               f"(waited {self.connect_timeout:g} s): {exc}") from exc

    def _check_workers(self, client) -> None:
        """Workers must be attached and run the same extractor as this client, whose version the
        graphs record (each result is checked again, for workers that join later). Asked out of
        band: a task a worker cannot even unpickle would break its connection, not fail."""
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout)
        except TimeoutError as exc:
            raise ClusterError(f"the Dask scheduler at {self.scheduler} has no worker "
                               f"(waited {self.connect_timeout:g} s): start `dask worker {self.scheduler}`") from exc
        for address, version in sorted(client.run(worker_version, on_error="return").items()):
            if isinstance(version, Exception):
                raise ClusterError(f"the Dask worker at {address} cannot run kg's extraction ({version}): "
                                   "install this fintech-kg on every worker")
            if version != worker_version():
                raise ClusterError(self._mismatch(version))

    @staticmethod
    def _mismatch(version: str) -> str:
        return (f"a Dask worker runs extractor version {version}, this client {worker_version()}: "
                "install the same fintech-kg on every worker")

    def _window(self, client) -> int:
        return self.window or max(8, 4 * sum(client.nthreads().values()))

    def _run(self, client, articles: Sequence[Article]) -> Iterator[Outcome]:
        from dask.base import tokenize
        from distributed import as_completed

        todo = iter(articles)
        pending: dict = {}  # future → article
        completed = as_completed(loop=client.loop)

        def submit(n: int) -> None:
            for a in islice(todo, max(n, 0)):
                key = ("kg-extract", a.id, tokenize(a, self.models))  # one group on the dashboard
                future = client.submit(_extract_on_worker, a, self.models, key=key)
                pending[future] = a
                completed.add(future)

        submit(self._window(client))
        for future in self._as_they_complete(client, completed):
            article = pending.pop(future)
            yield article, self._outcome(future)
            future.release()
            submit(self._window(client) - len(pending))

    def _as_they_complete(self, client, completed) -> Iterator:
        """Each future once, as it completes. While none does, it checks now and then that a worker
        is attached: a task may be long, but with no worker for idle_timeout the build stops (what
        is written stays, and the next build extracts the rest)."""
        seen = checked = time.monotonic()
        while not completed.is_empty():
            batch = completed.next_batch(block=False)
            if batch:
                seen = time.monotonic()
                yield from batch
                continue
            time.sleep(0.05)
            now = time.monotonic()
            if now - checked >= 5.0:
                checked = now
                if client.nthreads():
                    seen = now
                elif now - seen > self.idle_timeout:
                    raise ClusterError(f"no Dask worker for {self.idle_timeout:g} s; {completed.count()} articles "
                                       "not extracted (the written ones are kept: build again to finish)")

    def _outcome(self, future) -> Extraction | Exception:
        if future.status == "cancelled":
            raise self._lost("the task was cancelled")
        if future.status == "error":
            return future.exception()  # the extraction's own error, or KilledWorker past allowed-failures
        extraction, version = future.result()
        return extraction if version == worker_version() else ClusterError(self._mismatch(version))
