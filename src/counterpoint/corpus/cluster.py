"""Incremental story clustering: each new article joins the best existing story or starts one.

An article's similarity to a story is the average over the story's members (average
linkage, computed incrementally) of a pairwise score mixing

* the cosine of story-encoder embeddings (USE multilingual, :mod:`.encoder`) of headline +
  lead (topic and event semantics), and
* the cosine of TF-IDF vectors of word uni- and bigrams (the event's specific words:
  names, places, numbers), with document frequencies kept up to date as articles arrive,

minus a penalty when the two articles are dated further apart than the time window, and a
smaller one when they come from the same outlet (an outlet rarely files two independent
reports of one event; its wire copies are caught as near-duplicates instead). Stories are
shortlisted by embedding centroid first, so each arrival costs O(stories) vector work plus
exact scoring against a few dozen stories: near-linear growth, not all-pairs.

Two thresholds: an arrival joins a story only above the strict ``join_threshold`` (a wrong
join cannot be undone later); at the end of each ingest :meth:`StoryIndex.consolidate`
merges stories best-first down to ``threshold``, which is what batch average linkage would
do, restricted to nearest-centroid neighbours. A merge retires the smaller story's id.

Near-duplicates (MinHash Jaccard of word 5-grams >= :data:`DUP_JACCARD`, found through LSH
buckets) join their original's story and are marked, so they never count as coverage.
Parameters: ``threshold`` and the weights come from a coarse grid over BASIL and AllSides
together (earlier); ``join_threshold`` (0.6 -> 0.7) and ``outlet_penalty`` (0.2 -> 0.4) were
then chosen on the AllSides dev topics alone, with BASIL as a check (one setting for both;
``scripts/eval_clustering.py`` reports the held-out topics apart). When the story encoder
changed from MiniLM to USE, ``threshold`` (0.42 -> 0.44) and ``join_threshold`` (0.70 -> 0.66)
were re-chosen on the AllSides dev topics (grid 0.36-0.50 x 0.62-0.74, lexical weights
0.8-1.5: 1.0 stayed best). Treat the thresholds as a starting point for other corpora
(``--threshold``).

Tried on the dev topics and left out: named-entity overlap as extra IDF-weighted terms (worse
at every weight: one topic's stories share their actors), a shorter lead for the embedding
(better on AllSides, below the BASIL floor), a headline-only embedding averaged in (+0.02 on
dev, +0.005 held-out, -0.005 on BASIL, one more embedding per article).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError
from .analyse import jaccard
from .encoder import DIM

if TYPE_CHECKING:
    import numpy as np

DUP_JACCARD = 0.8
TERMS_CHARS = 2500  # headline + lead, like the embedding: keeps scores comparable across lengths
BANDS, ROWS = 16, 4  # 64 MinHash values: pairs at Jaccard 0.8 share a band with p ~ 0.999
_TOKEN = re.compile(r"[^\W_]+", re.U)
_EARLY, _LATE = -(1 << 40), 1 << 40  # an undated story is "in window" for everyone
Sparse = tuple["np.ndarray", "np.ndarray"]  # (sorted term ids, weights)


@dataclass(frozen=True)
class ClusterParams:
    """Knobs of the story clusterer (defaults: see the module docstring for how they were set)."""

    threshold: float = 0.44  # average linkage needed to merge two stories (consolidation)
    join_threshold: float = 0.66  # a newcomer joins a story only above this; else it starts one
    lexical_weight: float = 1.0  # TF-IDF cosine weight relative to the embedding cosine
    window_days: int = 3
    date_penalty: float = 0.5
    outlet_penalty: float = 0.4
    shortlist: int = 10  # 10, 15 and 30 gave the same B3 on BASIL and AllSides; 10 is fastest


@dataclass
class Member:
    """One stored article as the clusterer sees it."""

    key: int
    term_ids: np.ndarray  # sorted compact term ids (see StoryIndex._term_ids)
    tf: np.ndarray  # their sublinear term frequencies
    date: int | None  # proleptic ordinal of the publication date
    outlet: str | None
    minhash: tuple[int, ...]


@dataclass
class Story:
    id: int
    members: list[int] = field(default_factory=list)  # positions in StoryIndex.members
    total: np.ndarray | None = None  # sum of member vectors
    first: int | None = None
    last: int | None = None
    undated: int = 0  # members without a date


@dataclass(frozen=True)
class Placement:
    """Where an article went: its story, and the original it duplicates, if any."""

    story: int
    dup_of: int | None
    score: float


def terms(text: str, title: str | None = None) -> dict[int, float]:
    """Sublinear term frequencies of content-word uni- and bigrams, keyed by a stable hash."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = [w for w in _TOKEN.findall(f"{title or ''} {text[:TERMS_CHARS]}".lower()) if w not in STOP_WORDS and len(w) > 1]
    counts = Counter(words)
    counts.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return {zlib.crc32(t.encode("utf-8")): 1.0 + math.log(n) for t, n in counts.items()}


class StoryIndex:
    """In-memory state of the clusterer; the database layer persists what it decides."""

    def __init__(self, params: ClusterParams | None = None, dim: int = DIM) -> None:
        import numpy as np

        self.params = params or ClusterParams()
        self.members: list[Member] = []
        self.stories: dict[int, Story] = {}
        self._vocab: dict[int, int] = {}  # term hash -> compact id
        self._df = np.zeros(1024, dtype=np.int64)  # documents per compact term id
        self._dates = np.zeros(64, dtype=np.int64)  # member position -> date ordinal (0: undated)
        self._outlets = np.zeros(64, dtype=np.int64)  # member position -> outlet id (-1: none)
        self._outlet_ids: dict[str, int] = {}
        self._next_story = 1
        self._vectors = np.zeros((64, dim), dtype=np.float32)
        self._centroids = np.zeros((16, dim), dtype=np.float32)
        self._spans = np.tile(np.array([_EARLY, _LATE], dtype=np.int64), (16, 1))  # story date range per row
        self._story_rows: list[int] = []  # centroid row -> story id
        self._buckets: dict[tuple[int, int], list[int]] = {}
        self._by_key: dict[int, int] = {}
        self._tfidf_cache: dict[int, tuple[int, Sparse]] = {}  # pos -> (n at compute, vec)
        self._story_of: list[int] = []  # member position -> story id
        self._row_of: dict[int, int] = {}  # story id -> centroid row

    def __len__(self) -> int:
        return len(self.members)

    # -- adding ---------------------------------------------------------------
    def place(
        self,
        vector: Sequence[float],
        term_weights: dict[int, float],
        date: dt.date | None,
        outlet: str | None,
        minhash: tuple[int, ...],
    ) -> Placement:
        """Decide where a new article goes (changes nothing; call :meth:`add` to record it)."""
        import numpy as np

        self._fit_dim(len(vector))
        ids, tf = self._term_ids(term_weights, grow=False)
        member = Member(-1, ids, tf, date.toordinal() if date else None, _norm_outlet(outlet), minhash)
        self._df[ids] += 1  # the newcomer counts towards document frequencies
        try:
            return self._place(np.asarray(vector, dtype=np.float32), member)
        finally:
            self._df[ids] -= 1

    def add(
        self,
        key: int,
        vector: Sequence[float],
        term_weights: dict[int, float],
        date: dt.date | None,
        outlet: str | None,
        minhash: tuple[int, ...],
        story: int,
    ) -> None:
        """Record an article (new, or reloaded from the database) in its story."""
        import numpy as np

        self._fit_dim(len(vector))
        vec = np.asarray(vector, dtype=np.float32)
        ids, tf = self._term_ids(term_weights, grow=True)
        member = Member(key, ids, tf, date.toordinal() if date else None, _norm_outlet(outlet), minhash)
        self._df[ids] += 1
        pos = len(self.members)
        self.members.append(member)
        self._by_key[key] = pos
        self._grow_vectors(pos, vec, member)
        self._index_minhash(pos, minhash)
        self._attach(story, pos, vec)

    def place_and_add(
        self,
        key: int,
        vector: Sequence[float],
        term_weights: dict[int, float],
        date: dt.date | None,
        outlet: str | None,
        minhash: tuple[int, ...],
    ) -> Placement:
        """Place and record in one step (evaluations, tests)."""
        placement = self.place(vector, term_weights, date, outlet, minhash)
        self.add(key, vector, term_weights, date, outlet, minhash, placement.story)
        return placement

    def _place(self, vec: np.ndarray, member: Member) -> Placement:
        dup = self._find_duplicate(member.minhash)
        if dup is not None:
            original = self.members[dup]
            return Placement(self.story_of(original.key), original.key, 1.0)
        best, best_score = None, -1.0
        qx = self._tfidf(member.term_ids, member.tf)
        for sid in self._shortlist(vec, date=member.date):
            score = self._story_score(vec, qx, member, self.stories[sid])
            if score > best_score:
                best, best_score = sid, score
        if best is not None and best_score >= self.params.join_threshold:
            return Placement(best, None, best_score)
        return Placement(self._next_story, None, best_score)

    def story_of(self, key: int) -> int:
        """The story an already placed article belongs to."""
        return self._story_of[self._by_key[key]]

    # -- scoring --------------------------------------------------------------
    def _shortlist(self, vec: np.ndarray, size: int | None = None, date: int | None = None) -> list[int]:
        """Stories nearest by centroid; with a date, only those within reach of the window."""
        import numpy as np

        n = len(self._story_rows)
        if n == 0:
            return []
        sims = _matvec(self._centroids[:n], vec)
        if date is not None and self.params.date_penalty >= 1.0 - self.params.join_threshold:
            # A story dated wholly outside the window cannot reach the join threshold.
            w = self.params.window_days
            far = (self._spans[:n, 0] > date + w) | (self._spans[:n, 1] < date - w)
            sims = np.where(far, -np.inf, sims)
        k = min(size or self.params.shortlist, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        return [self._story_rows[i] for i in top if self._story_rows[i] >= 0 and np.isfinite(sims[i])]

    def _story_score(self, vec: np.ndarray, qx: Sparse, member: Member, story: Story) -> float:
        """Average pairwise score of an article against (a bounded sample of) a story's members."""
        import numpy as np

        outlet = self._outlet_ids.get(member.outlet, -2) if member.outlet else -2
        return self._mean_score(vec[None, :], [qx], np.array([member.date or 0]), np.array([outlet]), story)

    def _mean_score(
        self, vecs: np.ndarray, lexes: list[Sparse], dates: np.ndarray, outlets: np.ndarray, story: Story
    ) -> float:
        """Mean pairwise score of some articles (rows) against a sample of a story's members.

        Dates are ordinals with 0 for undated; outlet ids are negative for none.
        """
        import numpy as np

        p = self.params
        members = np.asarray(_sample(story.members), dtype=np.int64)
        lex = _cosine_matrix(lexes, [self._member_tfidf(int(pos)) for pos in members])
        s = (vecs @ self._vectors[members].T + p.lexical_weight * lex) / (1.0 + p.lexical_weight)
        theirs = self._dates[members][None, :]
        far = (dates[:, None] != 0) & (theirs != 0) & (np.abs(dates[:, None] - theirs) > p.window_days)
        s -= p.date_penalty * far
        s -= p.outlet_penalty * ((outlets[:, None] >= 0) & (outlets[:, None] == self._outlets[members][None, :]))
        return float(s.mean())

    def _member_tfidf(self, pos: int) -> Sparse:
        """A member's TF-IDF vector, recomputed only once the corpus has grown by a tenth."""
        n = len(self.members)
        cached = self._tfidf_cache.get(pos)
        if cached is None or n > cached[0] * 1.1 + 2:
            m = self.members[pos]
            cached = (n, self._tfidf(m.term_ids, m.tf))
            self._tfidf_cache[pos] = cached
        return cached[1]

    def _tfidf(self, ids: np.ndarray, tf: np.ndarray) -> Sparse:
        """TF-IDF (sorted ids, unit weights) with current document frequencies.

        Terms seen in one article only carry no evidence of a shared story and are dropped.
        """
        import numpy as np

        n = len(self.members) + 1
        df = self._df[ids]
        keep = df >= 2
        weights = tf[keep] * (np.log((n + 1) / (df[keep] + 1)) + 1.0)
        norm = float(np.linalg.norm(weights)) or 1.0
        return ids[keep], weights / norm

    def _term_ids(self, term_weights: dict[int, float], grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """Compact ids (sorted) and weights of an article's terms; unknown terms get ids when ``grow``.

        Without ``grow`` (a newcomer being placed) unseen terms are left out: their document
        frequency would be 1, and such terms are dropped from TF-IDF anyway.
        """
        import numpy as np

        pairs = []
        for t, w in term_weights.items():
            cid = self._vocab.get(t)
            if cid is None and grow:
                cid = self._vocab[t] = len(self._vocab)
            if cid is not None:
                pairs.append((cid, w))
        if len(self._vocab) > len(self._df):
            self._df = np.concatenate([self._df, np.zeros(max(len(self._vocab), 2 * len(self._df)) - len(self._df), dtype=np.int64)])
        pairs.sort()
        ids = np.fromiter((c for c, _ in pairs), dtype=np.int64, count=len(pairs))
        return ids, np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))

    # -- consolidation --------------------------------------------------------
    def consolidate(self, shortlist: int = 10) -> list[tuple[int, int]]:
        """Merge stories best-first while their average linkage reaches the threshold.

        Returns (merged, into) pairs in the order applied. Arrivals join a story only above
        the stricter ``join_threshold``, so early mistakes are rare; this pass then continues
        the agglomeration from that state, most similar pair first (as batch average linkage
        would), looking only at each story's nearest centroids so the cost stays near-linear.
        """
        import heapq

        version = dict.fromkeys(self.stories, 0)
        heap: list[tuple[float, int, int, int, int]] = []

        def push(sid: int) -> None:
            story = self.stories[sid]
            for other in self._shortlist(self._centroids[self._row_of[sid]], shortlist):
                if other != sid and other in self.stories:
                    score = self._linkage(story, self.stories[other])
                    if score >= self.params.threshold:
                        heapq.heappush(heap, (-score, sid, other, version[sid], version[other]))

        for sid in sorted(self.stories):
            push(sid)
        merges: list[tuple[int, int]] = []
        while heap:
            _, a, b, va, vb = heapq.heappop(heap)
            if a not in self.stories or b not in self.stories or version[a] != va or version[b] != vb:
                continue  # stale: one side has changed since this pair was scored
            keep, drop = sorted((a, b), key=lambda k: (-len(self.stories[k].members), k))
            self._merge(keep, drop)
            merges.append((drop, keep))
            version[keep] += 1
            push(keep)
        return merges

    def _linkage(self, a: Story, b: Story) -> float:
        """Average linkage between two stories, over bounded samples of each."""
        import numpy as np

        rows = np.asarray(_sample(a.members), dtype=np.int64)
        lexes = [self._member_tfidf(int(pos)) for pos in rows]
        return self._mean_score(self._vectors[rows], lexes, self._dates[rows], self._outlets[rows], b)

    def _merge(self, keep: int, drop: int) -> None:
        import numpy as np

        k, d = self.stories[keep], self.stories.pop(drop)
        for pos in d.members:
            self._story_of[pos] = keep
        k.members.extend(d.members)
        k.undated += d.undated
        assert k.total is not None and d.total is not None
        k.total = k.total + d.total
        self._centroids[self._row_of[keep]] = k.total / max(float(np.linalg.norm(k.total)), 1e-9)
        row = self._row_of.pop(drop)
        self._centroids[row] = 0.0
        self._story_rows[row] = -1
        dates = [x for x in (k.first, k.last, d.first, d.last) if x is not None]
        k.first, k.last = (min(dates), max(dates)) if dates else (None, None)
        self._spans[self._row_of[keep]] = self._span_of(k)
        self._spans[row] = (_LATE, _EARLY)  # matches nothing

    # -- bookkeeping ----------------------------------------------------------
    def _attach(self, sid: int, pos: int, vec: np.ndarray) -> None:
        import numpy as np

        story = self.stories.get(sid)
        if story is None:
            story = self.stories[sid] = Story(sid, [], np.zeros_like(vec))
            row = len(self._story_rows)
            if row >= len(self._centroids):
                self._centroids = np.concatenate([self._centroids, np.zeros_like(self._centroids)])
                self._spans = np.concatenate([self._spans, self._spans])
            self._row_of[sid] = row
            self._story_rows.append(sid)
            self._next_story = max(self._next_story, sid + 1)
        story.members.append(pos)
        self._story_of.append(sid)
        assert story.total is not None
        story.total = story.total + vec
        self._centroids[self._row_of[sid]] = story.total / max(float(np.linalg.norm(story.total)), 1e-9)
        d = self.members[pos].date
        story.undated += d is None
        if d is not None:
            story.first = d if story.first is None else min(story.first, d)
            story.last = d if story.last is None else max(story.last, d)
        self._spans[self._row_of[sid]] = self._span_of(story)

    @staticmethod
    def _span_of(story: Story) -> tuple[int, int]:
        """A story's date range; undated members keep it open (their scores are not penalised)."""
        if story.first is None or story.last is None or story.undated:
            return (_EARLY, _LATE)
        return (story.first, story.last)

    def _fit_dim(self, dim: int) -> None:
        """Take the first vector's dimension; refuse another one later (another encoder's vectors)."""
        import numpy as np

        if dim == self._vectors.shape[1]:
            return
        if self.members:
            raise InputError(
                f"story vectors of {dim} dimensions, but this corpus holds {self._vectors.shape[1]}: it was "
                "built with another story encoder; ingest into a new database"
            )
        self._vectors = np.zeros((len(self._vectors), dim), dtype=np.float32)
        self._centroids = np.zeros((len(self._centroids), dim), dtype=np.float32)

    def _grow_vectors(self, pos: int, vec: np.ndarray, member: Member) -> None:
        import numpy as np

        if pos >= len(self._vectors):
            self._vectors = np.concatenate([self._vectors, np.zeros_like(self._vectors)])
            self._dates = np.concatenate([self._dates, np.zeros_like(self._dates)])
            self._outlets = np.concatenate([self._outlets, np.zeros_like(self._outlets)])
        self._vectors[pos] = vec
        self._dates[pos] = member.date or 0
        outlet = -1 if member.outlet is None else self._outlet_ids.setdefault(member.outlet, len(self._outlet_ids))
        self._outlets[pos] = outlet

    def _index_minhash(self, pos: int, sig: tuple[int, ...]) -> None:
        if len(sig) < BANDS * ROWS:
            return
        for b in range(BANDS):
            bucket = hash(sig[b * ROWS : (b + 1) * ROWS])
            self._buckets.setdefault((b, bucket), []).append(pos)

    def _find_duplicate(self, sig: tuple[int, ...]) -> int | None:
        if len(sig) < BANDS * ROWS:
            return None
        seen: set[int] = set()
        best, best_j = None, DUP_JACCARD
        for b in range(BANDS):
            for pos in self._buckets.get((b, hash(sig[b * ROWS : (b + 1) * ROWS])), ()):
                if pos in seen:
                    continue
                seen.add(pos)
                j = jaccard(sig, self.members[pos].minhash)
                if j >= best_j:
                    best, best_j = pos, j
        return best


def _sample(members: list[int], cap: int = 16) -> list[int]:
    """At most ``cap`` members spread evenly: average linkage to a big story, at bounded cost."""
    if len(members) <= cap:
        return members
    step = len(members) / cap
    return [members[int(i * step)] for i in range(cap)]


def _cosine_matrix(rows: list[Sparse], cols: list[Sparse]) -> np.ndarray:
    """Cosines of unit sparse vectors, rows x cols; the columns are concatenated once."""
    import numpy as np

    out = np.zeros((len(rows), len(cols)))
    if not rows or not cols:
        return out
    ids = np.concatenate([c[0] for c in cols])
    weights = np.concatenate([c[1] for c in cols])
    seg = np.repeat(np.arange(len(cols)), [len(c[0]) for c in cols])
    for r, (q_ids, q_w) in enumerate(rows):
        if len(q_ids):
            at = np.minimum(np.searchsorted(q_ids, ids), len(q_ids) - 1)
            hit = q_ids[at] == ids
            out[r] = np.bincount(seg[hit], weights=weights[hit] * q_w[at[hit]], minlength=len(cols))
    return out


def _matvec(matrix: np.ndarray, vec: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """matrix @ vec in row blocks small enough that OpenBLAS keeps them on one thread.

    Past ~1,000 rows OpenBLAS splits a matrix-vector product across threads; on a loaded
    2-core machine the hand-off cost 15 ms against 0.05 ms for the product (measured), which
    made clustering time grow quadratically with the number of stories.
    """
    import numpy as np

    if len(matrix) <= chunk:
        return matrix @ vec
    return np.concatenate([matrix[i : i + chunk] @ vec for i in range(0, len(matrix), chunk)])


def _norm_outlet(outlet: str | None) -> str | None:
    return " ".join(_TOKEN.findall(outlet.lower())) if outlet else None
