"""Per-article corpus analysis: sentences, named entities, a story embedding and a MinHash.

This is the light analysis the corpus needs to find stories (the full ``compare`` pipeline
runs later, per story). It is built for throughput: spaCy runs NER only (no parser,
tagger, lemmatiser, nor the shared tok2vec that only they listen to) over the first
:data:`NER_CHARS` characters, sentences come from punctuation rules, and the story encoder
(:mod:`.encoder`, USE multilingual, five times cheaper than MiniLM here) embeds one text per
article (headline + lead), because stories are recognised by what the top of an article says.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Article
from . import encoder as story

if TYPE_CHECKING:
    import numpy as np

    from ..resources import Resources

NER_CHARS = 1200  # about the first 200 words: the lead names the story's actors
# USE averages over all its tokens: 1000 tied 700 on the AllSides dev topics (their leads
# are shorter) and kept BASIL's long articles apart better (0.986 vs 0.980); 450 was worse on dev.
EMBED_CHARS = 1000
NUM_PERM = 64
SHINGLE = 5  # word 5-grams: wire copies share most of them, rewrites few
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW", "PRODUCT"})
_SKIP_PIPES = ("tagger", "parser", "attribute_ruler", "lemmatizer")
_MERSENNE = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.U)
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)


@dataclass(frozen=True)
class ArticleFeatures:
    """What the corpus stores and clusters on for one article."""

    content_hash: str
    vector: tuple[float, ...]  # L2-normalised story-encoder embedding of headline + lead
    entities: tuple[tuple[str, str, int], ...]  # (key, label, count), key normalised
    sentences: tuple[tuple[int, int], ...]  # character spans in the analysed prefix
    minhash: tuple[int, ...]
    words: int


def content_hash(article: Article) -> str:
    """SHA-256 of the normalised text: the same article ingested twice hashes the same."""
    body = " ".join(_WORD.findall(unicodedata.normalize("NFKC", article.text).lower()))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def embed_text(article: Article) -> str:
    """Headline plus lead: what the story embedding is computed from."""
    body = article.text[:EMBED_CHARS]
    if article.title and not article.text.startswith(article.title):
        return f"{article.title}. {body}"
    return body


def entity_key(text: str, label: str) -> str | None:
    """A spelling-tolerant key: lower case, no article or possessive; people by surname."""
    t = unicodedata.normalize("NFKC", text).strip().replace("’", "'")
    t = re.sub(r"'s$", "", t)
    t = _LEADING.sub("", t).lower()
    words = _WORD.findall(t)
    if not words or (len(words) == 1 and len(words[0]) < 2):
        return None
    if label == "PERSON":
        # "Michael Steele", "Steele" and "Mr. Steele" are one actor within a news story.
        return words[-1]
    return " ".join(words)


def minhash(text: str, num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """MinHash signature of word 5-gram shingles (stable across processes and machines)."""
    import numpy as np

    words = _WORD.findall(text.lower())
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    hashes = np.array([zlib.crc32(g.encode("utf-8")) for g in grams], dtype=np.uint64)
    rng = np.random.default_rng(20261124)  # fixed permutations: signatures must compare across runs
    a = rng.integers(1, _MERSENNE, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, _MERSENNE, size=num_perm, dtype=np.uint64)
    # (a*x + b) mod p in Python ints would be slow; uint64 wraparound is a fine universal hash.
    sig = ((hashes[None, :] * a[:, None] + b[:, None]) >> np.uint64(3)).min(axis=1)
    return tuple(int(x) for x in sig)


def jaccard(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(x == y for x, y in zip(sig_a, sig_b, strict=False)) / len(sig_a)


def analyse(
    articles: Sequence[Article], resources: Resources, batch: int = 32, encoder: story.Encoder | None = None
) -> list[ArticleFeatures]:
    """Features for a batch of articles (one spaCy pass, one embedding call).

    The story texts are embedded by ``encoder`` if given, else by ``resources.story_embed``
    where the resources object has one (test doubles, which must also reach worker
    processes), else by the corpus story encoder (not ``resources.embed``: see :mod:`.encoder`).
    """
    if not articles:
        return []
    embed = encoder or getattr(resources, "story_embed", None) or story.story_encoder()
    vectors = embed([embed_text(a) for a in articles])
    docs = _parse(resources, [_ner_text(a) for a in articles], batch)
    out = []
    for art, doc, vec in zip(articles, docs, vectors, strict=False):
        out.append(
            ArticleFeatures(
                content_hash=content_hash(art),
                vector=tuple(float(x) for x in vec),
                entities=_entities(doc),
                sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
                minhash=minhash(art.text),
                words=len(_WORD.findall(art.text)),
            )
        )
    return out


def vector_array(features: Sequence[ArticleFeatures]) -> np.ndarray:
    import numpy as np

    if not features:
        return np.zeros((0, story.DIM), dtype=np.float32)
    return np.asarray([f.vector for f in features], dtype=np.float32)


def _ner_text(article: Article) -> str:
    head = f"{article.title}\n" if article.title and not article.text.startswith(article.title) else ""
    return head + article.text[:NER_CHARS]


def _parse(resources: Resources, texts: list[str], batch: int) -> list[Any]:
    nlp = resources.nlp
    skip = [p for p in _SKIP_PIPES if p in nlp.pipe_names]
    if _unused_tok2vec(nlp, skip):
        # In the small English model NER and senter embed tokens themselves; the shared
        # tok2vec only feeds the tagger and parser, so running it here is pure cost (~40%).
        skip.append("tok2vec")
    with nlp.select_pipes(disable=skip):
        docs = list(nlp.pipe(texts, batch_size=batch))
    if any(not d.has_annotation("SENT_START") for d in docs):
        # Punctuation rules, not the statistical senter (a third of the NER pass again):
        # the corpus only stores sentence spans; ``compare`` segments articles itself.
        from spacy.pipeline import Sentencizer

        splitter = Sentencizer()
        docs = [splitter(d) for d in docs]
    return docs


def _unused_tok2vec(nlp: Any, skipped: list[str]) -> bool:
    """Whether the shared tok2vec feeds none of the components that stay enabled."""
    if "tok2vec" not in nlp.pipe_names:
        return False
    listeners = set(getattr(nlp.get_pipe("tok2vec"), "listening_components", ()) or ())
    return not (listeners - set(skipped) - {"tok2vec"})


def _entities(doc: Any) -> tuple[tuple[str, str, int], ...]:
    counts: dict[tuple[str, str], int] = {}
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        key = entity_key(ent.text, ent.label_)
        if key:
            counts[(key, ent.label_)] = counts.get((key, ent.label_), 0) + 1
    return tuple(sorted((k, lab, n) for (k, lab), n in counts.items()))
