"""Corpus on a real PostgreSQL server: started on loopback in a temp dir by the fixture.

The server binaries come from Debian's ``postgresql`` package (``scripts/ci_setup_postgres.sh``).
``initdb`` refuses to run as root, so under root the server runs as the ``postgres`` user.
Set ``COUNTERPOINT_PG_URL`` to use an existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counterpoint.corpus import db, story_articles
from counterpoint.corpus.run import ingest

from .test_corpus import FakeResources, _write, fake  # noqa: F401  (fixture re-export)


def _bin_dir() -> Path | None:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(cand) / "initdb").exists():
            return Path(cand)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if os.environ.get("COUNTERPOINT_PG_URL"):
        yield os.environ["COUNTERPOINT_PG_URL"]
        return
    bindir = _bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries absent: run scripts/ci_setup_postgres.sh (apt-get install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as a non-root user")
    # Not under pytest's tmp dir: that is private to the test user, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="counterpoint-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        os.chmod(base, 0o700)
    port = _free_port()
    run = lambda *c: subprocess.run(_as_server_user(list(c)), check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off", "start")
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "test", "corpus")
        yield f"postgresql://test@127.0.0.1:{port}/corpus"
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        time.sleep(0.2)
        shutil.rmtree(base, ignore_errors=True)


def test_postgres_ingest_stories_and_resume(tmp_path: Path, pg_url: str, fake: FakeResources) -> None:  # noqa: F811
    folder = _write(tmp_path / "in")
    first = ingest([str(folder)], pg_url, progress=False)
    assert (first.new, first.skipped) == (4, 2)
    again = ingest([str(folder)], pg_url, progress=False)
    assert (again.new, again.known) == (0, 4)
    eng = db.connect(pg_url)
    assert eng.dialect.name == "postgresql"
    stories = db.stories(eng)
    ferry = next(s for s in stories if "Harbour Daily" in s["outlets"])
    assert ferry["outlets"] == ["Coastal Tribune", "Harbour Daily"] and ferry["first_date"] == "2025-03-14"
    arts = story_articles(pg_url, ferry["id"])
    assert sorted(a.outlet or "" for a in arts) == ["Coastal Tribune", "Harbour Daily"]
    stored = list(db.stored_articles(eng))
    assert all(len(s.features.vector) == 384 for s in stored)  # embeddings round-trip as float32 bytes
    eng.dispose()


def test_comparisons_are_stored_in_the_same_postgres_database(pg_url: str) -> None:
    from counterpoint.store import Store

    doc = {"schema": "counterpoint.comparison/1", "same_story": {"score": 0.7},
           "articles": [{"id": "a", "outlet": "Harbour Daily"}, {"id": "b", "outlet": "Coastal Tribune"}]}
    store = Store(pg_url)
    assert store.engine.dialect.name == "postgresql"
    cid = store.save(doc)
    again = Store(pg_url)  # reopening creates nothing twice
    assert again.get(cid) == doc
    assert again.list()[0] == {"id": cid, "created": again.list()[0]["created"], "same_story": 0.7, "articles": "a, b"}
    store.close()
    again.close()
