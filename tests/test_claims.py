"""Claim units: coordinated clauses split, quotes and single facts kept whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from counterpoint.claims import Unit, embed_text
from counterpoint.model import Analysis
from tests.conftest import make_article


def _claims(analyse: Callable[..., Analysis], text: str) -> list[str]:
    an = analyse((make_article(text, "a"), make_article("Nothing else happened here today.", "b")), upto="claims")
    return [c.text for c in an.claims["a"]]


def test_embed_text_prepends_shared_subject() -> None:
    text = "had informed the council."
    assert embed_text(text, Unit(0, len(text), "The mayor")) == "The mayor had informed the council."
    assert embed_text(text, Unit(0, 3, "")) == "had"


@pytest.mark.slow
def test_coordinated_facts_become_separate_units(analyse: Callable[..., Analysis]) -> None:
    texts = _claims(
        analyse,
        "The mayor said on Monday that she had signed the new budget for the harbour "
        "and had informed the city council of the higher port fees.",
    )
    assert len(texts) == 2
    assert texts[0].startswith("The mayor said on Monday")
    assert texts[1].startswith("had informed the city council")


@pytest.mark.slow
def test_conjunct_without_subject_carries_the_shared_subject(analyse: Callable[..., Analysis]) -> None:
    text = (
        "The minister signed the agreement with the union on Friday "
        "and promised new ferries for the islands next year."
    )
    an = analyse((make_article(text, "a"), make_article("Nothing else happened here today.", "b")), upto="claims")
    claims = an.claims["a"]
    assert len(claims) == 2
    assert an.extras["claims"]["subjects"][claims[1].id] == "The minister"
    # the units tile the sentence: no fact is dropped
    assert claims[0].span.start == 0 and claims[1].span.end == len(text.rstrip("."))  + 1


@pytest.mark.slow
def test_quote_split_by_attribution_stays_one_unit(analyse: Callable[..., Analysis]) -> None:
    text = '"We will rebuild the bridge," the mayor said, "and we will open it to traffic by spring."'
    assert _claims(analyse, text) == [text]


@pytest.mark.slow
def test_single_fact_and_coordinated_verbs_stay_whole(analyse: Callable[..., Analysis]) -> None:
    one = "Oil prices rose and fell sharply during the week."
    assert _claims(analyse, one) == [one]


@pytest.mark.slow
def test_trailing_event_clause_is_a_unit_of_its_own(analyse: Callable[..., Analysis]) -> None:
    texts = _claims(
        analyse,
        "The vote comes just days after the harbour union announced that it had ended the strike.",
    )
    assert texts == ["The vote comes just days", "after the harbour union announced that it had ended the strike."]


@pytest.mark.slow
def test_russian_facts_joined_by_a_comma_split_but_attributions_stay(analyse: Callable[..., Analysis]) -> None:
    text = ("В ГСЧС сообщили агентству, что погибших нет, однако два человека госпитализированы с переохлаждением. "
            "Служба эвакуировала 310 человек из двух сел, сообщил ее представитель Тарас Мельник.")
    an = analyse((make_article(text, "a", language="ru"), make_article("Ничего больше не произошло.", "b", language="ru")),
                 upto="claims")
    texts = [c.text for c in an.claims["a"]]
    assert texts[:2] == ["В ГСЧС сообщили агентству, что погибших нет",
                         "однако два человека госпитализированы с переохлаждением."]
    assert texts[2].startswith("Служба эвакуировала") and texts[2].endswith("Тарас Мельник.")
    assert len(texts) == 3


@pytest.mark.slow
def test_quotation_of_several_sentences_becomes_one_claim_per_sentence(analyse: Callable[..., Analysis]) -> None:
    text = (
        '"We will rebuild the bridge before the winter. But the ferry will run until then. '
        'And nobody will lose their job," the mayor said on Monday.'
    )
    an = analyse((make_article(text, "a"), make_article("Nothing else happened here today.", "b")), upto="claims")
    texts = [c.text for c in an.claims["a"]]
    assert len(an.sentences["a"]) == 1  # the quotes stage still sees the quotation whole
    assert len(texts) == 3
    assert texts[0].startswith('"We will rebuild') and texts[1].startswith("the ferry will run")
    assert texts[2].endswith("said on Monday.")
    pieces = an.extras["claims"]["pieces"]
    assert [pieces.get(c.id, 0) for c in an.claims["a"]] == [0, 1, 2]


@pytest.mark.slow
def test_abbreviation_and_short_sentence_do_not_cut(analyse: Callable[..., Analysis]) -> None:
    text = '"Yes. We will rebuild the bridge before the winter," Mr. Smith said.'
    assert _claims(analyse, text) == [text]
