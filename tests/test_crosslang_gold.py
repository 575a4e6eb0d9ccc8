"""Integrity of the cross-language test set (eval/crosslang) and its generated gold (eval/gold/xl_*)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from counterpoint.ingest import guess_language, load
from scripts import eval_crosslang as xl
from tests.conftest import SHARED

ROLES = ("a", "b")


def _gold(la: str, lb: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(xl.gold_path(la, lb).read_text(encoding="utf-8"))
    return data


def _texts(gold: dict[str, Any]) -> dict[str, str]:
    return {aid: load(xl.ROOT / rel, article_id=aid).text for aid, rel in gold["articles"].items()}


@pytest.mark.parametrize(("la", "lb"), xl.PAIRS)
def test_committed_gold_is_what_the_reading_generates(la: str, lb: str) -> None:
    expected = xl.render_gold(xl.build_gold(xl.load_reading(), la, lb), la, lb)
    assert xl.gold_path(la, lb).read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("role", ROLES)
def test_translations_have_the_same_sentences_in_the_same_order(role: str) -> None:
    counts = {lang: len(xl.split_sentences(xl.article_text(role, lang))) for lang in xl.LANGS}
    assert set(counts.values()) == {10}, counts
    # Figures survive translation: every number in a Cyrillic sentence is in the English one
    # (English may add digits, e.g. "20,000" for "20 тысяч").
    english = [set(re.findall(r"\d+", s)) for _, s in xl.split_sentences(xl.article_text(role, "en"))]
    for lang in ("ru", "uk"):
        for k, (_, sent) in enumerate(xl.split_sentences(xl.article_text(role, lang))):
            assert set(re.findall(r"\d+", sent)) <= english[k], (lang, k + 1, sent)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", xl.LANGS)
def test_front_matter_language_and_script_conventions(role: str, lang: str) -> None:
    art = load(xl.article_path(role, lang))
    assert art.language == lang and guess_language(art.text) == lang
    letters = set(art.text.lower())
    if lang == "ru":
        assert not letters & set("іїєґ"), "Ukrainian letters in a Russian text"
    if lang == "uk":
        assert not letters & set("ыэъё"), "Russian letters in a Ukrainian text"
    if lang == "en":
        assert not re.search(r"[\u0400-\u04ff]", art.text)


def test_place_and_person_names_follow_each_languages_press() -> None:
    for role in ROLES:
        en, ru, uk = (xl.article_text(role, lang) for lang in xl.LANGS)
        assert "Kyiv" in en and "Kiev" not in en
        assert "Киева" in ru and "Києва" in uk
    a_en, a_ru, a_uk = (xl.article_text("a", lang) for lang in xl.LANGS)
    assert "Oleksii Hnatiuk" in a_en and "Алексей Гнатюк" in a_ru and "Олексій Гнатюк" in a_uk
    assert "Сосновка" in a_ru and "Соснівка" in a_uk


@pytest.mark.parametrize(("la", "lb"), xl.PAIRS)
def test_each_sentence_id_anchors_exactly_one_sentence(la: str, lb: str) -> None:
    gold = _gold(la, lb)
    texts = _texts(gold)
    for aid, anchors in gold["sentences"].items():
        text, low = texts[aid], texts[aid].lower()
        starts = [s for s, _ in xl.split_sentences(text)]
        assert len(anchors) == len(starts)
        for k, (name, anchor) in enumerate(anchors.items()):
            assert name == f"{aid[0].upper()}{k + 1}"
            assert low.count(anchor.lower()) == 1, (aid, name, anchor)
            assert low.find(anchor.lower()) == starts[k], (aid, name, anchor)


@pytest.mark.parametrize(("la", "lb"), xl.PAIRS)
def test_every_fragment_occurs_in_its_article(la: str, lb: str) -> None:
    gold = _gold(la, lb)
    texts = _texts(gold)
    first, second = list(gold["articles"])
    low = {aid: t.lower() for aid, t in texts.items()}
    for a, b in gold["must_link"] + gold["must_not_link"]:
        for frag in (a, b):
            aid, _, tail = frag.partition(":")
            assert tail.lower().removesuffix(" said") in low[aid], frag
    for aid, frag, speakers in gold["quotes"]:
        assert frag.lower() in low[aid] and speakers
    for aid, frag, kind in gold["framing"]:
        assert frag.lower() in low[aid] and kind in {"naming", "loaded", "sourcing"}
    for fa, fb in gold["same_quote"]:
        assert fa.lower() in low[first] and fb.lower() in low[second]


@pytest.mark.parametrize(("la", "lb"), xl.PAIRS)
def test_relations_name_real_sentences_and_do_not_contradict(la: str, lb: str) -> None:
    gold = _gold(la, lb)
    names = {n for anchors in gold["sentences"].values() for n in anchors}
    pairs = {k: {tuple(p) for p in gold[k]} for k in ("shared", "related", "conflict", "optional", "not_conflict")}
    for key, ps in pairs.items():
        for x, y in ps:
            assert x in names and y in names and x[0] == "A" and y[0] == "B", (key, x, y)
    assert not pairs["conflict"] & (pairs["not_conflict"] | pairs["shared"] | pairs["optional"])
    assert not pairs["optional"] & (pairs["shared"] | pairs["related"])
    in_shared = {n for p in pairs["shared"] for n in p}
    for aid, unique in gold["unique"].items():
        assert set(unique) <= set(gold["sentences"][aid]) and not set(unique) & in_shared


def _sentence_spans(gold: dict[str, Any], texts: dict[str, str]) -> dict[str, tuple[str, int, int]]:
    spans = {}
    for aid, anchors in gold["sentences"].items():
        starts = [texts[aid].lower().find(a.lower()) for a in anchors.values()]
        ends = starts[1:] + [len(texts[aid])]
        spans.update({n: (aid, s, e) for n, s, e in zip(anchors, starts, ends, strict=True)})
    return spans


def _span(article: str, start: int, end: int) -> dict[str, Any]:
    return {"article": article, "start": start, "end": end}


def _occurrences(text: str, frag: str) -> list[tuple[int, int]]:
    frag = frag.lower().removesuffix(" said")
    return [(m.start(), m.start() + len(frag)) for m in re.finditer(re.escape(frag), text.lower())]


def _oracle_entities(gold: dict[str, Any], texts: dict[str, str]) -> list[dict[str, Any]]:
    """One entity per must_link component (union-find over fragments), one per other fragment."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in gold["must_link"]:
        parent[root(a)] = root(b)
    for a, b in gold["must_not_link"]:
        root(a), root(b)
    groups: dict[str, list[str]] = {}
    for frag in parent:
        groups.setdefault(root(frag), []).append(frag)
    entities = []
    for k, frags in enumerate(groups.values()):
        mentions = []
        for frag in frags:
            aid, _, tail = frag.partition(":")
            mentions += [{**_span(aid, s, e), "text": texts[aid][s:e]} for s, e in _occurrences(texts[aid], tail)]
        entities.append({"id": f"e{k}", "name": frags[0], "mentions": mentions})
    return entities


def _oracle(gold: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """The comparison JSON a perfect system would write for this gold (fields score.py reads)."""
    sent = _sentence_spans(gold, texts)
    alignments = [
        {"relation": rel, "a": _span(*sent[x]), "b": _span(*sent[y])}
        for rel, key in (("shared", "shared"), ("related", "related"), ("conflict", "conflict"))
        for x, y in gold[key]
    ]
    quotes = []
    for k, (aid, frag, speakers) in enumerate(gold["quotes"]):
        s, e = _occurrences(texts[aid], frag)[0]
        quotes.append({"id": f"q{k}", **_span(aid, s, e), "text": texts[aid][s:e], "speaker": {"name": speakers[0]}})
    first, second = list(gold["articles"])
    matches = []
    for fa, fb in gold["same_quote"]:
        qa = next(q["id"] for q in quotes if q["article"] == first and fa.lower() in q["text"].lower())
        qb = next(q["id"] for q in quotes if q["article"] == second and fb.lower() in q["text"].lower())
        matches.append({"a": qa, "b": qb})
    framing = [{**_span(aid, *_occurrences(texts[aid], frag)[0]), "kind": kind} for aid, frag, kind in gold["framing"]]
    return {
        "articles": [{"id": aid, "text": t} for aid, t in texts.items()],
        "same_story": {"verdict": gold["same_story"]},
        "alignments": alignments,
        "unique": [_span(*sent[n]) for names in gold["unique"].values() for n in names],
        "entities": _oracle_entities(gold, texts),
        "quotes": quotes,
        "quote_matches": matches,
        "framing": framing,
    }


def _score_module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("official_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("la", "lb"), xl.PAIRS)
def test_a_perfect_comparison_scores_one_on_every_check(la: str, lb: str) -> None:
    """The gold is consistent: must_link never joins a must_not_link pair, unique sentences are
    not shared, every check can reach 1.0 under the official scorer."""
    score_py = SHARED / "eval" / "score.py"
    if not score_py.exists():
        pytest.skip("../shared/eval/score.py not present")
    gold = _gold(la, lb)
    texts = _texts(gold)
    rows = _score_module(score_py).Scorer(gold, _oracle(gold, texts)).checks()
    assert {name for name, _, _ in rows} == set(xl.CHECKS) - {"score"}
    assert all(v == 1.0 for _, v, _ in rows), [(n, v, d) for n, v, d in rows if v != 1.0]


def test_a_gold_merge_of_a_must_not_link_pair_is_caught() -> None:
    """The oracle check has teeth: joining Hnatiuk and Kyrylchenko drops entity_separation."""
    score_py = SHARED / "eval" / "score.py"
    if not score_py.exists():
        pytest.skip("../shared/eval/score.py not present")
    gold = _gold("en", "ru")
    texts = _texts(gold)
    broken = {**gold, "must_link": gold["must_link"] + [gold["must_not_link"][0]]}
    rows = dict((n, v) for n, v, _ in _score_module(score_py).Scorer(gold, _oracle(broken, texts)).checks())
    assert rows["entity_separation"] < 1.0 and rows["entity_link_recall"] == 1.0


def test_error_rows_do_not_stop_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {"en_en": {c: 1.0 for c in xl.CHECKS}, "ru_ru": {c: 0.9 for c in xl.CHECKS},
            "en_ru": {c: 0.7 for c in xl.CHECKS}}
    gap = xl.gaps(rows)
    assert set(gap) == {"en_ru"} and gap["en_ru"]["score"] == pytest.approx(-0.25)
    xl.print_table(rows, {"uk_uk": "NotImplementedError: no uk pipeline yet"}, gap)
    out = capsys.readouterr().out
    assert "uk_uk     ERROR NotImplementedError" in out and "below target: " in out


# ---- the parallel sentences of scripts/eval_crossling_embed.py ------------------------------
def test_parallel_sentences_are_complete_and_keep_their_numbers() -> None:
    from scripts import eval_crossling_embed as emb

    texts, variants = emb.load_parallel()
    n = len(texts["en"])
    assert n == 35 and all(len(texts[lang]) == n for lang in emb.LANGS)
    assert all(0 <= k < 30 and v >= 30 for v, k in variants.items())
    for k in range(n):
        digits = {lang: set(re.findall(r"\d+", texts[lang][k].replace("000", ""))) for lang in emb.LANGS}
        assert all(d <= digits["en"] for d in digits.values()), (k, digits)
        assert len({texts[lang][k] for lang in emb.LANGS}) == len(emb.LANGS)


def test_retrieval_figures_on_hand_made_vectors() -> None:
    import numpy as np

    from scripts import eval_crossling_embed as emb

    # Six rows in one story; row 5 is a near miss of row 0 (cosine 0.6). y swaps rows 1 and 2:
    # top-1 holds for 4 of 6 rows each way, and the translations beat the near miss.
    x = np.eye(6, dtype=np.float32)
    x[5] = np.array([0.6, 0, 0, 0, 0, 0.8], dtype=np.float32)
    y = x[[0, 2, 1, 3, 4, 5]]
    fig = emb.pair_figures(x, y, {5: 0})
    assert fig["top1"] == pytest.approx(4 / 6)
    assert fig["cos_near_miss"] == pytest.approx(0.6) and fig["variant_ok"] == 1.0
    # When the near miss's "translation" is row 0's vector, it wins only one comparison of four.
    y[5] = x[0]
    assert emb.pair_figures(x, y, {5: 0})["variant_ok"] == pytest.approx(0.25)
    assert emb.threshold_accuracy([0.9, 0.8], [0.1, 0.2]) == (1.0, pytest.approx(0.8))
    acc, _ = emb.threshold_accuracy([0.5, 0.1], [0.4, 0.3])
    assert acc == pytest.approx(0.75)
