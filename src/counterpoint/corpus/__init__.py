"""Corpus: many articles -> database -> stories -> N-way comparisons.

``counterpoint ingest`` stores articles with a light analysis and clusters them into stories
incrementally (:mod:`.cluster`); ``counterpoint stories`` lists them, ``counterpoint
coverage`` shows which outlets covered which story, and ``counterpoint compare --story ID``
hands a story's articles to the comparison pipeline through :func:`story_articles`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Article


def parse_story_id(story_id: str) -> int:
    """``"S12"`` or ``"12"`` -> 12."""
    s = story_id.strip()
    s = s[1:] if s[:1] in ("S", "s") else s
    if not s.isdigit():
        raise InputError(f"--story {story_id}: expected a story id like S12 (see `counterpoint stories`)")
    return int(s)


def story_articles(db: str | Path, story_id: str) -> list[Article]:
    """The independent articles of one stored story (near-duplicates left out), ready for compare."""
    from . import db as corpus_db

    if "://" not in str(db) and not Path(db).exists():
        raise InputError(f"--db {db}: no such corpus database (run `counterpoint ingest` first)")
    sid = parse_story_id(story_id)
    eng = corpus_db.connect(db)
    try:
        rows = list(corpus_db.stored_articles(eng, story=sid))
    finally:
        eng.dispose()
    if not rows:
        raise InputError(f"--story {story_id}: no such story in {db}")
    independent = [r.article for r in rows if r.dup_of is None]
    return _unique_ids(independent)


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Article ids must be unique within a comparison; suffix repeats (two feeds' "1")."""
    from dataclasses import replace

    seen: dict[str, int] = {}
    out = []
    for a in articles:
        n = seen.get(a.id, 0)
        seen[a.id] = n + 1
        out.append(a if n == 0 else replace(a, id=f"{a.id}-{n + 1}"))
    return out
