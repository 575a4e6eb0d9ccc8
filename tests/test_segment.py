"""Segmentation: sentences never split a quotation, paragraphs always split."""

from __future__ import annotations

import pytest

from counterpoint import segment
from counterpoint.segment import is_title_case, sentence_case
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


def test_title_case_headline_is_recognised_and_sentence_cased_keeping_names() -> None:
    line = "Representative Apologizes for Criticizing Iowa Senator"
    assert is_title_case(line)
    assert not is_title_case("Dem running for Senate in Iowa mocks Grassley as farmer")
    assert not is_title_case("The mayor said on Monday that the bridge would reopen.")
    iowa = line.index("Iowa")
    cased = sentence_case(line, [(iowa, iowa + 4)])
    assert cased == "Representative apologizes for criticizing Iowa senator"
    assert len(cased) == len(line)  # offsets of the article hold
    assert sentence_case("Boehner Sees G.O.P. Loss", []) == "Boehner sees G.O.P. loss"


def test_a_curly_quote_closed_by_a_straight_mark_ends_there() -> None:
    from counterpoint.segment import quote_regions

    text = '“It is over," the mayor said. Then he left. “We will see.”'
    assert [text[a:b] for a, b in quote_regions(text)] == ['“It is over,"', "“We will see.”"]
    plain = "He said “yes” and left."
    assert [plain[a:b] for a, b in quote_regions(plain)] == ["“yes”"]


def test_ents_in_and_text_of_match_spacy_without_rescanning_the_doc() -> None:
    from counterpoint.resources import default
    from counterpoint.segment import ents_in, text_of

    doc = default().nlp("Roughly 900 workers in Kyiv lost $5 million on Monday. Then 40 more left New York City.")
    labels = ("CARDINAL", "MONEY", "GPE")
    for sent in [doc[:], *doc.sents, doc[1:4]]:
        want = [(e.start, e.end, e.label_) for e in sent.ents if e.label_ in labels]
        assert [(e.start, e.end, e.label_) for e in ents_in(sent, labels)] == want
    assert text_of(doc) == doc.text and text_of(doc) is text_of(doc)
