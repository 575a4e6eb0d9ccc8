"""The corpus database, through SQLAlchemy Core: a SQLite file by default, PostgreSQL by URL.

One row per distinct article (unique content hash), with its analysis (sentences, entities,
embedding, term frequencies, MinHash) so a later run can rebuild the clusterer without
re-analysing anything; one row per story; one row per skipped input. Each article is
written in its own transaction together with its story row, so a killed run loses at most
the article in flight and a re-run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import InputError
from ..model import Article
from .analyse import ArticleFeatures

META = sa.MetaData()

ARTICLES = sa.Table(
    "corpus_articles",
    META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("ext_id", sa.Text, nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("url", sa.Text),
    sa.Column("language", sa.String(8)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("words", sa.Integer),
    sa.Column("vector", sa.LargeBinary),  # float32 little-endian
    sa.Column("entities", sa.Text),  # JSON [[key, label, count], ...]
    sa.Column("sentences", sa.Text),  # JSON [[start, end], ...]
    sa.Column("terms", sa.Text),  # JSON {term hash: tf}
    sa.Column("minhash", sa.Text),  # JSON [int, ...]
    sa.Column("story_id", sa.Integer, sa.ForeignKey("corpus_stories.id"), index=True),
    sa.Column("dup_of", sa.Integer, sa.ForeignKey("corpus_articles.id")),
    sa.Column("ingested", sa.DateTime, nullable=False),
)

STORIES = sa.Table(
    "corpus_stories",
    META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("label", sa.Text),
    sa.Column("first_date", sa.Date),
    sa.Column("last_date", sa.Date),
    sa.Column("articles", sa.Integer, nullable=False, default=0),
    sa.Column("independent", sa.Integer, nullable=False, default=0),
)

SKIPS = sa.Table(
    "corpus_skips",
    META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class StoredArticle:
    """An article row as the clusterer and the listings need it."""

    key: int
    article: Article
    features: ArticleFeatures
    terms: dict[int, float]
    story: int | None
    dup_of: int | None


def engine_for(db: str | Path) -> sa.Engine:
    """An Engine for a path (SQLite) or a URL (``postgresql://...`` uses psycopg 3)."""
    s = str(db)
    if "://" not in s:
        Path(s).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{s}"
    elif s.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + s.split("://", 1)[1]
    else:
        url = s
    try:
        eng = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise InputError(f"--db {s}: not a usable database URL ({exc})") from None
    if eng.dialect.name == "sqlite":
        sa.event.listen(eng, "connect", _sqlite_pragmas)
    return eng


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode = WAL")  # readers never block the ingesting writer
    cur.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a committed row survives SIGKILL
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


_PG_LOCK_KEY = 0x636F7270  # any constant shared by every counterpoint ingest ("corp")


@contextlib.contextmanager
def writer_lock(database: str | Path) -> Iterator[None]:
    """One ingest writes a database at a time; the lock dies with its process (no stale locks).

    Story ids are numbered from each run's in-memory index, so two concurrent writers would
    hand out the same new id; the second one waits here instead and reloads the index after.
    """
    target = str(database)
    if "://" not in target:
        import fcntl

        Path(target).parent.mkdir(parents=True, exist_ok=True)
        with open(f"{target}.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield
        return
    eng = engine_for(target)
    try:
        if eng.dialect.name != "postgresql":
            yield
            return
        with eng.connect() as c:
            c.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            try:
                yield
            finally:
                c.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
    finally:
        eng.dispose()


def connect(db: str | Path) -> sa.Engine:
    """Open (and create the tables of) a corpus database."""
    eng = engine_for(db)
    try:
        META.create_all(eng)
    except sa.exc.OperationalError as exc:
        raise InputError(f"--db {db}: cannot open the database ({exc.orig})") from None
    return eng


def known_hashes(eng: sa.Engine) -> set[str]:
    with eng.connect() as c:
        return {r[0] for r in c.execute(sa.select(ARTICLES.c.content_hash))}


def insert_article(
    eng: sa.Engine,
    article: Article,
    feats: ArticleFeatures,
    terms: dict[int, float],
    story: int,
    dup_of: int | None,
) -> int | None:
    """Store one article and bump its story, in one transaction; None if already stored."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row = {
        "content_hash": feats.content_hash, "ext_id": article.id, "source": article.source,
        "outlet": article.outlet, "title": article.title, "published": article.published,
        "url": article.url, "language": article.language, "text": article.text, "words": feats.words,
        "vector": _vec_bytes(feats.vector), "entities": json.dumps(feats.entities),
        "sentences": json.dumps(feats.sentences), "terms": json.dumps(terms),
        "minhash": json.dumps(feats.minhash), "story_id": story, "dup_of": dup_of, "ingested": now,
    }
    try:
        with eng.begin() as c:
            if c.execute(sa.select(ARTICLES.c.id).where(ARTICLES.c.content_hash == feats.content_hash)).first():
                return None
            _bump_story(c, story, article, independent=dup_of is None)
            key = c.execute(sa.insert(ARTICLES).values(**row)).inserted_primary_key
    except sa.exc.IntegrityError:
        return None  # a writer outside the lock (another tool) stored the same text first
    assert key is not None
    return int(key[0])


def _bump_story(c: sa.Connection, story: int, article: Article, independent: bool) -> None:
    cur = c.execute(sa.select(STORIES).where(STORIES.c.id == story)).mappings().first()
    d = article.published
    if cur is None:
        c.execute(sa.insert(STORIES).values(
            id=story, label=article.title or article.text[:80], first_date=d, last_date=d,
            articles=1, independent=int(independent),
        ))
        return
    first = min((x for x in (cur["first_date"], d) if x), default=None)
    last = max((x for x in (cur["last_date"], d) if x), default=None)
    c.execute(sa.update(STORIES).where(STORIES.c.id == story).values(
        first_date=first, last_date=last, articles=cur["articles"] + 1,
        independent=cur["independent"] + int(independent),
    ))


def merge_stories(eng: sa.Engine, merges: list[tuple[int, int]]) -> None:
    """Apply (merged, into) story merges from consolidation, in order, in one transaction."""
    with eng.begin() as c:
        for drop, keep in merges:
            a = c.execute(sa.select(STORIES).where(STORIES.c.id == keep)).mappings().one()
            b = c.execute(sa.select(STORIES).where(STORIES.c.id == drop)).mappings().one()
            c.execute(sa.update(ARTICLES).where(ARTICLES.c.story_id == drop).values(story_id=keep))
            firsts = [x for x in (a["first_date"], b["first_date"]) if x]
            lasts = [x for x in (a["last_date"], b["last_date"]) if x]
            c.execute(sa.update(STORIES).where(STORIES.c.id == keep).values(
                first_date=min(firsts, default=None), last_date=max(lasts, default=None),
                articles=a["articles"] + b["articles"], independent=a["independent"] + b["independent"],
            ))
            c.execute(sa.delete(STORIES).where(STORIES.c.id == drop))


def record_skip(eng: sa.Engine, source: str, reason: str) -> None:
    with eng.begin() as c:
        c.execute(sa.insert(SKIPS).values(source=source, reason=reason, at=dt.datetime.now()))


def stored_articles(eng: sa.Engine, story: int | None = None) -> Iterator[StoredArticle]:
    """Stored rows in ingest order (optionally one story's), with their analysis."""
    q = sa.select(ARTICLES).order_by(ARTICLES.c.id)
    if story is not None:
        q = q.where(ARTICLES.c.story_id == story)
    with eng.connect() as c:
        for r in c.execute(q).mappings():
            yield _from_row(r)


def _from_row(r: Any) -> StoredArticle:
    import numpy as np

    art = Article(
        id=r["ext_id"], text=r["text"], outlet=r["outlet"], title=r["title"], published=r["published"],
        url=r["url"], language=r["language"] or "en", source=r["source"],
    )
    vec = tuple(float(x) for x in np.frombuffer(r["vector"], dtype="<f4")) if r["vector"] else ()
    feats = ArticleFeatures(
        content_hash=r["content_hash"], vector=vec,
        entities=tuple(tuple(e) for e in json.loads(r["entities"] or "[]")),  # type: ignore[misc]
        sentences=tuple(tuple(s) for s in json.loads(r["sentences"] or "[]")),  # type: ignore[misc]
        minhash=tuple(json.loads(r["minhash"] or "[]")), words=r["words"] or 0,
    )
    terms = {int(k): float(v) for k, v in json.loads(r["terms"] or "{}").items()}
    return StoredArticle(int(r["id"]), art, feats, terms, r["story_id"], r["dup_of"])


def stories(eng: sa.Engine) -> list[dict[str, Any]]:
    """Every story with its articles (id, source, outlet, date, duplicate link), biggest first."""
    cols = [ARTICLES.c[k] for k in ("id", "ext_id", "source", "outlet", "title", "published", "url", "story_id", "dup_of")]
    with eng.connect() as c:
        rows = c.execute(sa.select(STORIES).order_by(STORIES.c.id)).mappings().all()
        arts = c.execute(sa.select(*cols).order_by(ARTICLES.c.id)).mappings().all()
    by_story: dict[int, list[dict[str, Any]]] = {}
    for a in arts:
        by_story.setdefault(a["story_id"], []).append(dict(a))
    out = []
    for s in rows:
        members = by_story.get(s["id"], [])
        out.append({
            "id": f"S{s['id']}", "label": s["label"],
            "first_date": _iso(s["first_date"]), "last_date": _iso(s["last_date"]),
            "outlets": sorted({m["outlet"] for m in members if m["outlet"] and m["dup_of"] is None}),
            "independent": s["independent"],
            "articles": [
                {"id": m["ext_id"], "db_id": m["id"], "source": m["source"], "outlet": m["outlet"],
                 "title": m["title"], "published": _iso(m["published"]), "url": m["url"],
                 "duplicate_of": m["dup_of"]}
                for m in members
            ],
        })
    out.sort(key=lambda s: (-s["independent"], -len(s["articles"]), int(s["id"][1:])))
    return out


def skips(eng: sa.Engine) -> list[tuple[str, str]]:
    with eng.connect() as c:
        return [(r[0], r[1]) for r in c.execute(sa.select(SKIPS.c.source, SKIPS.c.reason).order_by(SKIPS.c.id))]


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _vec_bytes(vec: tuple[float, ...]) -> bytes:
    import numpy as np

    return np.asarray(vec, dtype="<f4").tobytes()
