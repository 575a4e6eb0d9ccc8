"""Integrity of the BASIL gold readings (eval/basil): every fragment names one place in its article."""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.eval_basil_pairs import GOLD_DIR, article_text, basil_article, gold_files, group_of, score_json

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PAIR_KEYS = ("shared", "related", "conflict", "optional", "not_conflict")

pytestmark = pytest.mark.skipif(
    not (SHARED / "datasets" / "basil").exists(), reason="../shared/datasets/basil not present"
)


def _texts(spec: dict[str, Any]) -> dict[str, str]:
    """Article id -> the text the comparison will see (front matter removed), built in memory."""
    texts = {}
    for aid in spec["articles"]:
        data = basil_article(SHARED, spec["basil"]["triplet"], spec["basil"]["outlets"][aid])
        texts[aid] = article_text(data).split("\n---\n", 1)[1]
    return texts


def _specs() -> list[tuple[str, dict[str, Any]]]:
    return [(g.stem, yaml.safe_load(g.read_text(encoding="utf-8"))) for g in gold_files()]


def test_dev_and_fresh_heldout_readings_cover_distinct_triplets_and_outlet_pairs() -> None:
    specs = _specs()
    for _, spec in specs:
        outlets = spec["basil"]["outlets"]
        assert list(outlets) == list(spec["articles"])
        assert len(set(outlets.values())) == 2
        for aid, rel in spec["articles"].items():
            assert rel == f"out/basil/{aid}.txt"  # built at run time, never committed
    groups = {name: group_of(GOLD_DIR / f"{name}.yaml") for name, _ in specs}
    assert sorted(groups.values()).count("dev") >= 2 and sorted(groups.values()).count("heldout") >= 3
    triplets = [spec["basil"]["triplet"] for _, spec in specs]
    assert len(set(triplets)) == len(triplets)  # a held-out reading shares no story with dev
    pairings = {frozenset(spec["basil"]["outlets"].values()) for _, spec in specs}
    assert len(pairings) == 3  # Fox/NYT, NYT/HuffPost and Fox/HuffPost all occur


def test_only_selects_a_group_or_a_name_prefix() -> None:
    heldout = gold_files("heldout")
    dev = gold_files("dev")
    assert heldout and dev and not set(heldout) & set(dev)
    assert set(heldout) | set(dev) == set(gold_files())
    assert all(g.stem.startswith("heldout_") for g in heldout)
    assert [g.stem for g in gold_files("braley")] == ["braley_fox_nyt"]
    assert gold_files("no_such_prefix") == []


@pytest.mark.parametrize("name", [g.stem for g in gold_files()])
def test_gold_sentence_spans_score_as_themselves(name: str, tmp_path: Path) -> None:
    # An alignment over exactly the gold sentences of each shared pair scores full shared recall
    # and no wrong link: the anchors cut the texts where the gold means them to.
    gold = GOLD_DIR / f"{name}.yaml"
    spec = yaml.safe_load(gold.read_text(encoding="utf-8"))
    texts = _texts(spec)
    spans = {}
    for aid, anchors in spec["sentences"].items():
        starts = sorted((texts[aid].lower().find(p.lower()), sid) for sid, p in anchors.items())
        for k, (start, sid) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(texts[aid])
            spans[sid] = {"article": aid, "start": start, "end": end, "text": texts[aid][start:end]}
    out = {"articles": [{"id": aid, "text": t} for aid, t in texts.items()], "same_story": {"verdict": True},
           "alignments": [{"relation": "shared", "a": spans[a], "b": spans[b]} for a, b in spec["shared"]],
           "unique": [spans[s] for names in spec["unique"].values() for s in names]}
    comparison = tmp_path / "c.json"
    comparison.write_text(json.dumps(out), encoding="utf-8")
    got = score_json(gold, comparison, SHARED)
    assert got["same_story"] == 1.0 and got["shared_recall"] == 1.0 and got["unique_f1"] == 1.0
    linked = len(spec["shared"]) + len(spec["related"]) + len(spec["conflict"])
    assert got["link_f1"] == pytest.approx(2 * len(spec["shared"]) / (len(spec["shared"]) + linked))
    assert got["score"] == pytest.approx(sum(v for k, v in got.items() if k != "score") / (len(got) - 1))


@pytest.mark.parametrize("name", [g.stem for g in gold_files()])
def test_sentence_prefixes_occur_exactly_once(name: str) -> None:
    spec = yaml.safe_load((GOLD_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    texts = _texts(spec)
    for aid, anchors in spec["sentences"].items():
        low = texts[aid].lower()
        for sid, prefix in anchors.items():
            assert low.count(prefix.lower()) == 1, f"{name} {sid}: {prefix!r}"
            i = low.find(prefix.lower())
            # An anchor opens a sentence: at a line start or after a sentence end.
            assert i == 0 or texts[aid][i - 1] == "\n" or texts[aid][i - 2] in ".!?”\"", (sid, prefix)
            assert 3 <= len(prefix.split()) <= 7, (sid, prefix)


@pytest.mark.parametrize("name", [g.stem for g in gold_files()])
def test_pairs_and_uniques_name_known_sentences_consistently(name: str) -> None:
    spec = yaml.safe_load((GOLD_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    first, second = list(spec["sentences"])
    ids_a, ids_b = set(spec["sentences"][first]), set(spec["sentences"][second])
    assert not ids_a & ids_b
    groups = {k: {tuple(p) for p in spec.get(k, [])} for k in PAIR_KEYS}
    for key, pairs in groups.items():
        for a, b in pairs:
            assert a in ids_a and b in ids_b, (key, a, b)
    scored = ("shared", "related", "conflict", "optional")
    for i, k in enumerate(scored):
        for other in scored[i + 1 :]:
            assert not groups[k] & groups[other], (k, other, groups[k] & groups[other])
    assert not groups["not_conflict"] & groups["conflict"]
    unique = spec["unique"]
    assert set(unique[first]) <= ids_a and set(unique[second]) <= ids_b
    in_shared = set(chain.from_iterable(groups["shared"]))
    assert not in_shared & (set(unique[first]) | set(unique[second]))


@pytest.mark.parametrize("name", [g.stem for g in gold_files()])
def test_entity_quote_and_framing_fragments_are_in_their_articles(name: str) -> None:
    spec = yaml.safe_load((GOLD_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    texts = {k: v.lower() for k, v in _texts(spec).items()}
    first, second = list(texts)
    for a, b in spec["must_link"]:
        for frag, default in ((a, first), (b, second)):
            head, sep, tail = frag.partition(":")
            art, frag = (head, tail) if sep and head in texts else (default, frag)
            assert frag.lower() in texts[art], (art, frag)
    for a, b in spec["must_not_link"]:
        assert any(a.lower() in t for t in texts.values()) and any(b.lower() in t for t in texts.values())
    for art, frag, speakers in spec["quotes"]:
        assert frag.lower() in texts[art] and speakers, (art, frag)
    for fa, fb in spec.get("same_quote", []):
        assert fa.lower() in texts[first] and fb.lower() in texts[second], (fa, fb)
    for art, frag, kind in spec["framing"]:
        assert frag.lower() in texts[art] and kind in ("naming", "loaded", "sourcing"), (art, frag)


def test_repository_holds_no_basil_text() -> None:
    # Licence: the gold keeps prefixes and short fragments only, never a whole sentence.
    for name, spec in _specs():
        texts = _texts(spec)
        for aid, anchors in spec["sentences"].items():
            lines = [ln for ln in texts[aid].splitlines() if ln.strip()]
            for prefix in anchors.values():
                assert all(len(prefix) < 0.8 * len(ln) for ln in lines if ln.lower().startswith(prefix.lower()))
        assert not list((ROOT / "eval" / "basil").glob("*.txt")), name


def test_built_article_loads_with_outlet_date_and_title_line(tmp_path: Path) -> None:
    from counterpoint import load_article

    _, spec = _specs()[0]
    aid = next(iter(spec["articles"]))
    data = basil_article(SHARED, spec["basil"]["triplet"], spec["basil"]["outlets"][aid])
    path = tmp_path / f"{aid}.txt"
    path.write_text(article_text(data), encoding="utf-8")
    art = load_article(path)
    assert art.id == aid
    assert art.outlet in ("Fox News", "The New York Times", "HuffPost")
    assert str(art.published).startswith(str(data["date"]))
    assert art.title == data["title"]
    assert art.text.splitlines()[0] == data["title"]  # the headline is the text's first line
    first_para = data["body-paragraphs"][0]  # type: ignore[index]
    assert art.text.splitlines()[1] == " ".join(first_para)
