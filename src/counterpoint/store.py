"""Store: comparisons in SQLite (the embedded default database), with a versioned schema.

The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` upgrades an older
file in place. Every comparison is kept whole as its contract JSON, plus one row per
article so the corpus side can query by outlet and date.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Comparison

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE comparisons (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        schema TEXT NOT NULL,
        same_story REAL,
        document TEXT NOT NULL
    );
    CREATE TABLE comparison_articles (
        comparison_id TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        outlet TEXT,
        title TEXT,
        published TEXT,
        url TEXT,
        PRIMARY KEY (comparison_id, position)
    );
    CREATE INDEX comparison_articles_outlet ON comparison_articles(outlet);
    """,
)


class Store:
    """A SQLite database of comparisons; ``":memory:"`` works for tests."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._lock = threading.Lock()
        self.migrate()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def migrate(self) -> int:
        """Bring the file up to the newest schema; returns the version."""
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        for v in range(version, len(MIGRATIONS)):
            with self.tx() as c:
                for stmt in MIGRATIONS[v].split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(f"PRAGMA user_version = {v + 1}")
        return len(MIGRATIONS)

    def save(self, comparison: Comparison | dict[str, Any]) -> str:
        """Store a comparison (object or contract dict); returns its new id."""
        doc = comparison if isinstance(comparison, dict) else comparison.to_dict()
        cid = uuid.uuid4().hex[:12]
        with self.tx() as c:
            c.execute(
                "INSERT INTO comparisons (id, schema, same_story, document) VALUES (?, ?, ?, ?)",
                (cid, doc.get("schema"), (doc.get("same_story") or {}).get("score"), json.dumps(doc)),
            )
            c.executemany(
                "INSERT INTO comparison_articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (cid, i, a["id"], a.get("outlet"), a.get("title"), a.get("published"), a.get("url"))
                    for i, a in enumerate(doc.get("articles", []))
                ],
            )
        return cid

    def get(self, cid: str) -> dict[str, Any] | None:
        """The stored contract dict, or None for an unknown id."""
        with self._lock:  # one connection serves the web app's worker threads too
            row = self._conn.execute("SELECT document FROM comparisons WHERE id = ?", (cid,)).fetchone()
        return json.loads(row["document"]) if row else None

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest comparisons: id, created, same-story score and article ids."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.id, c.created, c.same_story, group_concat(a.article_id, ', ') AS articles "
                "FROM comparisons c JOIN comparison_articles a ON a.comparison_id = c.id "
                "GROUP BY c.id ORDER BY c.created DESC, c.rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [dict(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
