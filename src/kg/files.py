"""Files that appear complete or not at all, folder locks, and the leftovers of interrupted runs.

Every file the project writes (corpus files, pages, snapshot pointers) is first written to a
temporary file in the same folder, named `.NAME.XXXXXXXX.tmp`, and then renamed into place, so
a reader (or a process killed with kill -9) never sees half a file. A run killed between the
two steps leaves the temporary file behind: `remove_leftovers` deletes those, and is called by
whoever holds the folder's lock (`folder_lock`), when no temporary file can be in use.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMP = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")


def temp_path(target: Path) -> Path:
    """A fresh temporary name next to `target` (hidden, so corpus and page listings skip it)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def write_atomic(target: str | os.PathLike[str], text: str, *, fsync: bool = False) -> Path:
    """Write `text` as UTF-8 to a temporary file in the same folder, then rename it over `target`.

    os.replace is atomic on POSIX: readers see the old file or the new one, never a part.
    `fsync=True` also makes the content durable before the rename (for files that must survive
    a power cut, not only a killed process)."""
    out = Path(target)
    tmp = temp_path(out)
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def is_leftover(path: Path) -> bool:
    """A temporary file as written by this module."""
    return bool(_TEMP.match(path.name))


def remove_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files interrupted runs left in `folder`; the paths removed.

    Call it only while holding the folder's lock, so that no live writer's file is taken."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for entry in entries:
        path = Path(entry.path)
        if is_leftover(path) and entry.is_file(follow_symlinks=False):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


@contextmanager
def folder_lock(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """An exclusive lock on a folder, for one writer at a time: fcntl.flock on the folder itself.

    Blocks until the lock is free. No lock file is left in the folder, and the kernel releases
    the lock when the process ends, even by kill -9, so an interrupted run never leaves the
    folder locked."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield root
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def load_yaml(text: str) -> object:
    """yaml.safe_load with libyaml's parser where installed (ten times faster: the registry and
    the cue vocabulary are read by every process, the front matter of every article by every build)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
