"""Store: comparisons in the project's database, beside the corpus (SQLAlchemy Core).

A path is a SQLite file (the embedded default), a ``postgresql://`` URL a server. A
corpus (:mod:`counterpoint.corpus.db`) and its comparisons share one database, so
``counterpoint compare --story S12 --db corpus.db`` keeps the comparison next to the
articles it came from. Every comparison is kept whole as its contract JSON, plus one row per article so it
can be queried by outlet and date. The tables are those the earlier sqlite3 store created
(same names and columns), so older files open unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from .api import Comparison

SCHEMA_VERSION = 1
META = sa.MetaData()

COMPARISONS = sa.Table(
    "comparisons",
    META,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("created", sa.Text, nullable=False),  # ISO 8601 UTC, microseconds: sorts as text
    sa.Column("schema", sa.Text, nullable=False),
    sa.Column("same_story", sa.Float),
    sa.Column("document", sa.Text, nullable=False),
)

COMPARISON_ARTICLES = sa.Table(
    "comparison_articles",
    META,
    sa.Column("comparison_id", sa.Text, sa.ForeignKey("comparisons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text, index=True),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.Text),
    sa.Column("url", sa.Text),
)


class Store:
    """A database of comparisons: a SQLite path, ``":memory:"`` (tests) or a PostgreSQL URL."""

    def __init__(self, db: str | Path = ":memory:") -> None:
        from .corpus.db import engine_for

        self.path = str(db)
        if self.path == ":memory:":  # one shared connection, or every thread sees its own empty database
            self.engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool,
                                           connect_args={"check_same_thread": False})
        else:
            self.engine = engine_for(db)
        # SQLite allows one writer: the web app's threads queue here rather than on "database is locked"
        self._lock = threading.Lock()
        self.migrate()

    def migrate(self) -> int:
        """Create the tables a database lacks (idempotent); returns the schema version."""
        from .errors import InputError

        try:
            META.create_all(self.engine)
        except sa.exc.OperationalError as exc:
            raise InputError(f"--db {self.path}: cannot open the database ({exc.orig})") from None
        return SCHEMA_VERSION

    def save(self, comparison: Comparison | dict[str, Any]) -> str:
        """Store a comparison (object or contract dict); returns its new id."""
        doc = comparison if isinstance(comparison, dict) else comparison.to_dict()
        cid = uuid.uuid4().hex[:12]
        created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        rows = [
            {"comparison_id": cid, "position": i, "article_id": a["id"], "outlet": a.get("outlet"),
             "title": a.get("title"), "published": a.get("published"), "url": a.get("url")}
            for i, a in enumerate(doc.get("articles", []))
        ]
        with self._lock, self.engine.begin() as c:
            c.execute(COMPARISONS.insert().values(
                id=cid, created=created, schema=doc.get("schema") or "", document=json.dumps(doc),
                same_story=(doc.get("same_story") or {}).get("score")))
            if rows:
                c.execute(COMPARISON_ARTICLES.insert(), rows)
        return cid

    def get(self, cid: str) -> dict[str, Any] | None:
        """The stored contract dict, or None for an unknown id."""
        with self.engine.connect() as c:
            doc = c.execute(sa.select(COMPARISONS.c.document).where(COMPARISONS.c.id == cid)).scalar()
        return json.loads(doc) if doc is not None else None

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest comparisons: id, created, same-story score and article ids."""
        q = sa.select(COMPARISONS.c.id, COMPARISONS.c.created, COMPARISONS.c.same_story)
        with self.engine.connect() as c:
            rows = [dict(r._mapping) for r in c.execute(q.order_by(COMPARISONS.c.created.desc()).limit(limit))]
            ids = [r["id"] for r in rows]
            arts: dict[str, list[str]] = {}
            for cid, aid in c.execute(
                sa.select(COMPARISON_ARTICLES.c.comparison_id, COMPARISON_ARTICLES.c.article_id)
                .where(COMPARISON_ARTICLES.c.comparison_id.in_(ids)).order_by(COMPARISON_ARTICLES.c.position)
            ):
                arts.setdefault(cid, []).append(aid)
        return [dict(r, articles=", ".join(arts.get(r["id"], []))) for r in rows]

    def close(self) -> None:
        self.engine.dispose()
