"""Learned pairwise coreference scores and cluster-level average-link merging of mentions.

The sieve (:mod:`counterpoint.entity_cluster`) links names, in-document descriptions and
pronouns precisely but leaves descriptions in other documents ("the climber", "the man",
"the brigands") mostly unlinked. This module scores every pair of mentions inside one
block (an ECB+ topic, a comparison) with a logistic regression over string, head-word,
MiniLM (mention text, mention in context, head, governing predicate, sentence, document),
coreference-tuned mention vectors (:mod:`counterpoint.mention_encoder`) and agreement
features, then merges the sieve's clusters bottom-up while the mean pair probability
between two clusters stays above a threshold (UPGMA seeded with the sieve).
Weights and threshold are data (``data/entity_pair_model.json``), learned on the ECB+ dev
split only (``scripts/eval_ecb.py --train``).

Cost is quadratic *inside a block*; callers keep blocks small (topics, comparisons).
"""

from __future__ import annotations

import calendar
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from counterpoint.entity_cluster import PER, Item, first_names_agree, name_words, skeleton
from counterpoint.mention_spans import nicknames

MODEL_PATH = Path(__file__).with_name("data") / "entity_pair_model.json"
CANNOT = -1000.0  # pair score of a cannot-link: any cluster mean containing it stays below threshold
KINDS = ("name", "nominal", "pronoun")
BASE = (
    "sieve", "same_head", "ctx_cos", "text_cos", "head_cos", "sent_cos", "doc_cos", "gov_cos",
    "fuzz", "token_set", "same_doc", "name_name", "name_nominal", "name_pronoun",
    "nominal_nominal", "nominal_pronoun", "pronoun_pronoun", "number_agree", "label_conflict",
    "same_gov_role", "same_gov", "ft_cos",
)
CONTINUOUS = BASE[1:10]  # the similarity features that get interaction terms
FEATURES = (
    BASE
    + tuple(f"{c}*name_nominal" for c in CONTINUOUS)
    + tuple(f"{c}*nominal_nominal" for c in CONTINUOUS)
    + tuple(f"{c}*cross_doc" for c in CONTINUOUS)
    + ("doc_cos*ctx_cos", "ft_cos*cross_doc", "ft_cos*doc_cos")
)


@dataclass(frozen=True)
class Mention:
    """One mention with what the pair features need besides its vectors."""

    item: Item
    text: str  # the full mention string ("the notorious Gulf of Aden")
    gov: str = ""  # lemma of the predicate the mention is an argument of
    role: str = ""  # dependency relation to that predicate (nsubj, dobj, pobj, ...)


@dataclass(frozen=True, eq=False)
class Vectors:
    """L2-normalised MiniLM vectors, one row per mention (same order as the mentions)."""

    ctx: np.ndarray  # the mention's tokens pooled from the encoding of its sentence
    text: np.ndarray  # the mention string on its own
    head: np.ndarray  # the head lemma on its own
    gov: np.ndarray  # the governing predicate lemma
    sent: np.ndarray  # the mention's sentence
    doc: np.ndarray  # mean of its document's sentences
    ft: np.ndarray  # the mention in its sentence, from the coreference-tuned encoder (mention_encoder)


@dataclass(frozen=True)
class PairModel:
    """Logistic-regression weights over :data:`FEATURES`, and the merge settings."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # mean pair probability two clusters need to merge
    pronoun_weight: float  # pronouns count less in a cluster's mean (their vectors say little)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Coreference probability per row of a feature matrix."""
        z = x @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> PairModel:
    """The shipped model (weights learned on ECB+ dev)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise ValueError(f"{path}: feature list differs from entity_pairs.FEATURES; retrain")
    return PairModel(tuple(raw["weights"]), raw["bias"], raw["threshold"], raw["pronoun_weight"])


def _same(values: Sequence[Any]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)  # element-wise, so tuples stay single values
    return (arr[:, None] == arr[None, :]).astype(float)


def _base_features(ments: Sequence[Mention], vec: Vectors, idx: np.ndarray, sieve: Sequence[int]) -> list[np.ndarray]:
    """The square matrices of the base features for the mentions ``idx`` of one block."""
    from rapidfuzz.fuzz import ratio, token_set_ratio
    from rapidfuzz.process import cdist

    its = [ments[i].item for i in idx]
    texts = [ments[i].text.lower() for i in idx]
    kind = np.array([KINDS.index(it.kind) for it in its])
    labels = np.array([it.label for it in its])
    cos = [vec.ctx, vec.text, vec.head, vec.sent, vec.doc, vec.gov, vec.ft]
    ctx, text, head, sent, doc, gov, ft = (m[idx] @ m[idx].T for m in cos)
    feats = [
        _same([sieve[i] for i in idx]), _same([it.head for it in its]), ctx, text, head, sent, doc, gov,
        cdist(texts, texts, scorer=ratio, workers=1) / 100.0,
        cdist(texts, texts, scorer=token_set_ratio, workers=1) / 100.0,
        _same([it.doc for it in its]),
    ]
    for a in range(3):
        for b in range(a, 3):
            pair = ((kind[:, None] == a) & (kind[None] == b)) | ((kind[:, None] == b) & (kind[None] == a))
            feats.append(pair.astype(float))
    labelled = labels != ""
    feats += [
        _same([it.plural for it in its]),
        ((labels[:, None] != labels[None]) & labelled[:, None] & labelled[None]).astype(float),
        _same([(ments[i].gov, ments[i].role) for i in idx]),
        _same([ments[i].gov for i in idx]),
        ft,
    ]
    return feats


def pair_features(ments: Sequence[Mention], vec: Vectors, idx: Sequence[int], sieve: Sequence[int]) -> np.ndarray:
    """Feature rows for the pairs (i < j) of ``idx``, in ``np.triu_indices`` order."""
    ix = np.asarray(idx)
    upper = np.triu_indices(len(ix), 1)
    base = np.stack([m[upper] for m in _base_features(ments, vec, ix, sieve)], axis=1)
    col = {name: k for k, name in enumerate(BASE)}
    cont = base[:, [col[c] for c in CONTINUOUS]]
    cross = 1.0 - base[:, col["same_doc"]][:, None]
    extra = [
        cont * base[:, [col["name_nominal"]]], cont * base[:, [col["nominal_nominal"]]], cont * cross,
        (base[:, col["doc_cos"]] * base[:, col["ctx_cos"]])[:, None],
        (base[:, col["ft_cos"]] * cross[:, 0])[:, None],
        (base[:, col["doc_cos"]] * base[:, col["ft_cos"]])[:, None],
    ]
    return np.concatenate([base, *extra], axis=1)


_DAY_NAMES = tuple(d.lower() for d in calendar.day_name)
_MONTH_NAMES = tuple(m.lower() for m in calendar.month_name if m)


def _calendar_name(word: str, names: Sequence[str]) -> str | None:
    """The full weekday or month name a word spells, or abbreviates when capitalised ("Feb", "Sept").

    A lower-case abbreviation is a word ("sat", "wed", "mar"), and lower-case "may" a verb.
    """
    low = word.lower()
    if low in names and (low != "may" or word[0].isupper()):
        return low
    if len(low) >= 3 and word[0].isupper():
        hits = [n for n in names if n.startswith(low)]
        return hits[0] if len(hits) == 1 and low != "may" else None
    return None


@lru_cache(maxsize=16384)
def time_key(text: str) -> tuple[frozenset[str], ...]:
    """Weekdays, months, years and month-days a time expression names ("early Sunday, Feb. 1, 2009").

    Calendar names come from :mod:`calendar` (English locale).
    """
    words = re.findall(r"[A-Za-z]+|\d+", text)
    days = frozenset(d for w in words if (d := _calendar_name(w, _DAY_NAMES)))
    months = [(k, m) for k, w in enumerate(words) if (m := _calendar_name(w, _MONTH_NAMES))]
    years = frozenset(w for w in words if len(w) == 4 and w.isdigit() and 1800 < int(w) < 2200)
    dated = set()
    for k, month in months:  # "February 1", "1 February"; a year right after the month is no day
        for w in words[max(k - 1, 0) : k] + words[k + 1 : k + 2]:
            if w.isdigit() and 1 <= int(w) <= 31:
                dated.add(f"{month} {int(w)}")
    return days, frozenset(m for _, m in months), years, frozenset(dated)


def time_conflicts(texts: Sequence[str]) -> np.ndarray:
    """Square boolean matrix: the two expressions name different weekdays, months, years or dates.

    "Friday" and "Saturday" never corefer, whatever their contexts' similarity; "Friday"
    and "last week" say nothing against each other.
    """
    keys = [time_key(t) for t in texts]
    timed = [i for i, k in enumerate(keys) if any(k)]
    out = np.zeros((len(texts), len(texts)), dtype=bool)
    for n, i in enumerate(timed):
        for j in timed[n + 1 :]:
            if any(a and b and not a & b for a, b in zip(keys[i], keys[j], strict=True)):
                out[i, j] = out[j, i] = True
    return out


def namesake_conflicts(items: Sequence[Item]) -> np.ndarray:
    """Square boolean matrix: two full names that share a surname but not a first name.

    Scott Peterson and Laci Peterson are two people however alike their contexts. A first
    word the other name also contains ("Sgt. Tim Shields", "Charger Jamal Williams"), an
    initial or spelling that fits, or a nickname (Mo / Maurice, data/nicknames.tsv) is no conflict.
    """
    nick = nicknames()
    full: list[tuple[int, str, frozenset[str], str]] = []
    for k, it in enumerate(items):
        words = name_words(it.text) if it.kind == "name" and it.label in (PER, "") else []
        if len(words) >= 2 and words[0].isalpha() and words[-1].isalpha():
            full.append((k, words[0], frozenset(words), skeleton(words[-1])))

    def agree(a: str, b: str, words_a: frozenset[str], words_b: frozenset[str]) -> bool:
        return (a in words_b or b in words_a or first_names_agree(a, b)
                or b in nick.get(a, ()) or a in nick.get(b, ()))

    out = np.zeros((len(items), len(items)), dtype=bool)
    for n, (i, first_i, words_i, last_i) in enumerate(full):
        for j, first_j, words_j, last_j in full[n + 1 :]:
            if last_i == last_j and not agree(first_i, first_j, words_i, words_j):
                out[i, j] = out[j, i] = True
    return out


def constrain(ments: Sequence[Mention], idx: Sequence[int], probs: np.ndarray) -> np.ndarray:
    """Pair probabilities (``np.triu_indices`` order over ``idx``) with cannot-links set to :data:`CANNOT`.

    Cannot-links: expressions naming different times, and namesakes (:func:`namesake_conflicts`).
    """
    upper = np.triu_indices(len(idx), 1)
    clash = time_conflicts([ments[i].text for i in idx])[upper]
    clash |= namesake_conflicts([ments[i].item for i in idx])[upper]
    return np.where(clash, CANNOT, probs)


def average_link(init: Sequence[int], probs: np.ndarray, weights: np.ndarray, threshold: float) -> list[int]:
    """Merge the clusters ``init`` while their weighted mean pair probability reaches ``threshold``.

    ``probs`` is condensed (``np.triu_indices`` order over the items); the result gives one
    cluster number per item (merged clusters share the number of one of their parts).
    """
    n = len(init)
    if n < 2:
        return list(init)
    square = np.zeros((n, n))
    square[np.triu_indices(n, 1)] = probs
    square += square.T
    ids = {lab: k for k, lab in enumerate(dict.fromkeys(init))}
    member = np.zeros((n, len(ids)))
    for i, lab in enumerate(init):
        member[i, ids[lab]] = weights[i]
    sums = member.T @ square @ member
    size = member.sum(axis=0)
    alive = np.ones(len(ids), dtype=bool)
    target = np.arange(len(ids))
    while alive.sum() > 1:
        mean = sums / np.outer(size, size)
        np.fill_diagonal(mean, -1.0)
        mean[~alive, :] = -1.0
        mean[:, ~alive] = -1.0
        a, b = np.unravel_index(int(np.argmax(mean)), mean.shape)
        if mean[a, b] < threshold:
            break
        sums[a] += sums[b]
        sums[:, a] += sums[:, b]
        size[a] += size[b]
        alive[b] = False
        target[target == b] = a
    return [int(target[ids[lab]]) for lab in init]


def merge(ments: Sequence[Mention], vec: Vectors, sieve: Sequence[int], model: PairModel | None = None,
          scopes: Sequence[str] | None = None) -> list[int]:
    """Cluster numbers after merging the sieve's clusters block by block (``item.group``).

    ``scopes`` (one per mention, optional) are sub-blocks such as predicted sub-topics:
    across scopes only names (not dates) may link; descriptions and pronouns score zero.
    """
    model = model or load_model()
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(ments):
        blocks[m.item.group].append(i)
    out: list[Any] = [None] * len(ments)
    for group, idx in blocks.items():
        probs = model.probabilities(pair_features(ments, vec, idx, sieve)) if len(idx) > 1 else np.zeros(0)
        if scopes is not None:
            probs = np.where(_apart(ments, idx, scopes), 0.0, probs)
        probs = constrain(ments, idx, probs)
        weights = np.array([model.pronoun_weight if ments[i].item.kind == "pronoun" else 1.0 for i in idx])
        for i, lab in zip(idx, average_link([sieve[i] for i in idx], probs, weights, model.threshold), strict=True):
            out[i] = (group, lab)
    numbers: dict[Any, int] = {}
    return [numbers.setdefault(lab, len(numbers)) for lab in out]


def _apart(ments: Sequence[Mention], idx: Sequence[int], scopes: Sequence[str]) -> np.ndarray:
    """Per pair of ``idx`` (``np.triu_indices`` order): different scopes, and not two names."""
    a, b = np.triu_indices(len(idx), 1)
    scope = np.array([scopes[i] for i in idx], dtype=object)
    named = np.array([ments[i].item.kind == "name" and ments[i].item.label != "TIME" for i in idx])
    return (scope[a] != scope[b]) & ~(named[a] & named[b])


def contextual_vectors(embedder: Any, sentences: Sequence[Sequence[str]], spans: Sequence[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Mention vectors pooled from MiniLM token states of their sentence, and sentence vectors.

    ``sentences`` are token lists; ``spans`` are (sentence index, first token, last token).
    The tokens are joined with spaces and the word pieces inside the mention's characters
    are mean-pooled, so "man" in "a man fell from Mount Cook" carries its context.
    """
    from counterpoint.mention_encoder import joined

    texts, offsets = joined(sentences)
    states = _token_states(embedder, texts)
    sent = np.stack([_pool(h, m) for h, _, m in states])
    out = np.zeros((len(spans), sent.shape[1]), dtype=np.float32)
    for n, (s, first, last) in enumerate(spans):
        hidden, pieces, mask = states[s]
        lo, hi = offsets[s][first][0], offsets[s][last][1]
        inside = np.array([bool(mask[w]) and b > a and a >= lo and b <= hi for w, (a, b) in enumerate(pieces)])
        out[n] = _pool(hidden, inside.astype(float)) if inside.any() else sent[s]
    return out, sent


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    vec = (hidden * mask[:, None]).sum(axis=0)
    return vec / max(float(np.linalg.norm(vec)), 1e-9)


def _token_states(embedder: Any, texts: Sequence[str], batch: int = 32) -> list[tuple[np.ndarray, list[tuple[int, int]], np.ndarray]]:
    """Last-layer MiniLM states, word-piece character offsets and mask per text."""
    out = []
    for b in range(0, len(texts), batch):
        encs = embedder.tokenizer.encode_batch(list(texts[b : b + batch]))
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in embedder.inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = embedder.session.run(None, feeds)[0]
        out += [(hidden[k], list(encs[k].offsets), mask[k].astype(float)) for k in range(len(encs))]
    return out
