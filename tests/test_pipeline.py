"""Pipeline configuration errors name the valid options; the store round-trips."""

from __future__ import annotations

import pytest

from counterpoint.errors import InputError, PipelineError
from counterpoint.pipeline import DEFAULT, check
from counterpoint.store import Store
from tests.conftest import make_article


def test_unknown_stage_lists_valid_ones() -> None:
    with pytest.raises(PipelineError, match="valid stages: segment, entities"):
        check(["segment", "sentiment"])


def test_stage_before_its_inputs_is_refused() -> None:
    with pytest.raises(PipelineError, match="needs"):
        check(["align"])
    assert [s.name for s in check(DEFAULT)] == list(DEFAULT)


def test_compare_needs_two_articles() -> None:
    from counterpoint import compare

    with pytest.raises(InputError, match="at least two"):
        compare([make_article("Only one article here, alone.")])



@pytest.mark.parametrize(("text", "message"), [
    ("  \n", "'x' has no text"), (None, "text must be str, not NoneType"),
    (b"\xff\xfe", "not bytes; decode it first"),
])
def test_compare_names_an_empty_or_non_text_article(text: object, message: str) -> None:
    from counterpoint import compare
    from counterpoint.model import Article

    with pytest.raises(InputError, match=message):
        compare([Article("x", text), make_article("The mayor resigned on Monday.")])  # type: ignore[arg-type]

def test_store_round_trip_and_migration_is_idempotent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "s.db"
    doc = {"schema": "counterpoint.comparison/1", "same_story": {"score": 0.5},
           "articles": [{"id": "a", "outlet": "A"}, {"id": "b", "outlet": None}]}
    cid = Store(db).save(doc)
    again = Store(db)  # reopening runs migrate() again: must not fail or duplicate
    assert again.get(cid) == doc
    assert again.list()[0]["articles"] == "a, b"
    assert again.get("missing") is None



def test_a_file_from_the_earlier_sqlite3_store_opens_and_takes_new_comparisons(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import sqlite3

    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE comparisons (id TEXT PRIMARY KEY, created TEXT NOT NULL DEFAULT "
        "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), schema TEXT NOT NULL, same_story REAL, document TEXT NOT NULL);"
        "CREATE TABLE comparison_articles (comparison_id TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,"
        " position INTEGER NOT NULL, article_id TEXT NOT NULL, outlet TEXT, title TEXT, published TEXT, url TEXT,"
        " PRIMARY KEY (comparison_id, position)); PRAGMA user_version = 1;")
    con.execute("INSERT INTO comparisons (id, created, schema, same_story, document) VALUES "
                "('old1', '2025-01-01T00:00:00Z', 's', 0.4, ?)", (json.dumps({"old": True}),))
    con.execute("INSERT INTO comparison_articles VALUES ('old1', 0, 'x', NULL, NULL, NULL, NULL)")
    con.commit()
    con.close()
    store = Store(db)
    new = store.save({"schema": "s", "articles": [{"id": "a"}, {"id": "b"}]})
    assert store.get("old1") == {"old": True}
    assert [(r["id"], r["articles"]) for r in store.list()] == [(new, "a, b"), ("old1", "x")]

def test_time_limit_stops_between_stages_with_a_clear_error() -> None:
    import time

    from counterpoint.errors import TimeLimitError
    from counterpoint.model import Analysis
    from counterpoint.pipeline import run_pipeline

    seen: list[str] = []

    def slow_stage(name: str) -> None:
        seen.append(name)
        time.sleep(0.05)

    an = Analysis(articles=(make_article("One short text here.", "a"), make_article("Another text here.", "b")))
    with pytest.raises(TimeLimitError, match="limit"):
        # segment itself is real; 0.05 s of progress callback spends the 0.01 s limit
        run_pipeline(an, _NoModels(), ["segment", "entities"], on_stage=slow_stage, time_limit=0.01)
    assert seen == ["segment"]


class _NoModels:
    """Resources whose parse gives spaCy's blank English docs (no model load in this test)."""

    def parse(self, texts, language="en"):  # type: ignore[no-untyped-def]
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return list(nlp.pipe(texts))
