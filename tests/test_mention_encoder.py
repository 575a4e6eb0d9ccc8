"""The numpy MiniLM behind the coreference-tuned mention vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from counterpoint import mention_encoder
from counterpoint.mention_encoder import read_safetensors


def test_read_safetensors_reads_shapes_dtypes_and_values(tmp_path: Path) -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.5, -2.0], dtype=np.float16)
    header = {"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, a.nbytes]},
              "b": {"dtype": "F16", "shape": [2], "data_offsets": [a.nbytes, a.nbytes + b.nbytes]},
              "__metadata__": {"format": "pt"}}
    raw = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + a.tobytes() + b.tobytes())
    out = read_safetensors(path)
    assert set(out) == {"a", "b"}
    np.testing.assert_array_equal(out["a"], a)
    assert out["b"].dtype == np.float16 and out["b"].tolist() == [1.5, -2.0]


@pytest.fixture(scope="module")
def base_encoder(tmp_path_factory: pytest.TempPathFactory) -> mention_encoder.MentionEncoder:
    empty = tmp_path_factory.mktemp("lora") / "none.npz"
    np.savez(empty)
    return mention_encoder.load(empty)


def test_untuned_forward_matches_the_onnx_minilm(base_encoder: mention_encoder.MentionEncoder) -> None:
    """With no updates the numpy forward is all-MiniLM-L6-v2: its mean-pooled sentence
    vectors agree with the package's int8 ONNX embedder (quantisation aside)."""
    from counterpoint.resources import default

    sentences = ["A climber fell to his death on Mount Cook on Tuesday .",
                 "Hewlett - Packard agreed to buy EDS for $ 13.9 billion ."]
    toks = [s.split() for s in sentences]
    whole = base_encoder.mention_vectors(toks, [(k, 0, len(t) - 1) for k, t in enumerate(toks)])
    onnx = default().embedder(sentences)
    cos = (whole * onnx).sum(axis=1)
    assert cos.min() > 0.97, cos


def test_mention_vectors_pool_only_the_mention_and_are_unit_length(base_encoder: mention_encoder.MentionEncoder) -> None:
    toks = "The man who fell from Mount Cook was a doctor from Sydney .".split()
    vec = base_encoder.mention_vectors([toks], [(0, 0, 1), (0, 5, 6), (0, 0, 1)])
    np.testing.assert_allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vec[0], vec[2], atol=1e-6)
    assert float(vec[0] @ vec[1]) < 0.9  # "The man" and "Mount Cook" are pooled from different pieces


def test_shipped_updates_change_the_vectors_and_load() -> None:
    tuned = mention_encoder.load()
    toks = "The man who fell from Mount Cook was a doctor .".split()
    with np.load(mention_encoder.ADAPTERS) as deltas:
        assert deltas.files and all(deltas[f].dtype == np.float16 for f in deltas.files)
    vec = tuned.mention_vectors([toks], [(0, 0, 1)])
    assert np.isfinite(vec).all() and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5
