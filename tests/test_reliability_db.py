"""Corpus database under faults: repeated SIGKILLs, two writers at once, export/re-import round trip.

Ingest runs in child processes (FakeResources: hashed bag-of-words vectors, blank spaCy) so
they can be killed with SIGKILL at seeded random moments, some of them inside an open write
transaction. After every kill the database must pass :func:`check_consistency`, and in the
end it must hold exactly the input articles: none lost, none twice. The same runs against a
real PostgreSQL server (the ``pg_url`` fixture of test_corpus_pg; skipped without its binaries).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from counterpoint.corpus import db
from counterpoint.corpus.analyse import content_hash
from counterpoint.corpus.export import FIELDS, records
from counterpoint.corpus.run import ingest
from counterpoint.model import Article

from .test_corpus import FakeResources, fake  # noqa: F401  (fixture re-export)
from .test_corpus_pg import pg_url  # noqa: F401  (fixture re-export)

ROOT = Path(__file__).resolve().parent.parent
KILLS = 10
SEED = 20261125

# The child announces when ingest starts, so kill delays are measured from there; the sleeps
# widen two windows: between transactions, and inside one (story bumped, article not yet in).
_CHILD = """
import sys, time
from counterpoint import resources
from counterpoint.corpus import db, run
from tests.test_corpus import FakeResources
resources._DEFAULT = FakeResources()
resources._DEFAULT.nlp
real_insert, real_bump = db.insert_article, db._bump_story
def slow_insert(*a, **k):
    time.sleep(0.01)
    return real_insert(*a, **k)
def slow_bump(*a, **k):
    real_bump(*a, **k)
    time.sleep(0.01)
db.insert_article, db._bump_story = slow_insert, slow_bump
print("ready", flush=True)
rep = run.ingest([sys.argv[1]], sys.argv[2], progress=False)
print(rep.new, rep.known, flush=True)
"""

_WORDS = ("harbour ferry council budget strike library road school union port minister court river "
          "election hospital train storm vaccine bridge tariff").split()
_ODD = ["", " «Quoted», she said.", " \"Nested 'quotes'\" here.", " Line\nbreak and\ttab.", " Ünïcödé — ok…",
        " Emoji 🚢 and\u2028separator.", " Café vs Cafe\u0301."]


def make_rows(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` distinct articles with varied metadata and awkward characters, deterministic."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        body = " ".join(f"{rng.choice(_WORDS)}{rng.randrange(1000)}" for _ in range(30))
        row: dict[str, Any] = {"id": f"a{i}", "text": f"Story {i}: {body}.{_ODD[i % len(_ODD)]}",
                               "outlet": f"Outlet {i % 7}"}
        if i % 3:
            row["title"] = f"Headline {i} «{_WORDS[i % len(_WORDS)]}»"
        if i % 4:
            row["published"] = f"2025-03-{1 + i % 28:02d}"
        if i % 5:
            row["url"] = f"https://example.org/{i}?q=a&b=<c>"
        rows.append(row)
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def expected_hashes(rows: list[dict[str, Any]]) -> set[str]:
    from counterpoint.ingest import normalise

    return {content_hash(Article(id=r["id"], text=normalise(r["text"]))) for r in rows}


def check_consistency(dbfile: Path) -> int:
    """Assert the SQLite file is intact and every row is complete; returns the article count."""
    con = sqlite3.connect(dbfile)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        n = 0
        for key, h, text, story, vec, ents, sents, terms, mh in con.execute(
            "SELECT id, content_hash, text, story_id, vector, entities, sentences, terms, minhash FROM corpus_articles"
        ):
            assert story is not None, f"article {key} has no story"
            assert h == content_hash(Article(id="x", text=text)), f"article {key}: hash does not match its text"
            assert len(vec) == 384 * 4 and len(json.loads(mh)) == 64, f"article {key}: analysis incomplete"
            assert isinstance(json.loads(ents), list) and json.loads(sents) and json.loads(terms)
            n += 1
        # Each story's counters agree with its member rows, and no story is left empty.
        bad = con.execute(
            "SELECT s.id FROM corpus_stories s LEFT JOIN corpus_articles a ON a.story_id = s.id GROUP BY s.id "
            "HAVING count(a.id) = 0 OR s.articles != count(a.id) "
            "OR s.independent != sum(CASE WHEN a.dup_of IS NULL THEN 1 ELSE 0 END)"
        ).fetchall()
        assert bad == [], f"story counters disagree with member rows: {bad}"
        return n
    finally:
        con.close()


def _spawn(src: Path, database: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    return subprocess.Popen([sys.executable, "-c", _CHILD, str(src), str(database)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored(database: str | Path) -> list[dict[str, Any]]:
    eng = db.connect(database)
    try:
        return list(records(eng))
    finally:
        eng.dispose()


def _kill_rounds(src: Path, database: str | Path, rounds: int, check: Any) -> tuple[int, list[int]]:
    """Start an ingest, SIGKILL it after a seeded random delay, check the database; ``rounds`` times."""
    rng = random.Random(SEED)
    kills, counts = 0, []
    for _ in range(rounds):
        proc = _spawn(src, database)
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 1.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        counts.append(check(database))
    return kills, counts


def test_random_sigkills_lose_and_duplicate_nothing(tmp_path: Path, fake: FakeResources) -> None:  # noqa: F811
    rows = make_rows(200)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    dbfile = tmp_path / "k.db"
    kills, counts = _kill_rounds(src, dbfile, KILLS, lambda f: check_consistency(f) if f.exists() else 0)
    assert kills >= KILLS - 2  # the delays are drawn to land mid-run
    assert counts == sorted(counts)  # committed rows survive every kill
    rep = ingest([str(src)], dbfile, progress=False)
    assert (rep.known, rep.new) == (counts[-1], len(rows) - counts[-1])
    assert check_consistency(dbfile) == len(rows)
    stored = _stored(dbfile)
    assert len(stored) == len({s["content_hash"] for s in stored}) == len(rows)  # no duplicates
    assert {s["content_hash"] for s in stored} == expected_hashes(rows)  # nothing lost
    by_id = {r["id"]: r for r in rows}
    assert all(s["outlet"] == by_id[s["id"]]["outlet"] for s in stored)
    print(f"\nRELIABILITY sigkill: kills={kills} articles={len(rows)} committed_after_each_kill={counts} "
          f"lost=0 duplicated=0")


def _two_writers(sources: tuple[Path, Path], database: str | Path) -> list[tuple[int, str]]:
    """Start two ingest processes at once; (exit code, its exception line) of each."""
    procs = [_spawn(s, database) for s in sources]
    outs = []
    for p in procs:
        _out, err = p.communicate(timeout=120)
        errors = [x for x in err.splitlines() if "Error: " in x]  # the exception line, not SQLAlchemy's link
        outs.append((p.returncode, errors[-1] if errors else err[-300:]))
    return outs


def _scenario(tmp_path: Path, kind: str) -> tuple[list[dict[str, Any]], tuple[Path, Path], Path]:
    rows = make_rows(60, seed=7)
    whole = write_jsonl(tmp_path / "in.jsonl", rows)
    dbfile = tmp_path / "c.db"
    if kind != "fresh":
        db.connect(dbfile).dispose()  # tables exist: isolate the ingest race from the create race
    if kind == "disjoint":
        return rows, (write_jsonl(tmp_path / "a.jsonl", rows[:30]), write_jsonl(tmp_path / "b.jsonl", rows[30:])), dbfile
    return rows, (whole, whole), dbfile


# Known races (see the lead's report): each is a clean one-line error, never a corrupt or doubled row.
_KNOWN = ("UNIQUE constraint failed: corpus_articles.content_hash", "UNIQUE constraint failed: corpus_stories.id",
          "already exists")


@pytest.mark.parametrize("kind", ["same", "disjoint", "fresh"])
def test_two_writers_never_duplicate_and_a_rerun_completes(
    tmp_path: Path, fake: FakeResources, kind: str  # noqa: F811
) -> None:
    rows, sources, dbfile = _scenario(tmp_path, kind)
    outs = _two_writers(sources, dbfile)
    assert any(rc == 0 for rc, _ in outs), outs  # at least one writer always finishes
    assert all(rc == 0 or any(k in last for k in _KNOWN) for rc, last in outs), outs
    stored = _stored(dbfile)
    assert len(stored) == len({s["content_hash"] for s in stored})  # never two copies
    check_consistency(dbfile)
    ingest([str(s) for s in sorted(set(sources))], dbfile, progress=False)  # the failed run, resumed
    assert check_consistency(dbfile) == len(rows)
    assert {s["content_hash"] for s in _stored(dbfile)} == expected_hashes(rows)
    print(f"\nRELIABILITY two-writers[{kind}]: exits={[rc for rc, _ in outs]} errors={[e for rc, e in outs if rc]}")


@pytest.mark.parametrize("kind", ["same", "disjoint"])
def test_two_writers_both_finish(tmp_path: Path, fake: FakeResources, kind: str) -> None:  # noqa: F811
    rows, sources, dbfile = _scenario(tmp_path, kind)
    assert [rc for rc, _ in _two_writers(sources, dbfile)] == [0, 0]
    assert check_consistency(dbfile) == len(rows)


def test_export_reimport_round_trip(tmp_path: Path, fake: FakeResources, capsysbinary: Any) -> None:  # noqa: F811
    from counterpoint.cli import main

    rows = make_rows(50, seed=3)
    first_db, second_db = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    ingest([str(write_jsonl(tmp_path / "in.jsonl", rows))], first_db, progress=False)
    out1, out2 = tmp_path / "one.jsonl", tmp_path / "sub" / "two.jsonl"
    assert main(["export", "--db", first_db, "-o", str(out1), "-q"]) == 0
    lines = out1.read_text(encoding="utf-8").splitlines()  # the strictest line splitter there is
    assert len(lines) == len(rows)  # one line per article: U+2028 and friends are escaped
    assert all(list(json.loads(x)) == list(FIELDS) for x in lines)
    rep = ingest([str(out1)], second_db, progress=False)
    assert (rep.new, rep.skipped) == (len(rows), 0)
    before, after = _stored(first_db), _stored(second_db)
    strip = lambda recs: [{k: v for k, v in r.items() if k != "source"} for r in recs]  # noqa: E731
    assert strip(after) == strip(before)  # same hashes, text and metadata, in the same order
    assert {r["content_hash"] for r in after} == expected_hashes(rows)
    capsysbinary.readouterr()
    assert main(["export", "--db", first_db, "-q"]) == 0
    assert capsysbinary.readouterr().out == out1.read_bytes()  # stdout gives the same bytes
    assert main(["export", "--db", first_db, "-o", str(out2), "-q"]) == 0
    assert out2.read_bytes() == out1.read_bytes()  # an unchanged database exports identically
    assert not list(out2.parent.glob("*.part"))
    assert main(["export", "--db", str(tmp_path / "missing.db")]) == 2


def test_reexport_is_byte_identical(tmp_path: Path, fake: FakeResources) -> None:  # noqa: F811
    from counterpoint.corpus.export import export

    rows = [{**r, "source": f"feeds/{r['id']}.html"} for r in make_rows(20, seed=5)]
    first_db, second_db = tmp_path / "one.db", tmp_path / "two.db"
    ingest([str(write_jsonl(tmp_path / "in.jsonl", rows))], first_db, progress=False)
    export(first_db, tmp_path / "one.jsonl", progress=False)
    ingest([str(tmp_path / "one.jsonl")], second_db, progress=False)
    export(second_db, tmp_path / "two.jsonl", progress=False)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def _pg_database(server: str, name: str) -> str:
    """A fresh database on the test server (each scenario starts empty)."""
    import sqlalchemy as sa

    admin = sa.create_engine("postgresql+psycopg://" + server.split("://", 1)[1], isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def _pg_counters_agree(url: str) -> int:
    import sqlalchemy as sa

    eng = db.connect(url)
    try:
        with eng.connect() as c:
            bad = c.execute(sa.text(
                "SELECT s.id FROM corpus_stories s LEFT JOIN corpus_articles a ON a.story_id = s.id GROUP BY s.id "
                "HAVING count(a.id) = 0 OR s.articles != count(a.id) "
                "OR s.independent != sum(CASE WHEN a.dup_of IS NULL THEN 1 ELSE 0 END)")).fetchall()
            orphans = c.execute(sa.text("SELECT count(*) FROM corpus_articles WHERE story_id IS NULL")).scalar_one()
        assert bad == [] and orphans == 0
    finally:
        eng.dispose()
    return len(_stored(url))


def test_two_writers_on_postgres(tmp_path: Path, pg_url: str, fake: FakeResources) -> None:  # noqa: F811
    rows = make_rows(60, seed=7)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    url = _pg_database(pg_url, "reliability_two_writers")
    db.connect(url).dispose()
    outs = _two_writers((src, src), url)
    assert any(rc == 0 for rc, _ in outs), outs
    assert all(rc == 0 or "UniqueViolation" in last for rc, last in outs), outs
    stored = _stored(url)
    assert len(stored) == len({s["content_hash"] for s in stored}) == _pg_counters_agree(url)
    ingest([str(src)], url, progress=False)
    assert _pg_counters_agree(url) == len(rows)
    assert {s["content_hash"] for s in _stored(url)} == expected_hashes(rows)
    print(f"\nRELIABILITY two-writers[postgres]: exits={[rc for rc, _ in outs]} errors={[e for rc, e in outs if rc]}")


def test_random_sigkills_on_postgres(tmp_path: Path, pg_url: str, fake: FakeResources) -> None:  # noqa: F811
    rows = make_rows(120, seed=11)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    url = _pg_database(pg_url, "reliability_kills")
    kills, counts = _kill_rounds(src, url, 4, _pg_counters_agree)
    assert kills >= 3 and counts == sorted(counts)
    rep = ingest([str(src)], url, progress=False)
    assert (rep.known, rep.new) == (counts[-1], len(rows) - counts[-1])
    stored = _stored(url)
    assert len(stored) == len({s["content_hash"] for s in stored}) == _pg_counters_agree(url) == len(rows)
    assert {s["content_hash"] for s in stored} == expected_hashes(rows)
    print(f"\nRELIABILITY sigkill[postgres]: kills={kills} articles={len(rows)} committed_after_each_kill={counts} "
          f"lost=0 duplicated=0")
