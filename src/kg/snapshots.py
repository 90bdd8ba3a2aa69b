"""Snapshots of an embedded store, so that reading never waits for (or fails on) a build.

An embedded store is written by one process at a time: RocksDB's lock, held by `kg build` while it
writes the graph. Readers (`kg query`, `export`, `validate`, `viz`, and the pages of a build) call
`open_reader`, which reads a *snapshot*: a RocksDB checkpoint made with `pyoxigraph.Store.backup`
(hard links, milliseconds) into `<store>.snapshots/`, named by `current.json` together with a
fingerprint of the store's files when it was taken.

- A build publishes one as soon as it has written the graph (`refresh_snapshot`).
- A reader uses the current snapshot when the store's files have not changed since; when they
  have and nobody holds the store, it takes and publishes a fresh one itself; while a build holds
  the store, it reads the current one as it is: the last consistent state, never half a build.
- A reader pins its snapshot (a shared flock on `<name>.lock`) until it closes it; publishing a
  snapshot deletes the older ones nobody pins.
- With no snapshot yet and a build writing (the very first build), a reader waits for it.

kg serve takes its own checkpoints the same way (Store.backup under the lock, a fingerprint of
the store's files) into a private folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from kg.errors import StoreError
from kg.files import is_leftover, write_atomic
from kg.store import EmbeddedStore, Store, _open_with_retry, open_store, prune_logs

__all__ = ["READ_WAIT_SECONDS", "SnapshotStore", "open_reader", "refresh_snapshot", "snapshots_folder"]

READ_WAIT_SECONDS = 300.0
"""How long a reader waits for a store that is being written and has no snapshot yet."""

_CURRENT = "current.json"
_SNAPSHOT = re.compile(r"^snapshot-[0-9a-f-]+$")


def snapshots_folder(primary: str | Path) -> Path:
    """Where the snapshots of the store at `primary` go: `<primary>.snapshots`, next to it."""
    p = Path(primary).resolve()  # `--store .` has no name of its own
    return p.with_name(p.name + ".snapshots")


def _fingerprint(primary: Path) -> list[list]:
    """The store's files (name, size, mtime) but its info logs and lock: any write changes it."""
    out = []
    for entry in sorted(os.scandir(primary), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith(("LOG", "LOCK")):
            st = entry.stat()
            out.append([entry.name, st.st_size, st.st_mtime_ns])
    return out


def _current(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / _CURRENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not _SNAPSHOT.match(str(data.get("snapshot", ""))):
        return None
    return data


def _pin(folder: Path, name: str, *, create: bool = False) -> int | None:
    """A shared flock on `<name>.lock`: the snapshot is not pruned while it is held; None when the
    snapshot is gone. A new snapshot is pinned (create=True) before it is made."""
    try:
        fd = os.open(folder / f"{name}.lock", os.O_RDONLY | (os.O_CREAT if create else 0), 0o644)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    if not create and not (folder / name / "CURRENT").is_file():
        os.close(fd)
        return None
    return fd


def _prune_snapshots(folder: Path, keep: set[str]) -> None:
    """Delete the snapshots nobody reads (no pin held), but `keep` and the current one."""
    current = _current(folder)
    if current:
        keep = keep | {current["snapshot"]}
    for entry in os.scandir(folder):
        if is_leftover(Path(entry.path)):  # of a pointer update killed mid-way; others may be live
            try:
                if time.time() - entry.stat().st_mtime > 60:
                    os.unlink(entry.path)
            except FileNotFoundError:
                pass
            continue
        name = entry.name.removesuffix(".lock")
        if not _SNAPSHOT.match(name) or name in keep:
            continue
        lock = folder / f"{name}.lock"
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being read, or being made
            shutil.rmtree(folder / name, ignore_errors=True)
            lock.unlink(missing_ok=True)
        finally:
            os.close(fd)


class _Busy(Exception):
    """Another process holds the store."""


class _NotWritable(Exception):
    """The store, or the folder beside it, may not be written: no snapshot can be taken."""


def _checkpoint(primary: Path, folder: Path, lock_wait: float) -> tuple[str, int]:
    """A new snapshot of the store, published as current and pinned; _Busy while another process
    holds the store. Older snapshots nobody reads are deleted."""
    try:
        store = _open_with_retry(str(primary), lock_wait)
    except OSError as exc:
        message = str(exc)
        if "current process" in message:
            raise StoreError(f"cannot read the store at {primary}: this process has it open for writing; "
                             "close it first") from exc
        if "lock" in message.lower():
            raise _Busy() from exc
        if isinstance(exc, PermissionError) or "permission denied" in message.lower():
            raise _NotWritable() from exc
        raise StoreError(f"cannot open the store at {primary}: {exc}") from exc
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"snapshot-{time.time_ns():x}-{os.getpid():x}"
            fd = _pin(folder, name, create=True)
        except PermissionError as exc:
            raise _NotWritable() from exc
        assert fd is not None
        try:
            store.backup(str(folder / name))
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"cannot take a snapshot of the store at {primary}: {exc}") from exc
    finally:
        del store  # closes the store: its lock is free again
    try:
        prune_logs(primary)
        write_atomic(folder / _CURRENT, json.dumps({"snapshot": name, "store": _fingerprint(primary)}))
        _prune_snapshots(folder, {name})
    except BaseException:
        os.close(fd)
        raise
    return name, fd


def refresh_snapshot(location: str | Path, *, lock_wait: float = 2.0) -> bool:
    """Publish a snapshot of the store for readers (what `kg build` does when it has written the
    graph); False when another process holds the store or it is a server (nothing to do)."""
    text = str(location)
    if re.match(r"https?://", text) or not Path(text).is_dir():
        return False
    try:
        _, fd = _checkpoint(Path(text), snapshots_folder(text), lock_wait)
    except _Busy:
        return False
    os.close(fd)
    return True


class SnapshotStore(EmbeddedStore):
    """A snapshot of an embedded store, opened read-only and kept from pruning until closed."""

    def __init__(self, primary: Path, snapshot: Path, pin: int) -> None:
        self._pin_fd: int | None = pin
        try:
            super().__init__(snapshot, read_only=True)
        except BaseException:
            self._release()
            raise
        self.location = str(primary)
        self.snapshot = snapshot

    def _release(self) -> None:
        if self._pin_fd is not None:
            os.close(self._pin_fd)
            self._pin_fd = None

    def close(self) -> None:
        super().close()
        self._release()


def open_reader(location: str | Path, *, wait: float = READ_WAIT_SECONDS,
                on_wait: Callable[[str], None] | None = None) -> Store:
    """A store to read from that never conflicts with a build (a server is read directly).

    The latest snapshot when the store has not changed since it was taken; else a fresh one
    when nobody is writing; else (a build is writing) the latest snapshot as it is: the last
    consistent state. With no snapshot at all and a build writing, waits up to `wait` seconds
    for the build to finish (calling `on_wait` once with a message), then raises StoreError."""
    text = str(location)
    if re.match(r"https?://", text):
        return open_store(text)
    primary = Path(text)
    if not primary.is_dir():
        raise StoreError(f"no store at {primary}: run `kg build` first, or pass --store")
    folder = snapshots_folder(primary)
    deadline = time.monotonic() + wait
    told = False
    while True:
        current = _current(folder)
        if current and current.get("store") == _fingerprint(primary):
            fd = _pin(folder, current["snapshot"])
            if fd is not None:
                return SnapshotStore(primary, folder / current["snapshot"], fd)
        try:
            name, fd = _checkpoint(primary, folder, lock_wait=1.0)
            return SnapshotStore(primary, folder / name, fd)
        except _Busy:
            pass
        except _NotWritable:  # no snapshots of a store we may not write: nobody writes it either
            return EmbeddedStore(primary, read_only=True)
        if current:
            fd = _pin(folder, current["snapshot"])
            if fd is not None:
                return SnapshotStore(primary, folder / current["snapshot"], fd)
        if time.monotonic() > deadline:
            raise StoreError(f"the store at {primary} is being written by another process (a running "
                             f"`kg build`?) and has no snapshot to read yet; gave up after {wait:.0f} s")
        if on_wait and not told:
            on_wait(f"the store at {primary} is being written by another process (a running `kg build`?) "
                    f"and has no snapshot to read yet; waiting for it, up to {wait:.0f} s")
            told = True
        time.sleep(0.5)
