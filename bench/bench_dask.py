"""Extraction on a Dask cluster of 2 local workers against `--jobs 2` and `--jobs 1`, on the same
dev-corpus articles in one run, each a `kg build` command run twice (the cluster is started first and
not timed, as a real one runs before the build), printed as a table of seconds and ratios. Also the
real cluster the tests use: `dask scheduler` and `dask worker` processes on 127.0.0.1.

    .venv/bin/python -m bench.bench_dask [--articles 60]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the workplace's shared folder is next to the project, or one level up from a git worktree
DEV = next((p / "shared" / "corpus-dev" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
           ROOT.parent / "shared" / "corpus-dev")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], folder: Path, name: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A dask process in a session of its own (its nanny and worker die together), logging to a file."""
    log = open(folder / f"{name}.log", "wb")  # noqa: SIM115 — the process owns it until it ends
    return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=subprocess.STDOUT,
                            cwd=folder, start_new_session=True, env={**os.environ, **(env or {})})


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@dataclass
class Cluster:
    """A scheduler's address and its workers' processes by their address."""

    scheduler: str
    folder: Path
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def kill_worker(self, address: str) -> None:
        """As if its machine died: the worker and its nanny, at once, without a goodbye."""
        _kill(self.workers.pop(address))

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("*.log")))


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2, timeout: float = 60.0,
                 worker_env: dict[str, str] | None = None) -> Iterator[Cluster]:
    """`dask scheduler` and `workers` × `dask worker --nthreads 1` on free loopback ports (with
    worker_env added to their environment); yields once every worker has joined, and kills them all after."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    scheduler = f"tcp://127.0.0.1:{port}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], folder, "scheduler")]
    cluster = Cluster(scheduler, folder)
    try:
        for i in range(workers):
            worker_port = _free_port()
            proc = _start(["worker", scheduler, "--host", "127.0.0.1", "--worker-port", str(worker_port),
                           "--nthreads", "1", "--no-dashboard", "--local-directory", str(folder / f"w{i}"),
                           "--name", f"w{i}"], folder, f"worker{i}", worker_env)
            procs.append(proc)
            cluster.workers[f"tcp://127.0.0.1:{worker_port}"] = proc
        with Client(scheduler, timeout=timeout, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=timeout)
        yield cluster
    finally:
        for proc in reversed(procs):
            _kill(proc)


def make_corpus(folder: Path, count: int) -> Path:
    """`count` dev-corpus articles added as a user would (`kg add`), in name order."""
    from kg.corpus import add_article

    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for src in sorted(DEV.glob("*.txt"))[:count]:
        add_article(src, corpus)
    return corpus


def _kg_build(corpus: Path, store: Path, options: list[str]) -> float:
    """Seconds of one `kg build` command, as a user runs it (a new process, the pipeline not loaded)."""
    kg = Path(sys.executable).parent / "kg"
    t0 = time.perf_counter()
    done = subprocess.run([str(kg), "build", "--corpus", str(corpus), "--store", str(store), "--no-pages",
                           "--no-infer", *options], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0 or " 0 failed" not in done.stdout:
        raise RuntimeError(f"kg build {' '.join(options)} failed: {done.stdout}{done.stderr[-2000:]}")
    return seconds


def timed_builds(articles: int) -> dict[str, tuple[float, float]]:
    """Seconds of a first and a second `kg build` of the same articles (a new store each) per
    executor. Every local build loads the pipeline in its new processes; the Dask workers live on,
    so only the first Dask build loads it (once per worker)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = make_corpus(folder, articles)
        with dask_cluster(folder / "cluster") as cluster:
            runs = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"],
                    "dask, 2 workers": ["--executor", "dask", "--scheduler", cluster.scheduler]}
            return {name: tuple(_kg_build(corpus, folder / f"store-{i}-{n}", options) for n in range(2))
                    for i, (name, options) in enumerate(runs.items())}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=60)
    args = ap.parse_args(argv)
    seconds = timed_builds(args.articles)
    first, again = seconds["--jobs 1"]
    print(f"`kg build` of {args.articles} dev-corpus articles, {os.cpu_count()} cores (cluster start-up not timed)")
    print(f"{'executor':<18}{'1st build s':>12}{'speed-up':>10}{'2nd build s':>13}{'speed-up':>10}")
    for name, (a, b) in seconds.items():
        print(f"{name:<18}{a:>12.1f}{first / a:>9.2f}x{b:>13.1f}{again / b:>9.2f}x")


if __name__ == "__main__":
    main()
