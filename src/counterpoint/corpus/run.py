"""Ingest runs: read inputs, analyse them (in-process or on Ray), cluster, store.

Loading and analysis are the expensive, embarrassingly parallel part and run as batches of
:func:`work` — inline by default, or as Ray tasks with ``engine="ray"`` (a local Ray cluster
unless ``ray_address``/``RAY_ADDRESS`` names one). Clustering and database writes stay in
the driver: they are cheap, order-dependent, and one writer keeps the database consistent.
Results are consumed in submission order so a run is deterministic whatever the engine.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article
from . import cluster, db
from .analyse import ArticleFeatures, analyse, content_hash
from .sources import Item, expand, load_item

ENGINES = ("local", "ray")
BATCH = 32


@dataclass(frozen=True)
class Analysed:
    """One item after :func:`work`: an analysed article, a known one, or a skip reason."""

    source: str
    article: Article | None = None
    features: ArticleFeatures | None = None
    terms: dict[int, float] | None = None
    known: bool = False
    error: str | None = None


@dataclass(frozen=True)
class IngestReport:
    """What an ingest run did."""

    new: int
    known: int
    duplicates: int
    skipped: int
    stories: int
    new_stories: int
    seconds: float

    def line(self) -> str:
        rate = self.new / self.seconds if self.seconds else 0.0
        return (
            f"{self.new} new articles ({self.duplicates} near-duplicates), {self.known} already stored, "
            f"{self.skipped} skipped; {self.stories} stories ({self.new_stories} new); "
            f"{self.seconds:.1f}s, {rate:.1f} articles/s"
        )


def work(items: list[Item], known: frozenset[str] | set[str]) -> list[Analysed]:
    """Load and analyse a batch of items (runs in-process or as a Ray task)."""
    from ..resources import default

    out: list[Analysed | None] = []
    todo: list[tuple[int, Article]] = []
    seen: set[str] = set()
    for item in items:
        try:
            art = load_item(item)
        except InputError as exc:
            out.append(Analysed(item.source, error=str(exc)))
            continue
        h = content_hash(art)
        if h in known or h in seen:
            out.append(Analysed(item.source, article=art, known=True))
            continue
        seen.add(h)
        todo.append((len(out), art))
        out.append(None)
    feats = analyse([a for _, a in todo], default())
    for (i, art), f in zip(todo, feats, strict=False):
        out[i] = Analysed(art.source or art.id, art, f, cluster.terms(art.text, art.title))
    return [a for a in out if a is not None]


def load_index(eng: Any, params: cluster.ClusterParams | None = None) -> cluster.StoryIndex:
    """Rebuild the clusterer's state from the stored articles (no re-analysis)."""
    index = cluster.StoryIndex(params)
    for s in db.stored_articles(eng):
        if s.story is not None and s.features.vector:
            index.add(s.key, s.features.vector, s.terms, s.article.published, s.article.outlet, s.features.minhash, s.story)
    return index


def ingest(
    inputs: list[str],
    database: str | Path,
    *,
    engine: str = "local",
    batch: int = BATCH,
    params: cluster.ClusterParams | None = None,
    progress: bool = True,
    ray_address: str | None = None,
    follow_links: bool = False,
) -> IngestReport:
    """Ingest inputs into a corpus database; safe to re-run, to interrupt and to run twice at once."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: choose one of {', '.join(ENGINES)}")
    with db.writer_lock(database):
        return _ingest(inputs, database, engine, batch, params, progress, ray_address, follow_links)


def _ingest(
    inputs: list[str],
    database: str | Path,
    engine: str,
    batch: int,
    params: cluster.ClusterParams | None,
    progress: bool,
    ray_address: str | None,
    follow_links: bool,
) -> IngestReport:
    from tqdm import tqdm

    start = time.perf_counter()
    eng = db.connect(database)
    known = db.known_hashes(eng)
    index = load_index(eng, params)
    stories_before = set(index.stories)
    items = list(expand(inputs, follow_links))
    counts = {"new": 0, "known": 0, "dup": 0, "skip": 0}
    bar = tqdm(total=len(items), unit="art", desc="ingest", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    batches = [items[i : i + batch] for i in range(0, len(items), batch)]
    runner = _ray_batches if engine == "ray" else _local_batches
    try:
        for results in runner(batches, known, ray_address):
            for r in results:
                _store(eng, index, r, counts)
            bar.update(len(results))
            bar.set_postfix(new=counts["new"], dup=counts["dup"], known=counts["known"], skip=counts["skip"])
        # Also after an interrupted run, so its stories get consolidated on the next one.
        db.merge_stories(eng, index.consolidate())
    finally:
        bar.close()
        eng.dispose()
    return IngestReport(
        counts["new"], counts["known"], counts["dup"], counts["skip"], len(index.stories),
        len(set(index.stories) - stories_before), time.perf_counter() - start,
    )


def _store(eng: Any, index: cluster.StoryIndex, r: Analysed, counts: dict[str, int]) -> None:
    if r.error:
        db.record_skip(eng, r.source, r.error)
        counts["skip"] += 1
        return
    if r.known or r.article is None or r.features is None or r.terms is None:
        counts["known"] += 1
        return
    art, f = r.article, r.features
    place = index.place(f.vector, r.terms, art.published, art.outlet, f.minhash)
    key = db.insert_article(eng, art, f, r.terms, place.story, place.dup_of)
    if key is None:  # another writer stored it meanwhile
        counts["known"] += 1
        return
    index.add(key, f.vector, r.terms, art.published, art.outlet, f.minhash, place.story)
    counts["new"] += 1
    counts["dup"] += place.dup_of is not None


def _local_batches(batches: list[list[Item]], known: set[str], _address: str | None) -> Iterator[list[Analysed]]:
    for b in batches:
        yield work(b, known)


def _ray_batches(batches: list[list[Item]], known: set[str], address: str | None) -> Iterator[list[Analysed]]:
    """Run :func:`work` as Ray tasks, a bounded number in flight, yielding in order."""
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'counterpoint[ray]'") from None
    started = not ray.is_initialized()
    if started:
        address = address or os.environ.get("RAY_ADDRESS")
        # A local cluster by default; with an address, join an existing one.
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                 num_cpus=None if address else (os.cpu_count() or 2))
    try:
        remote: Any = ray.remote(work)
        known_ref = ray.put(frozenset(known))
        limit = max(2, int(ray.cluster_resources().get("CPU", 2)) * 2)
        yield from _ordered(batches, lambda b: remote.remote(b, known_ref), ray.get, limit)
    finally:
        if started:
            ray.shutdown()


def _ordered(
    batches: Iterable[list[Item]], submit: Callable[[list[Item]], Any], get: Callable[[Any], Any], limit: int
) -> Iterator[list[Analysed]]:
    pending: list[Any] = []
    for b in batches:
        pending.append(submit(b))
        if len(pending) >= limit:
            yield get(pending.pop(0))
    while pending:
        yield get(pending.pop(0))
