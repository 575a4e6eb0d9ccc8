"""Alignment: features, the learned model, relations, unique ranking, groups, same story."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from counterpoint.align import (
    Item,
    Link,
    backdrop,
    best_shared,
    build_items,
    fact_groups,
    frequent,
    rank_unique,
    shares_detail,
)
from counterpoint.model import Alignment, Analysis, Article, Claim, Span
from counterpoint.similarity import FEATURES, Info, load_model, pair_features, reasons
from tests.conftest import make_article

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def info(text: str, ents: dict[str, str] | None = None, nums: set[float] | None = None,
         dates: dict[str, str] | None = None, negated: bool = False, verbs: set[str] | None = None) -> Info:
    words = text.lower().split()
    return Info(text, frozenset(words), frozenset(words), frozenset(zip(words, words[1:], strict=False)),
                frozenset(verbs or set()), frozenset(nums or set()), ents or {}, dates or {}, negated,
                len(words))


def test_features_flag_number_and_negation_clashes() -> None:
    a = info("the union won a 6 percent raise", nums={6.0})
    b = info("the union won a 4 percent raise", nums={4.0}, negated=True)
    f = dict(zip(FEATURES, pair_features(a, b, 0.9), strict=False))
    assert f["num_clash"] == 1.0 and f["num_match"] == 0.0
    assert f["neg_clash"] == 1.0
    same = dict(zip(FEATURES, pair_features(a, a, 1.0), strict=False))
    assert same["num_match"] == 1.0 and same["dice_word"] == 1.0


def test_model_prefers_agreeing_pairs() -> None:
    model = load_model()
    assert 0.0 <= model.related < model.shared <= 5.0
    a = info("syrskyi signed documents for french instructors", ents={"E1": "Oleksandr Syrskyi"}, nums={27.0})
    b = info("syrsky signed papers for french instructors", ents={"E1": "Oleksandr Syrskyi"}, nums={27.0})
    c = info("kallas said countries train soldiers", ents={"E9": "Kaja Kallas"}, nums={3.0})
    rel_ab, sim_ab = model.relation(pair_features(a, b, 0.85))
    rel_ac, sim_ac = model.relation(pair_features(a, c, 0.3))
    assert rel_ab == "shared" and rel_ac is None and sim_ab > sim_ac


def test_why_names_actors_action_and_date() -> None:
    a = info("syrskyi signed the papers", ents={"E1": "Oleksandr Syrskyi"}, verbs={"sign"},
             dates={"2024-05-27": "27 May 2024"})
    why = reasons(a, a, 0.8, "shared")
    assert "same actors (Oleksandr Syrskyi)" in why
    assert "same action (sign)" in why and "same date (27 May 2024)" in why


def test_model_file_records_provenance() -> None:
    from counterpoint.resources import DATA

    spec = json.loads((DATA / "align_model.json").read_text())
    assert "MSRP" in spec["_source"] and "STS 2013" in spec["_source"]
    assert spec["features"] == list(FEATURES)


def _claim(aid: str, k: int, start: int) -> Claim:
    return Claim(f"{aid}:C{k}", Span(aid, start, start + 10), "x" * 10, k)


def test_fact_groups_span_three_articles() -> None:
    a, b, c, d = _claim("a", 1, 0), _claim("b", 1, 0), _claim("c", 4, 50), _claim("a", 7, 90)
    groups = fact_groups([(a, b), (b, c), (d, _claim("b", 9, 200))])
    assert groups[0]["articles"] == ["a", "b", "c"]
    assert {m["claim"] for m in groups[0]["claims"]} == {"a:C1", "b:C1", "c:C4"}
    assert groups[1]["articles"] == ["a", "b"]


def test_unique_ranks_lede_and_central_entities_first() -> None:
    from counterpoint.align import Item

    def item(k: int, ents: dict[str, str]) -> Item:
        return Item(_claim("a", k, k * 20), info("some words here", ents=ents), 0)

    items = {"a": [item(0, {}), item(8, {}), item(9, {"E1": "Vass"}), item(10, {"E1": "Vass"}), item(11, {})]}
    order = rank_unique(items, shared={"a:C10"})
    starts = [s.start for s in order]
    assert starts[0] == 0  # the lede first
    assert starts.index(180) < starts.index(160)  # about the central entity before the rest
    assert 200 not in starts  # shared: not unique


@pytest.mark.slow
def test_example_pair_shares_the_signing_fact(analyse: Callable[..., Analysis], example_articles) -> None:
    an = analyse(example_articles, upto="align")
    rt, ki = (a.id for a in an.articles)
    shared = [al for al in an.alignments if al.relation == "shared"]
    texts = [(an.text_of(al.a), an.text_of(al.b)) for al in shared]
    assert any("signed the papers" in x and "signed documents" in y for x, y in texts)
    assert all(al.why for al in an.alignments)
    assert an.same_story is not None and an.same_story.verdict
    assert 0.0 < an.coverage[rt] < 1.0 and 0.0 < an.coverage[ki] < 1.0
    # what one side reports alone is listed, and no unique span is part of a shared pair
    shared_spans = {al.a for al in shared} | {al.b for al in shared}
    assert an.unique and not shared_spans & set(an.unique)


@pytest.mark.slow
def test_unrelated_stories_are_not_the_same_story(analyse: Callable[..., Analysis], demo_articles,
                                                   example_articles) -> None:
    an = analyse((demo_articles[0], example_articles[1]), upto="align")
    assert an.same_story is not None and not an.same_story.verdict
    assert not [al for al in an.alignments if al.relation == "shared"]


def _basil(triplet: str) -> tuple[Article, ...]:
    from counterpoint.ingest import make_article

    root = SHARED / "datasets" / "basil" / "articles"
    out = []
    for path in sorted(root.glob(f"*/{triplet}_*.json")):
        d = json.loads(path.read_text())
        text = "\n".join(" ".join(p) for p in d["body-paragraphs"])
        out.append(make_article(text, article_id=d["source"].lower()))
    return tuple(out)


@pytest.mark.slow
def test_basil_triplet_groups_facts_across_outlets(analyse: Callable[..., Analysis]) -> None:
    if not (SHARED / "datasets" / "basil").exists():
        pytest.skip("../shared/datasets/basil not present")
    arts = _basil("1b96a5db-8974-46d3-82d7-5dfef02f650e")  # Congress overrides Obama's veto (2016)
    an = analyse(arts, upto="align")
    assert an.same_story is not None and an.same_story.verdict
    groups = an.extras["align"]["groups"]
    assert groups and len(groups[0]["articles"]) >= 2
    ids = {a.id for a in arts}
    assert all(set(g["articles"]) <= ids and len(g["claims"]) >= 2 for g in groups)


@pytest.mark.slow
def test_example_pair_same_participants_are_not_the_same_fact(analyse: Callable[..., Analysis],
                                                              example_articles) -> None:
    an = analyse(example_articles, upto="align")
    rel = {(an.text_of(al.a)[:25], an.text_of(al.b)[:25]): al for al in an.alignments}

    def find(x: str, y: str) -> Alignment | None:
        return next((al for (a, b), al in rel.items() if a.startswith(x) and b.startswith(y)), None)

    # Macron speaking in February vs the Defense Ministry on a conference he convened: other agent
    told = find("In February, French", "France's Defense Ministr")
    assert told is None or told.relation != "shared"
    # Macron in February vs Macron again in May: same agent, dated apart
    again = find("In February, French", "Macron has nonetheless")
    assert again is not None and again.relation == "related" and "dated differently" in again.why
    # the signing, reported by both, stays one fact
    signed = find("Syrsky, who was made", "Syrskyi said he had")
    assert signed is not None and signed.relation == "shared" and "same agent (Oleksandr Syrskyi)" in signed.why


def test_a_loose_shared_link_yields_to_the_claims_best_counterpart() -> None:
    """A quote 'similar' to three sentences of the other article shares its fact with one."""
    links = [
        Link(3, 0, 0.41, "shared", "same fact: wording similar", wording_only=True),
        Link(3, 1, 0.46, "shared", "same fact: wording similar", wording_only=True),
        Link(3, 5, 0.73, "shared", "same fact: same actors", wording_only=False),
        Link(0, 0, 0.45, "shared", "same fact: wording similar", wording_only=True),
        Link(4, 1, 0.40, "shared", "same fact: same agent", wording_only=False),
        Link(6, 5, 0.40, "shared", "same fact: same agent", wording_only=False),
    ]
    kept = {(k.i, k.j) for k in best_shared(links)}
    assert kept == {(3, 5), (0, 0), (4, 1), (6, 5)}, "links with something specific in common all stay"


def _claim_info(entities: dict[str, str], numbers: tuple[float, ...] = (), dates: dict[str, str] | None = None) -> Info:
    return Info("x", frozenset(), frozenset(), frozenset(), frozenset(), frozenset(numbers),
                entities, dates or {}, False, 1)


def _item(k: int, entities: dict[str, str]) -> Item:
    return Item(Claim(f"a:C{k}", Span("a", k, k + 1), "x", k), _claim_info(entities), 0)


def test_place_named_in_a_third_of_one_article_is_setting_but_a_person_is_not() -> None:
    # 9 claims: Iowa (a state) and Braley (a person) each in 3 of one article's claims;
    # neither reaches half of all claims, but the state is that article's setting
    a = [_item(k, {"E1": "Iowa", "E2": "Braley"} if k < 3 else {}) for k in range(6)]
    b = [_item(10 + k, {}) for k in range(3)]
    types = {"E1": "GPE", "E2": "PERSON"}
    assert backdrop({"a": a, "b": b}, types) == frozenset({"E1"})
    assert backdrop({"a": a, "b": b}) == frozenset()  # no types known: only the half-of-all rule
    assert frequent({"a": a, "b": b}) == frozenset({"E1", "E2"})


def test_shared_figure_or_day_is_a_detail_but_a_month_is_not() -> None:
    fig = _claim_info({}, numbers=(3.0,))
    assert shares_detail(fig, _claim_info({}, numbers=(3.0, 2.0)))
    assert not shares_detail(fig, _claim_info({}, numbers=(4.0,)))
    day = _claim_info({}, dates={"2012-04-24": "24 April 2012"})
    assert shares_detail(day, day)
    month = _claim_info({}, dates={"2012-04-01/month": "April"})
    assert not shares_detail(month, month)
    assert not shares_detail(_claim_info({"E1": "Boehner"}), _claim_info({"E1": "Boehner"}))


@pytest.mark.slow
def test_title_case_headline_is_read_for_its_verb(analyse: Callable[..., Analysis], resources: Any) -> None:
    text = "Senator Apologizes for Criticizing Farmers\nSenator Bruce Braley apologized to farmers on Tuesday."
    an = analyse((make_article(text, "a"), make_article("Nothing else happened here today.", "b")), upto="times")
    plain = build_items(an, "a")
    reread = build_items(an, "a", lambda t: resources.parse([t])[0])
    assert "apologize" not in plain[0].event.actions  # the tagger took "Apologizes" for a name
    assert "apologize" in reread[0].event.actions
    assert reread[1].event == plain[1].event  # the body keeps the article's own parse
