"""Same-fact similarity of two claims: features, the learned combination, a readable why.

The features are the same for a sentence pair from MSRP/STS (entities and dates as spaCy
finds them in the sentence) and for two claims of articles (entities resolved across the
articles, dates resolved against publication dates), so weights fitted on the datasets
apply to articles. No scikit-learn at run time: the model is a JSON of logistic weights.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .resources import DATA

MODEL_FILE = "align_model.json"
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
DATE_LABELS = {"DATE", "TIME"}
# Russian and Ukrainian negators too (не, ни, нет / ні, без), so a negation clash is seen
# across languages; they never occur in English text.
NEGATORS = {"not", "n't", "never", "no", "without", "nor", "neither",
            "не", "ни", "нет", "никогда", "без", "ні", "ніколи"}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Russian/Ukrainian scale words by stem ("тысяч", "тисячі", "млн", "мільйонів", ...).
CYRILLIC_SCALES = (("тыс", 1e3), ("тис", 1e3), ("млн", 1e6), ("миллион", 1e6), ("мільйон", 1e6),
                   ("млрд", 1e9), ("миллиард", 1e9), ("мільярд", 1e9), ("трлн", 1e12))
WORD_NUMBERS = {
    w: float(k)
    for k, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
# Action words that say little about which fact is reported: left out of "same action".
LIGHT_VERBS = {"be", "have", "do", "say", "tell", "make", "get", "go", "come", "take", "give", "add"}

BASE_FEATURES = (
    "cos", "cos2", "dice_lemma", "contain_min", "contain_max", "dice_word", "dice_bigram",
    "len_ratio", "num_match", "num_clash", "num_one", "ent_dice", "ent_clash", "neg_clash",
    "date_match", "date_clash",
)
# Surface overlap in the spirit of MT metrics (n-gram precision both ways, edit ratios),
# computed from the text alone; they carry most of the MSRP signal beyond the cosine.
SURFACE_FEATURES = (
    "fz_ratio", "fz_sort", "fz_set", "fz_partial", "p1_min", "p1_max", "p2_min", "p2_max",
    "p3_min", "p3_max", "p4_min", "p4_max", "unmatched", "unmatched_max", "len_diff", "digit_clash",
    "char2", "char3", "char4", "char5",
)
CHAR_NS = (2, 3, 4, 5)
CHAR_DIM = 8192
FEATURES = BASE_FEATURES + SURFACE_FEATURES
WORD_RE = re.compile(r"\w+(?:[.,']\w+)*")
DIGITS_RE = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Info:
    """What the features need from one claim or sentence."""

    text: str
    lemmas: frozenset[str]  # content lemmas, lower case
    words: frozenset[str]  # every word, lower case
    bigrams: frozenset[tuple[str, str]]
    verbs: frozenset[str]  # content verb lemmas: the action
    numbers: frozenset[float]
    entities: Mapping[str, str]  # key (resolved id or name word) -> display name
    dates: Mapping[str, str]  # key (ISO date or text) -> readable form
    negated: bool
    length: int


def _number(tok: Any, nxt: Any) -> float | None:
    """The value of a numeric token, scaled by a following "million" etc."""
    raw = tok.text.lower().replace(",", "")
    value: float | None
    try:
        value = float(raw)
    except ValueError:
        value = WORD_NUMBERS.get(raw)
    if value is None:
        return None
    if nxt is not None and nxt.text.lower() in SCALES:
        value *= SCALES[nxt.text.lower()]
    elif nxt is not None:
        value *= next((f for stem, f in CYRILLIC_SCALES if nxt.text.lower().startswith(stem)), 1.0)
    return value


def info_from_tokens(
    text: str,
    tokens: list[Any],
    entities: Mapping[str, str] | None = None,
    dates: Mapping[str, str] | None = None,
) -> Info:
    """Features of a claim from its spaCy tokens; resolved entities/dates override spaCy's."""
    words = [t.text.lower() for t in tokens if not t.is_punct and not t.is_space]
    lemmas = {t.lemma_.lower() for t in tokens if t.is_alpha and not t.is_stop}
    verbs = {t.lemma_.lower() for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() not in LIGHT_VERBS}
    numbers: set[float] = set()
    ent_found: dict[str, str] = {}
    date_found: dict[str, str] = {}
    for k, t in enumerate(tokens):
        if (t.like_num or t.pos_ == "NUM") and t.ent_type_ not in DATE_LABELS:
            v = _number(t, tokens[k + 1] if k + 1 < len(tokens) else None)
            if v is not None:
                numbers.add(v)
        if t.ent_type_ in NAME_LABELS and t.pos_ == "PROPN":
            ent_found[t.text.lower()] = t.text
        if t.ent_type_ in DATE_LABELS and t.ent_iob_ == "B":
            date_found[t.text.lower()] = t.text
    return Info(
        text=text,
        lemmas=frozenset(lemmas),
        words=frozenset(words),
        bigrams=frozenset(zip(words, words[1:], strict=False)),
        verbs=frozenset(verbs),
        numbers=frozenset(numbers),
        entities=dict(entities) if entities else ent_found,
        dates=dict(dates) if dates else date_found,
        negated=any(t.dep_ == "neg" or t.lower_ in NEGATORS for t in tokens),
        length=max(1, len(words)),
    )


def _dice(a: frozenset[Any] | Iterable[Any], b: frozenset[Any] | Iterable[Any]) -> float:
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 0.0


def pair_features(a: Info, b: Info, cos: float) -> list[float]:
    """The feature vector of a pair, in :data:`FEATURES` order."""
    return base_features(a, b, cos) + surface_features(surface(a.text), surface(b.text))


@dataclass(frozen=True)
class Surface:
    """Per-text pieces of the surface features, computed once per text."""

    text: str
    words: tuple[str, ...]
    grams: tuple[frozenset[tuple[str, ...]], ...]  # word 1- to 4-grams
    chars: tuple[Any, ...]  # per n: unit-length hashed character n-gram count vector
    digits: frozenset[str]


@functools.lru_cache(maxsize=512)
def surface(text: str) -> Surface:
    """The :class:`Surface` of a text (cached: a claim meets many partners)."""
    import zlib

    import numpy as np

    words = WORD_RE.findall(text.lower())
    grams = tuple(frozenset(zip(*[words[i:] for i in range(n)], strict=False)) for n in (1, 2, 3, 4))
    flat = " " + " ".join(text.lower().split()) + " "
    chars = []
    for n in CHAR_NS:
        # hashed counts (crc32: stable across processes) make each pair one dot product
        idx = [zlib.crc32(flat[i : i + n].encode()) % CHAR_DIM for i in range(len(flat) - n + 1)]
        vec = np.bincount(np.array(idx, dtype=np.int64), minlength=CHAR_DIM).astype(np.float32)
        chars.append(vec / (float(np.linalg.norm(vec)) or 1.0))
    return Surface(text, tuple(words), grams, tuple(chars), frozenset(DIGITS_RE.findall(text)))


def surface_features(a: Surface, b: Surface) -> list[float]:
    """String-level overlap of two texts, in :data:`SURFACE_FEATURES` order."""
    from rapidfuzz import fuzz

    out = [fuzz.ratio(a.text, b.text) / 100, fuzz.token_sort_ratio(a.text, b.text) / 100,
           fuzz.token_set_ratio(a.text, b.text) / 100, fuzz.partial_ratio(a.text, b.text) / 100]
    for ga, gb in zip(a.grams, b.grams, strict=True):
        both = len(ga & gb)
        pa, pb = both / max(1, len(ga)), both / max(1, len(gb))
        out += [min(pa, pb), max(pa, pb)]
    sa, sb = a.grams[0], b.grams[0]
    # shares, not counts: counts grow with sentence length and would not carry over from
    # headline-length training pairs to long article sentences
    union = max(1, len(sa | sb))
    out += [(len(sa - sb) + len(sb - sa)) / union,
            max(len(sa - sb) / max(1, len(sa)), len(sb - sa) / max(1, len(sb))),
            abs(len(a.words) - len(b.words)) / max(1, len(a.words), len(b.words))]
    out.append(1.0 if a.digits != b.digits else 0.0)
    out += [float(va @ vb) for va, vb in zip(a.chars, b.chars, strict=True)]
    return out


def base_features(a: Info, b: Info, cos: float) -> list[float]:
    """Embedding, lemma and entity/number/date/negation features, in :data:`BASE_FEATURES` order."""
    common = len(a.lemmas & b.lemmas)
    small, large = sorted((len(a.lemmas), len(b.lemmas)))
    na, nb = a.numbers, b.numbers
    ea, eb = set(a.entities), set(b.entities)
    da, db = set(a.dates), set(b.dates)
    return [
        cos,
        cos * cos,
        _dice(a.lemmas, b.lemmas),
        common / small if small else 0.0,
        common / large if large else 0.0,
        _dice(a.words, b.words),
        _dice(a.bigrams, b.bigrams),
        min(a.length, b.length) / max(a.length, b.length),
        1.0 if na and nb and na == nb else 0.0,
        1.0 - _dice(na, nb) if na and nb else 0.0,
        1.0 if bool(na) != bool(nb) else 0.0,
        _dice(ea, eb),
        1.0 - _dice(ea, eb) if ea and eb else 0.0,
        1.0 if a.negated != b.negated else 0.0,
        1.0 if da and db and da & db else 0.0,
        1.0 if da and db and not da & db else 0.0,
    ]


@dataclass(frozen=True)
class Linear:
    """A linear function over standardised features."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def __call__(self, x: list[float]) -> float:
        return self.intercept + sum(
            w * (v - m) / s for w, v, m, s in zip(self.coef, x, self.mean, self.scale, strict=False)
        )

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Linear:
        return cls(tuple(spec["mean"]), tuple(spec["scale"]), tuple(spec["coef"]), float(spec["intercept"]))


@dataclass(frozen=True)
class Model:
    """Two learned combinations of :data:`FEATURES` and the cuts that turn them into relations.

    ``same_fact`` is a logistic regression fitted on MSRP (paraphrase or not); ``similarity``
    a ridge regression onto the STS 0-5 scale, fitted on STS headlines 2013. The STS
    annotation guideline anchors the cuts: 3 = "roughly equivalent, some important
    information differs" (shared), 2 = "not equivalent, but share some details" (related).
    Event identity in articles (same agent, action, time) is judged on top of this, in
    :func:`counterpoint.align.decide`.
    """

    same_fact: Linear
    similarity: Linear
    same_fact_threshold: float  # MSRP probability cut, chosen on MSRP train/val
    shared: float  # STS-scale cut for "shared"
    related: float  # STS-scale cut for "related"

    def prob(self, x: list[float]) -> float:
        """Probability that the pair is a paraphrase (MSRP sense)."""
        z = self.same_fact(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def sim(self, x: list[float]) -> float:
        """Similarity on the STS scale, 0 (unrelated) to 5 (same meaning)."""
        return min(5.0, max(0.0, self.similarity(x)))

    def relation(self, x: list[float]) -> tuple[str | None, float]:
        """("shared" | "related" | None, STS-scale similarity) for a feature vector (text only)."""
        s = self.sim(x)
        if s >= self.shared or (s >= self.related and self.prob(x) >= self.same_fact_threshold):
            return "shared", s
        if s >= self.related:
            return "related", s
        return None, s


@functools.lru_cache(maxsize=4)
def load_model(name: str = MODEL_FILE) -> Model:
    """The shipped model (``data/align_model.json``)."""
    spec = json.loads((DATA / name).read_text(encoding="utf-8"))
    if tuple(spec["features"]) != FEATURES:
        raise ValueError(f"{name} was fitted on other features: {spec['features']}")
    return Model(
        same_fact=Linear.from_spec(spec["same_fact"]),
        similarity=Linear.from_spec(spec["similarity"]),
        same_fact_threshold=float(spec["same_fact"]["threshold"]),
        shared=float(spec["similarity"]["shared"]),
        related=float(spec["similarity"]["related"]),
    )


def _names(keys: set[str], info: Info, limit: int = 3) -> str:
    names = sorted({info.entities[k] for k in keys})
    return ", ".join(names[:limit])


def reasons(a: Info, b: Info, cos: float, relation: str, backdrop: frozenset[str] = frozenset(),
            agents: str = "") -> str:
    """One line a reader understands: what the two claims have in common.

    ``backdrop`` entities (the story's setting, named everywhere) are not listed as actors;
    ``agents`` names who acts (or speaks) in both, when the parse finds the same agent.
    """
    parts = [f"same agent ({agents})"] if agents else []
    actors = (set(a.entities) & set(b.entities)) - backdrop
    if actors:
        parts.append(f"same actors ({_names(actors, a)})")
    actions = sorted(a.verbs & b.verbs)
    if actions:
        parts.append(f"same action ({', '.join(actions[:3])})")
    dates = set(a.dates) & set(b.dates)
    if dates:
        parts.append(f"same date ({', '.join(sorted(a.dates[d] for d in dates)[:2])})")
    nums = sorted(a.numbers & b.numbers)
    if nums:
        parts.append(f"same figures ({', '.join(_fmt(n) for n in nums[:3])})")
    if not parts:
        words = sorted(a.lemmas & b.lemmas - {v for v in a.verbs})
        if words:
            parts.append(f"same terms ({', '.join(words[:4])})")
    parts.append(f"wording {'close' if cos >= 0.75 else 'similar' if cos >= 0.5 else 'different'} ({cos:.2f})")
    head = "same fact" if relation == "shared" else "same matter, different facts"
    return f"{head}: " + "; ".join(parts)


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if n == int(n) else f"{n:g}"

