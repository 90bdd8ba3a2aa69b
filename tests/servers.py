"""Real SPARQL servers for tests: `oxigraph serve` on a free loopback port in a temp folder.

Used from fixtures in the test files (no conftest): `with oxigraph_server(tmp_path) as url: ...`.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def oxigraph_binary() -> str | None:
    """The `oxigraph` binary of the PyPI package, next to this interpreter or on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return str(here)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 15.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError as exc:
            last = exc
            time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not come up within {timeout} s: {last}")


@contextlib.contextmanager
def oxigraph_server(location: Path | None, *, read_only: bool = False, union: bool = True,
                    timeout_s: int | None = None) -> Iterator[str]:
    """Start `oxigraph serve` (or serve-read-only) on 127.0.0.1:<free port>; yield its base URL."""
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("the `oxigraph` server binary (PyPI package `oxigraph`) is not installed")
    port = free_port()
    args = [binary, "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        Path(location).mkdir(parents=True, exist_ok=True)
        args += ["--location", str(location)]
    if union:
        args.append("--union-default-graph")
    if timeout_s is not None:
        args += ["--timeout-s", str(timeout_s)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/query?query=ASK%7B%7D", proc=proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


# --- a small corpus: the sample articles plus a shorter second article ---------------------------

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def make_corpus(folder: Path) -> list[str]:
    """Copy corpus/*.md into folder and add a second, shorter article (first paragraphs of the
    first one, under another id); the article ids."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    sources = sorted(CORPUS.glob("*.md"))
    for f in sources:
        shutil.copy(f, folder / f.name)
        ids.append(f.stem)
    text = sources[0].read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    front_lines = [line for line in front.splitlines() if not line.startswith(("id:", "title:"))]
    short_id = "sample-short"
    paragraphs = [p for p in body.split("\n") if p.strip()]
    short = "---\n" + f"id: {short_id}\ntitle: 快手小贷注册资本增至10亿元\n" + "\n".join(front_lines) + "\n---\n"
    short += "\n".join(paragraphs[:4]) + "\n"
    (folder / f"{short_id}.md").write_text(short, encoding="utf-8")
    ids.append(short_id)
    return sorted(ids)
