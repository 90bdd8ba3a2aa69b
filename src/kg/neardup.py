"""Near-duplicates: the same story re-posted on another site, with that site's header and footer.

Two articles are compared by the sets of 5-character shingles of their normalised texts
(kg.corpus.normalised_text_key: no punctuation or spaces, Simplified, case folded); character
n-grams need no word segmentation, which suits Chinese. Their similarity is the Jaccard index of
those sets. MinHash signatures (datasketch, 128 permutations) and LSH banding (32 bands of 4
rows) find the candidates without comparing every pair; each candidate is then compared exactly.

The threshold, NEAR_DUPLICATE_SIMILARITY = 0.7, was measured on the 4,500 FinNSP texts: of the
pairs of long texts (300 characters or more) with a similarity between 0.6 and 0.8, all were one
story or one advertisement posted twice; re-posts with a longer header fell to 0.5–0.7 (one at
0.69), and the closest pair of different articles was at 0.58 (two how-to pieces on one
product). Banding at 32 × 4 makes a pair at 0.7 a candidate with probability 0.9998 and one at
0.5 with 0.87, so 0.5 is the lowest useful threshold.

Signatures are cached in a sidecar file in the corpus folder (SIDECAR), so that an add does not
re-read every corpus article: an entry is reused while its file keeps its size and mtime.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.files import write_atomic

if TYPE_CHECKING:  # numpy and datasketch are imported when first needed: `kg --help` stays fast
    import numpy as np

__all__ = ["NEAR_DUPLICATE_SIMILARITY", "MIN_SIMILARITY", "SIDECAR", "shingles", "jaccard", "signature",
           "SignatureIndex", "Cached", "load_sidecar", "save_sidecar"]

NEAR_DUPLICATE_SIMILARITY = 0.7
MIN_SIMILARITY = 0.5
SHINGLE = 5
NUM_PERM = 128
BANDS, ROWS = 32, 4
SEED = 1
SIDECAR = ".kg-signatures.json"
# What a stored signature depends on: a cache written with other settings is rebuilt.
_FORMAT = f"kg-signatures 1; shingle {SHINGLE}; perm {NUM_PERM}; seed {SEED}; crc32; affine32"


@lru_cache(maxsize=1024)  # an article often is a candidate for several others in one import
def shingles(key: str) -> frozenset[str]:
    """The SHINGLE-character pieces of a normalised text (the whole text when it is shorter)."""
    if len(key) <= SHINGLE:
        return frozenset([key])
    return frozenset(key[i:i + SHINGLE] for i in range(len(key) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|A ∩ B| / |A ∪ B|: 1 for the same shingles, 0 for none in common."""
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def signature(pieces: Iterable[str]) -> np.ndarray:
    """The MinHash signature (NUM_PERM 32-bit values) of a shingle set.

    Shingles are hashed with CRC-32: stable across processes (a signature is cached on disk) and
    three times faster than datasketch's default SHA-1 on 1,300 shingles, the dev articles' mean."""
    from datasketch import MinHash  # imported when needed, like _lsh

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, scheme="affine32",
                      permutations=_permutations())
    minhash.update_batch([piece.encode("utf-8") for piece in pieces])
    return minhash.hashvalues.astype("uint32")


@lru_cache(maxsize=1)
def _permutations():
    """The SEED's permutations, drawn once (datasketch draws them again for every MinHash)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


class SignatureIndex:
    """Signatures by key, and the keys whose signature shares a band with a given one.

    A key is a candidate when all ROWS values of at least one of the BANDS bands equal the
    query's: the banding of datasketch's MinHashLSH with params (BANDS, ROWS). The first
    `scan_queries` queries compare the bands over the whole signature matrix with numpy (about
    1 ms per 5,000 articles), so one add to a large corpus does not pay for building the LSH
    (about 0.3 ms per article); later queries go to a MinHashLSH, built once.
    """

    def __init__(self, scan_queries: int = 64) -> None:
        import numpy as np

        self._scan_queries = scan_queries
        self._keys: list[str] = []
        self._matrix = np.empty((0, NUM_PERM), dtype=np.uint32)
        self._fresh: list[np.ndarray] = []  # added since the matrix was last stacked
        self._queries = 0
        self._lsh = None

    def add(self, key: str, sig: np.ndarray) -> None:
        self._keys.append(key)
        self._fresh.append(sig)
        if self._lsh is not None:
            self._lsh.insert(key, _lean(sig), check_duplication=False)

    def candidates(self, sig: np.ndarray) -> list[str]:
        """Keys whose texts may be near-duplicates (to be compared exactly), in key order."""
        self._queries += 1
        if self._lsh is None and self._queries > self._scan_queries:
            self._lsh = _lsh(zip(self._keys, self._stacked()))
        if self._lsh is not None:
            return sorted(self._lsh.query(_lean(sig)))
        import numpy as np

        bands = self._stacked().reshape(-1, BANDS, ROWS)
        hits = np.flatnonzero((bands == sig.reshape(BANDS, ROWS)).all(axis=2).any(axis=1))
        return sorted(self._keys[i] for i in hits)

    def _stacked(self) -> np.ndarray:
        import numpy as np

        if self._fresh:
            self._matrix = np.vstack([self._matrix, *self._fresh])
            self._fresh = []
        return self._matrix


def _lsh(items: Iterable[tuple[str, np.ndarray]]):
    from datasketch import MinHashLSH  # imported when needed: datasketch loads scipy (0.3–0.8 s)

    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    with lsh.insertion_session() as session:
        for key, sig in items:
            session.insert(key, _lean(sig), check_duplication=False)
    return lsh


def _lean(sig: np.ndarray):
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SEED, hashvalues=sig.astype("uint64"), scheme="affine32")


@dataclass(frozen=True)
class Cached:
    """What the sidecar keeps of one corpus file, valid while the file keeps its size and mtime."""

    size: int
    mtime_ns: int
    id: str
    digest: str  # of the normalised text: same digest, same text
    sig: np.ndarray


def load_sidecar(folder: Path) -> dict[str, Cached]:
    """The cached entries by file name; none when the file is missing, unreadable or of another format."""
    import numpy as np

    try:
        data = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            return {}
        entries = {name: Cached(size, mtime, id_, digest,
                                np.frombuffer(base64.b64decode(sig), dtype="<u4").astype("uint32"))
                   for name, (size, mtime, id_, digest, sig) in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # a cache only: rebuilt from the corpus files
    return entries if all(e.sig.shape == (NUM_PERM,) for e in entries.values()) else {}


def save_sidecar(folder: Path, entries: Mapping[str, Cached]) -> None:
    """Replace the sidecar atomically (a reader sees the old one or the new one)."""
    files = {name: [e.size, e.mtime_ns, e.id, e.digest, base64.b64encode(e.sig.astype("<u4").tobytes()).decode("ascii")]
             for name, e in sorted(entries.items())}
    write_atomic(folder / SIDECAR, json.dumps({"format": _FORMAT, "files": files}, ensure_ascii=False))
