"""Corpus: ingest (folders, JSONL, feeds), idempotence, resume, near-duplicates, stories, coverage."""

from __future__ import annotations

import contextlib
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from counterpoint import resources as res_mod
from counterpoint.corpus import db, story_articles
from counterpoint.corpus.cluster import ClusterParams, StoryIndex, terms
from counterpoint.corpus.coverage import coverage, load_groups, to_svg
from counterpoint.corpus.run import ingest
from counterpoint.errors import InputError

FERRY = (
    "The harbour ferry strike ended on Tuesday after unions and the port authority agreed a pay deal. "
    "Ferry crews in Portmouth return to work on Wednesday, the union said, and sailings resume at dawn."
)
FERRY_B = (
    "Portmouth ferry workers voted to end their strike on Tuesday, accepting a pay offer from the port "
    "authority. The union said ferry sailings will resume on Wednesday morning."
)
BUDGET = (
    "The city council approved a budget that raises library funding and cuts road repairs. "
    "Council members voted seven to two after a long debate about school lunches and parks."
)


class FakeResources(res_mod.Resources):
    """Hashed bag-of-words vectors and a blank spaCy pipeline: fast and deterministic."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, zlib.crc32(w.strip(".,").encode()) % 384] += 1.0
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)

    def story_embed(self, texts: Sequence[str]) -> np.ndarray:
        """The corpus story encoder's stand-in (also in worker processes): no model in fast tests."""
        return self.embed(texts)

    @property
    def nlp(self) -> Any:  # type: ignore[override]
        import spacy

        if not hasattr(self, "_blank"):
            self._blank = spacy.blank("en")
            self._blank.add_pipe("sentencizer")
        return self._blank


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeResources:
    r = FakeResources()
    monkeypatch.setattr(res_mod, "_DEFAULT", r)
    return r


def _write(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text(f"---\noutlet: Harbour Daily\npublished: 2025-03-14\n---\n{FERRY}\n", encoding="utf-8")
    (folder / "b.json").write_text(json.dumps({"text": FERRY_B, "outlet": "Coastal Tribune", "published": "2025-03-14"}))
    (folder / "c.txt").write_text(f"---\noutlet: Civic Post\npublished: 2025-03-15\n---\n{BUDGET}\n", encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "more.jsonl").write_text(
        json.dumps({"text": BUDGET.replace("seven to two", "7-2"), "outlet": "Town Crier", "published": "2025-03-15"})
        + "\nnot json\n",
        encoding="utf-8",
    )
    return folder


def test_ingest_folder_clusters_skips_and_is_idempotent(tmp_path: Path, fake: FakeResources) -> None:
    folder = _write(tmp_path / "in")
    dbfile = tmp_path / "c.db"
    first = ingest([str(folder)], dbfile, progress=False)
    assert (first.new, first.skipped) == (4, 2)  # empty.txt and the bad JSONL line
    second = ingest([str(folder)], dbfile, progress=False)
    assert (second.new, second.known, second.new_stories) == (0, 4, 0)
    eng = db.connect(dbfile)
    stories = db.stories(eng)
    by_outlets = {tuple(s["outlets"]) for s in stories}
    assert ("Coastal Tribune", "Harbour Daily") in by_outlets
    reasons = " ".join(r for _, r in db.skips(eng))
    assert "empty" in reasons and "JSON" in reasons
    ferry = next(s for s in stories if "Harbour Daily" in s["outlets"])
    arts = story_articles(dbfile, ferry["id"])
    assert {a.outlet for a in arts} == {"Harbour Daily", "Coastal Tribune"}
    assert all(a.text in (FERRY, FERRY_B) for a in arts)
    assert {a["source"] for a in ferry["articles"]} == {str(folder / "a.txt"), str(folder / "b.json")}


def test_wire_copy_is_linked_not_counted(tmp_path: Path, fake: FakeResources) -> None:
    long = " ".join([FERRY, FERRY_B, BUDGET] * 3)
    rows = [{"text": long, "outlet": "Wire A"}, {"text": long + " Copyright Harbour Daily.", "outlet": "Paper B"}]
    src = tmp_path / "w.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    rep = ingest([str(src)], tmp_path / "w.db", progress=False)
    assert (rep.new, rep.duplicates, rep.stories) == (2, 1, 1)
    (story,) = db.stories(db.connect(tmp_path / "w.db"))
    assert story["independent"] == 1 and story["outlets"] == ["Wire A"]
    assert len(story_articles(tmp_path / "w.db", story["id"])) == 1


def test_failure_mid_run_keeps_committed_articles_and_resumes(
    tmp_path: Path, fake: FakeResources, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path / "in")
    dbfile = tmp_path / "c.db"
    real = db.insert_article
    calls = {"n": 0}

    def dying(*args: Any, **kw: Any) -> int | None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # stands in for a kill between two commits
        return real(*args, **kw)

    monkeypatch.setattr(db, "insert_article", dying)
    with pytest.raises(KeyboardInterrupt):
        ingest([str(folder)], dbfile, progress=False)
    assert len(db.known_hashes(db.connect(dbfile))) == 2
    monkeypatch.setattr(db, "insert_article", real)
    rep = ingest([str(folder)], dbfile, progress=False)
    assert (rep.new, rep.known) == (2, 2)


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Daily</title>
<item><title>Ferry strike ends</title><link>https://example.org/ferry</link>
<pubDate>Fri, 14 Mar 2025 09:00:00 GMT</pubDate><description>&lt;p&gt;{0}&lt;/p&gt;</description></item>
<item><title>Budget passes</title><link>https://example.org/budget</link><description>{1}</description></item>
</channel></rss>"""

BOMB = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol2;</title><description>text</description></item></channel></rss>"""


def test_rss_feed_entries_and_unsafe_xml(tmp_path: Path, fake: FakeResources) -> None:
    (tmp_path / "feed.xml").write_text(FEED.format(FERRY, BUDGET), encoding="utf-8")
    (tmp_path / "bomb.rss").write_text(BOMB, encoding="utf-8")
    rep = ingest([str(tmp_path / "feed.xml"), str(tmp_path / "bomb.rss")], tmp_path / "f.db", progress=False)
    assert (rep.new, rep.skipped) == (2, 1)
    eng = db.connect(tmp_path / "f.db")
    assert "unsafe XML" in db.skips(eng)[0][1]
    arts = [s.article for s in db.stored_articles(eng)]
    ferry = next(a for a in arts if a.title == "Ferry strike ends")
    assert ferry.outlet == "Harbour Daily" and str(ferry.published) == "2025-03-14"
    assert "<p>" not in ferry.text and ferry.url == "https://example.org/ferry"


def _vec(*hot: int) -> list[float]:
    v = np.zeros(384, dtype=np.float32)
    v[list(hot)] = 1.0
    return list(v / np.linalg.norm(v))


def test_story_index_time_window_and_join() -> None:
    import datetime as dt

    idx = StoryIndex(ClusterParams())
    d0 = dt.date(2025, 3, 14)
    t_ferry, t_budget = terms(FERRY), terms(BUDGET)
    a = idx.place_and_add(1, _vec(1, 2, 3), t_ferry, d0, "A", ())
    b = idx.place_and_add(2, _vec(1, 2, 3), terms(FERRY_B), d0 + dt.timedelta(days=1), "B", ())
    c = idx.place_and_add(3, _vec(7, 8, 9), t_budget, d0, "C", ())
    # The same words and vector a month later: a new story, not the old one.
    d = idx.place_and_add(4, _vec(1, 2, 3), t_ferry, d0 + dt.timedelta(days=30), "D", ())
    assert a.story == b.story
    assert len({a.story, c.story, d.story}) == 3


def test_strict_join_then_consolidation_merges(tmp_path: Path, fake: FakeResources) -> None:
    folder = _write(tmp_path / "in")
    strict = ClusterParams(join_threshold=0.99, threshold=0.3)
    idx = StoryIndex(strict)
    for k, text in enumerate((FERRY, FERRY_B)):
        vec = fake.embed([text])[0]
        idx.place_and_add(k, vec, terms(text), None, f"O{k}", ())
    assert len(idx.stories) == 2  # neither arrival clears the strict join threshold
    assert idx.consolidate() == [(2, 1)] and idx.story_of(1) == idx.story_of(0) == 1
    rep = ingest([str(folder)], tmp_path / "c.db", progress=False, params=strict)
    stories = db.stories(db.connect(tmp_path / "c.db"))
    assert len(stories) == rep.stories and sum(len(s["articles"]) for s in stories) == 4
    assert any(s["outlets"] == ["Coastal Tribune", "Harbour Daily"] for s in stories)


def test_vectorised_scores_match_their_definitions() -> None:
    from counterpoint.corpus.cluster import _cosine_matrix, _matvec

    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(2500, 384)).astype(np.float32)  # past the row block
    vec = rng.normal(size=384).astype(np.float32)
    assert np.allclose(_matvec(matrix, vec), matrix @ vec, rtol=1e-4, atol=1e-4)

    def unit_sparse(ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        w = rng.random(len(ids)) + 0.1
        return np.array(sorted(ids), dtype=np.int64), w / np.linalg.norm(w)

    rows = [unit_sparse([1, 5, 9]), unit_sparse([]), unit_sparse([2, 5, 7, 11])]
    cols = [unit_sparse([5, 9, 12]), unit_sparse([3]), unit_sparse([1, 2, 5, 7, 9, 11])]

    def dense(v: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        out = np.zeros(16)
        out[v[0]] = v[1]
        return out

    want = np.array([[dense(r) @ dense(c) for c in cols] for r in rows])
    assert np.allclose(_cosine_matrix(rows, cols), want)
    assert want[0, 1] == 0.0 and want[0, 2] > 0.0


def test_same_outlet_lowers_a_story_score_and_far_dates_rule_it_out() -> None:
    import datetime as dt

    idx = StoryIndex(ClusterParams())
    d0 = dt.date(2025, 3, 14)
    idx.place_and_add(1, _vec(1, 2, 3), terms(FERRY), d0, "Harbour Daily", ())
    other = idx.place(_vec(1, 2, 3), terms(FERRY_B), d0, "Coastal Tribune", ())
    same = idx.place(_vec(1, 2, 3), terms(FERRY_B), d0, "harbour  daily", ())
    late = idx.place(_vec(1, 2, 3), terms(FERRY_B), d0 + dt.timedelta(days=9), "Coastal Tribune", ())
    p = idx.params
    assert other.score - same.score == pytest.approx(p.outlet_penalty)
    assert other.story == 1
    assert late.story != 1  # a story dated wholly outside the window is not even scored
    assert len(idx) == 1  # place() records nothing


def test_ner_pass_skips_tok2vec_only_when_nothing_listens() -> None:
    from types import SimpleNamespace

    from counterpoint.corpus.analyse import _unused_tok2vec

    nlp = SimpleNamespace(
        pipe_names=["tok2vec", "tagger", "parser", "ner"],
        get_pipe=lambda name: SimpleNamespace(listening_components=["tagger", "parser"]),
    )
    assert _unused_tok2vec(nlp, ["tagger", "parser"])
    assert not _unused_tok2vec(nlp, ["tagger"])  # the parser still needs it
    assert not _unused_tok2vec(SimpleNamespace(pipe_names=["ner"]), [])


def test_sentences_come_from_punctuation_without_a_sentence_component() -> None:
    import spacy

    from counterpoint.corpus.analyse import analyse
    from counterpoint.model import Article

    class NoSentences(FakeResources):
        @property
        def nlp(self) -> Any:  # type: ignore[override]
            if not hasattr(self, "_bare"):
                self._bare = spacy.blank("en")
            return self._bare

    text = "The ferry strike ended on Tuesday. Crews return to work on Wednesday! Sailings resume at dawn."
    [feats] = analyse([Article(id="a", text=text)], NoSentences())
    assert [text[a:b] for a, b in feats.sentences] == [
        "The ferry strike ended on Tuesday.", "Crews return to work on Wednesday!", "Sailings resume at dawn."
    ]


def test_story_id_errors(tmp_path: Path, fake: FakeResources) -> None:
    with pytest.raises(InputError, match="no such corpus database"):
        story_articles(tmp_path / "none.db", "S1")
    folder = _write(tmp_path / "in")
    ingest([str(folder)], tmp_path / "c.db", progress=False)
    with pytest.raises(InputError, match="no such story"):
        story_articles(tmp_path / "c.db", "S999")
    with pytest.raises(InputError, match="story id"):
        story_articles(tmp_path / "c.db", "banana")


def test_coverage_blind_spots_and_svg(tmp_path: Path) -> None:
    def art(outlet: str, dup: int | None = None) -> dict[str, Any]:
        return {"outlet": outlet, "duplicate_of": dup}

    stories = [
        {"id": "S1", "label": "Both sides", "first_date": None, "outlets": ["CNN", "Fox News"],
         "articles": [art("CNN"), art("Fox News")]},
        {"id": "S2", "label": "Left only", "first_date": None, "outlets": ["CNN", "HuffPost"],
         "articles": [art("CNN"), art("HuffPost"), art("Fox News", dup=1)]},
    ]
    cfg = tmp_path / "g.toml"
    cfg.write_text('[groups]\nleft = ["cnn", "HuffPost"]\nright = ["Fox News"]\n', encoding="utf-8")
    cov = coverage(stories, load_groups(cfg))
    assert [b["story"] for b in cov.blind_spots] == ["S2"]
    assert cov.blind_spots[0]["only"] == "left" and cov.blind_spots[0]["missing"] == ["right"]
    fox = cov.outlets.index("Fox News")
    assert cov.matrix[fox] == (1, 0)  # the wire copy does not count as coverage
    svg = to_svg(cov)
    assert svg.startswith("<svg") and svg.count("<rect") == len(cov.outlets) * 2


def test_bad_groups_file(tmp_path: Path) -> None:
    cfg = tmp_path / "g.toml"
    cfg.write_text("[groups]\nleft = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="groups"):
        load_groups(cfg)


def test_cli_stories_json_and_coverage(tmp_path: Path, fake: FakeResources, capsys: pytest.CaptureFixture[str]) -> None:
    from counterpoint.cli import main

    folder = _write(tmp_path / "in")
    dbfile = str(tmp_path / "c.db")
    assert main(["ingest", str(folder), "--db", dbfile, "-q"]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", dbfile, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(len(s["articles"]) for s in data["stories"]) == 4
    assert all(a["source"] and a["id"] for s in data["stories"] for a in s["articles"])
    svg = tmp_path / "cov.svg"
    assert main(["coverage", "--db", dbfile, "--svg", str(svg)]) == 0
    assert "4 outlets" in capsys.readouterr().out and svg.read_text().startswith("<svg")
    assert main(["stories", "--db", str(tmp_path / "missing.db")]) == 2


@pytest.mark.slow
def test_ray_engine_matches_local(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'counterpoint[ray]'")
    folder = _write(tmp_path / "in")
    local = ingest([str(folder)], tmp_path / "local.db", progress=False)
    dist = ingest([str(folder)], tmp_path / "ray.db", engine="ray", progress=False)
    assert (dist.new, dist.skipped, dist.stories) == (local.new, local.skipped, local.stories)

    def grouping(path: Path) -> set[frozenset[str]]:
        return {frozenset(a["source"] for a in s["articles"]) for s in db.stories(db.connect(path))}

    assert grouping(tmp_path / "ray.db") == grouping(tmp_path / "local.db")


_KILLABLE = """
import sys, time
from counterpoint import resources
from counterpoint.corpus import db, run
from tests.test_corpus import FakeResources
resources._DEFAULT = FakeResources()
real = db.insert_article
def slow(*a, **k):
    time.sleep(0.15)  # leaves time to be killed between commits
    return real(*a, **k)
db.insert_article = slow
run.ingest([sys.argv[1]], sys.argv[2], progress=False)
"""


def test_sigkill_loses_nothing_committed_and_resumes(tmp_path: Path, fake: FakeResources) -> None:
    import os
    import signal
    import sqlite3
    import subprocess
    import time

    words = "harbour ferry council budget strike library road school union port".split()
    rows = [{"text": " ".join(words[(i + k) % 10] + str(i) for k in range(40)), "outlet": f"O{i}"} for i in range(40)]
    src = tmp_path / "many.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    dbfile = tmp_path / "k.db"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'src'}"}
    proc = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(src), str(dbfile)], env=env)
    try:
        deadline, committed = time.monotonic() + 60, 0
        while time.monotonic() < deadline and committed < 3 and proc.poll() is None:
            time.sleep(0.1)
            if dbfile.exists():
                with contextlib.suppress(sqlite3.OperationalError):
                    committed = sqlite3.connect(dbfile).execute("SELECT count(*) FROM corpus_articles").fetchone()[0]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert 3 <= committed < len(rows)
    survivors = sqlite3.connect(dbfile).execute("SELECT count(*) FROM corpus_articles").fetchone()[0]
    assert survivors >= committed
    rep = ingest([str(src)], dbfile, progress=False)
    assert (rep.known, rep.new) == (survivors, len(rows) - survivors)
    assert len(db.known_hashes(db.connect(dbfile))) == len(rows)


def test_index_takes_the_first_vectors_dimension_and_refuses_another() -> None:
    idx = StoryIndex()
    v384 = (1.0,) + (0.0,) * 383
    idx.place_and_add(0, v384, terms(FERRY), None, "A", ())
    idx.place_and_add(1, v384, terms(FERRY_B), None, "B", ())
    assert idx.story_of(1) == idx.story_of(0)
    with pytest.raises(InputError, match="another story encoder"):
        idx.place((512**-0.5,) * 512, terms(BUDGET), None, "C", ())


@pytest.mark.slow
def test_story_encoder_groups_one_event_across_wording_and_language() -> None:
    from counterpoint.corpus.encoder import DIM, story_encoder

    v = story_encoder()([
        "Ferry workers end strike after accepting pay deal from port authority",
        "Harbour ferry strike over as unions agree pay offer; sailings resume Wednesday",
        "Паромщики прекратили забастовку, согласившись на повышение зарплаты",
        "City council approves budget raising library funding and cutting road repairs",
    ])
    assert v.shape == (4, DIM)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 3] + 0.15  # same event, other words beats another story
    assert sims[0, 2] > sims[2, 3] + 0.15  # the Russian report sits with the English one


def test_story_vectors_come_from_the_encoder_argument_then_the_resources_hook() -> None:
    from counterpoint.corpus.analyse import analyse
    from counterpoint.model import Article

    art = [Article(id="a", text=FERRY)]
    [hooked] = analyse(art, FakeResources())
    assert len(hooked.vector) == 384 and np.isclose(np.linalg.norm(hooked.vector), 1.0)
    [given] = analyse(art, FakeResources(), encoder=lambda texts: np.ones((len(texts), 8), dtype=np.float32))
    assert given.vector == (1.0,) * 8
