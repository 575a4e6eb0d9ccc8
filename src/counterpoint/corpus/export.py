"""Export a corpus database as JSONL: one stored article per line, ready to ingest again.

Each line carries what ``counterpoint ingest`` reads back from a JSONL record (``id``,
``text``, ``title``, ``outlet``, ``published``, ``url``, ``language``) plus provenance
(``source``) and the stored ``content_hash``, so a re-import can be checked article by
article. Derived data (embeddings, entities, story ids) is left out: ingest recomputes it.
Rows come out in ingest order, keys in a fixed order, so exporting an unchanged database
twice gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FIELDS = ("id", "text", "title", "outlet", "published", "url", "language", "source", "content_hash")
_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
_FETCH = 500  # rows per round trip: memory stays flat on big corpora


def records(eng: Any) -> Iterator[dict[str, Any]]:
    """Every stored article as a JSON-able dict with the keys of :data:`FIELDS`, in ingest order."""
    import sqlalchemy as sa

    from .db import ARTICLES

    cols = [ARTICLES.c[k] for k in ("ext_id", "text", "title", "outlet", "published", "url", "language",
                                    "source", "content_hash")]
    q = sa.select(*cols).order_by(ARTICLES.c.id)
    with eng.connect() as c:
        for r in c.execution_options(yield_per=_FETCH).execute(q):
            yield {
                "id": r.ext_id, "text": r.text, "title": r.title, "outlet": r.outlet,
                "published": r.published.isoformat() if r.published else None,
                "url": r.url, "language": r.language, "source": r.source, "content_hash": r.content_hash,
            }


def line(record: dict[str, Any]) -> str:
    """One JSONL line (with its newline): no raw character inside that any reader takes as a line break."""
    text = json.dumps({k: record.get(k) for k in FIELDS}, ensure_ascii=False)
    # JSON escapes \n and \r itself; str.splitlines() and JavaScript also break on these three.
    return text.translate(_BREAKS) + "\n"


def export(database: str | Path, output: Path | None = None, progress: bool = True) -> int:
    """Write every stored article of ``database`` as JSONL to ``output`` (stdout if None); returns the count."""
    import sqlalchemy as sa
    from tqdm import tqdm

    from . import db
    from .db import ARTICLES

    eng = db.connect(database)
    try:
        with eng.connect() as c:
            total = int(c.execute(sa.select(sa.func.count()).select_from(ARTICLES)).scalar_one())
        bar = tqdm(total=total, unit="art", desc="export", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        try:
            if output is None:
                return _write_stdout(records(eng), bar)
            return _write_atomic(records(eng), output, bar)
        finally:
            bar.close()
    finally:
        eng.dispose()


def _write(recs: Iterator[dict[str, Any]], fh: IO[str], bar: Any) -> int:
    n = 0
    for rec in recs:
        fh.write(line(rec))
        n += 1
        bar.update(1)
    fh.flush()
    return n


def _write_stdout(recs: Iterator[dict[str, Any]], bar: Any) -> int:
    """UTF-8 on stdout whatever the locale says, so the bytes match an ``--output`` file."""
    raw = getattr(sys.stdout, "buffer", None)
    if raw is None:  # a text-only stream (some test harnesses)
        return _write(recs, sys.stdout, bar)
    sys.stdout.flush()
    fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    try:
        return _write(recs, fh, bar)
    finally:
        fh.detach()  # leave sys.stdout's buffer open


def _write_atomic(recs: Iterator[dict[str, Any]], output: Path, bar: Any) -> int:
    """Write beside ``output`` and rename: a killed export never leaves a truncated file behind."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            n = _write(recs, fh, bar)
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return n
