"""``python -m bench [NAME ...] [-- ARGS]``: run benchmarks of this folder.

Without NAME every ``bench_*.py`` module with a ``main`` is run in turn; NAME is the part
after ``bench_`` (``pages``, ``store`` …). Arguments after ``--`` go to each main that
takes an argument list.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)])
                  if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    rest: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1:]
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {available()}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        module = importlib.import_module(f"{__package__}.bench_{name}")
        entry = getattr(module, "main", None)
        if entry is None:
            continue
        print(f"== bench_{name}", flush=True)
        takes_args = bool(inspect.signature(entry).parameters)
        code = entry(rest) if takes_args else entry()
        status = status or (code or 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
