"""Where things are: command-line options, then environment ($KG_STORE, $KG_CORPUS, $KG_OUTPUT,
$KG_EXECUTOR, $KG_SCHEDULER), then ./kg.toml, then the defaults (corpus/, output/, output/store,
local extraction)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, StoreError

CONFIG_FILE = "kg.toml"
_FILE_KEYS = ("store", "corpus", "output", "executor", "scheduler")


class ConfigError(KgError):
    """kg.toml cannot be read."""


@dataclass(frozen=True)
class Settings:
    corpus: Path
    output: Path
    store: str  # a folder for the embedded store, or an http(s) URL of a SPARQL server
    executor: str = "local"  # where extraction runs: local, or dask (kg.executors)
    scheduler: str | None = None  # the Dask scheduler, tcp://HOST:PORT

    @property
    def remote(self) -> bool:
        return bool(re.match(r"https?://", self.store))

    @property
    def infer_default(self) -> bool:
        """Inference is on by default for the embedded store, off for shared servers."""
        return not self.remote

    def require_store(self) -> None:
        if not self.remote and not Path(self.store).exists():
            raise StoreError(f"no store at {self.store}: run `kg build` first, or pass --store")

    @classmethod
    def load(cls, *, store: str | Path | None = None, corpus: str | Path | None = None,
             output: str | Path | None = None, executor: str | None = None, scheduler: str | None = None,
             cwd: Path | None = None) -> Settings:
        cwd = cwd or Path.cwd()
        file_values: dict[str, str] = {}
        config = cwd / CONFIG_FILE
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{config}: {exc}") from exc
            section = data.get("kg", data)
            file_values = {k: str(v) for k, v in section.items() if k in _FILE_KEYS}

        def pick(option, env: str, key: str, default: str) -> str:
            if option is not None:
                return str(option)
            return os.environ.get(env) or file_values.get(key) or default

        out = Path(pick(output, "KG_OUTPUT", "output", "output"))
        return cls(
            corpus=Path(pick(corpus, "KG_CORPUS", "corpus", "corpus")),
            output=out,
            store=pick(store, "KG_STORE", "store", str(out / "store")),
            executor=pick(executor, "KG_EXECUTOR", "executor", "local"),
            scheduler=pick(scheduler, "KG_SCHEDULER", "scheduler", "") or None,
        )
