"""Segmentation: sentences never split a quotation, paragraphs always split."""

from __future__ import annotations

import pytest

from counterpoint import segment
from tests.conftest import make_article


def test_quote_regions_for_every_mark_style() -> None:
    for text in ('He said "we will go. Now." Then left.', "He said “we will go. Now.” Then left.",
                 "He said «we will go. Now.» Then left.", "He said „we will go. Now.“ Then left."):
        (s, e), = segment.quote_regions(text)
        assert text[s + 1 : e - 1] == "we will go. Now."


def test_apostrophes_are_not_quotes() -> None:
    assert segment.quote_regions("Ukraine’s army and France’s navy met.") == []


@pytest.mark.slow
def test_multi_sentence_quote_stays_in_one_sentence(analyse) -> None:  # type: ignore[no-untyped-def]
    text = (
        '"We will not give up. We will rebuild the bridge," the mayor said. "It is ours."\n'
        "The council meets on Friday. It will vote on the budget."
    )
    an = analyse((make_article(text, "s"), make_article("Another article. With two sentences.", "t")), upto="segment")
    sents = [s.text for s in an.sentences["s"]]
    assert sents[0] == '"We will not give up. We will rebuild the bridge," the mayor said. "It is ours."'
    assert sents[1:] == ["The council meets on Friday.", "It will vote on the budget."]
    assert {s.paragraph for s in an.sentences["s"]} == {0, 1}
    for s in an.sentences["s"]:
        assert an.articles[0].text[s.span.start : s.span.end] == s.text
