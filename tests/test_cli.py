"""The CLI end to end: formats, output files, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from counterpoint.cli import main
from tests.conftest import DEMO

PAIR = [str(p) for p in sorted(DEMO.glob("*.txt"))]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "counterpoint.cli", *args], capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_compare_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt, needle in (("json", '"schema": "counterpoint.comparison/1"'), ("markdown", "# Comparison"), ("html", "<!doctype html")):
        out = tmp_path / f"r.{fmt}"
        assert main(["compare", *PAIR, "--format", fmt, "--output", str(out), "--quiet"]) == 0
        assert needle.lower() in out.read_text().lower()
    assert main(["compare", *PAIR, "--quiet"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in doc["articles"]] == [Path(p).stem for p in PAIR]


@pytest.mark.slow
def test_compare_stores_in_database(tmp_path: Path) -> None:
    from counterpoint.store import Store

    db = tmp_path / "c.db"
    assert main(["compare", *PAIR, "--db", str(db), "--quiet", "-o", str(tmp_path / "x.json")]) == 0
    rows = Store(db).list()
    assert len(rows) == 1 and Store(db).get(rows[0]["id"])["schema"] == "counterpoint.comparison/1"


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary\x00" * 50, b"   \n  "],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    proc = run_cli("compare", PAIR[0], str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error:")


def test_single_input_and_missing_file_exit_2() -> None:
    for args in (["compare", PAIR[0]], ["compare", PAIR[0], "/nonexistent/file.txt"], ["compare", PAIR[0], "http://127.0.0.1:9/x"]):
        proc = run_cli(*args)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and "error:" in proc.stderr


def test_unknown_format_is_a_usage_error() -> None:
    proc = run_cli("compare", *PAIR, "--format", "pdf")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "pdf" in proc.stderr


@pytest.mark.slow
def test_same_article_twice_gives_result_and_warning(tmp_path: Path) -> None:
    proc = run_cli("compare", PAIR[0], PAIR[0], "--quiet")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert [a["id"] for a in doc["articles"]] == [Path(PAIR[0]).stem, Path(PAIR[0]).stem + "-2"]
    assert "warning:" in proc.stderr and "same text" in proc.stderr


@pytest.mark.slow
def test_ingest_stories_then_compare_a_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus round: ingest the demo pair, find its story, compare it by id."""
    db = str(tmp_path / "corpus.db")
    assert main(["ingest", *PAIR, "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", db, "--format", "json"]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    (story,) = [s for s in stories if len(s["articles"]) == 2]
    assert main(["compare", "--story", str(story["id"]), "--db", db, "--quiet"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(a["outlet"] for a in doc["articles"]) == ["Coastal Tribune", "Harbour Daily"]
    assert any(al["relation"] == "shared" for al in doc["alignments"])
