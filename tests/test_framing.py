"""Framing: naming choices on both sides, loaded terms, sources, hedges, emphasis, profiles."""

from __future__ import annotations

from typing import Any

import pytest

from counterpoint import framing
from counterpoint.model import Alignment, Analysis, Article, Entity, FramingMark, Mention, Span
from counterpoint.resources import Resources


def _mention(text: str, aid: str, form: str, label: str = "GPE") -> Mention:
    start = text.index(form)
    return Mention(Span(aid, start, start + len(form)), form, label)


def test_spelling_variants_are_transliterations_not_different_names() -> None:
    assert framing.spelling_variants("kiev", "kyiv")
    assert framing.spelling_variants("syrsky", "syrskyi")
    assert framing.spelling_variants("odessa", "odesa")
    assert framing.spelling_variants("aleksandr", "oleksandr")
    assert not framing.spelling_variants("moscow", "kyiv")
    assert not framing.spelling_variants("macron", "macron")
    assert not framing.spelling_variants("paris", "london")


def test_naming_marks_both_sides_with_notes() -> None:
    a = Article("a", "Troops left Kharkov on Monday. Kharkov was calm.", outlet="Outlet A")
    b = Article("b", "Troops left Kharkiv on Monday, officials in Kharkiv said.", outlet="Outlet B")
    ent = Entity("E1", "Kharkiv", "GPE", (_mention(a.text, "a", "Kharkov"), _mention(b.text, "b", "Kharkiv")))
    same = Entity("E2", "Monday", "DATE", (_mention(a.text, "a", "Monday"), _mention(b.text, "b", "Monday")))
    marks = framing.naming_marks(Analysis(articles=(a, b), entities=(ent, same)))
    by_article = {m.span.article: m for m in marks}
    assert set(by_article) == {"a", "b"}
    assert by_article["a"].text == "Kharkov" and by_article["b"].text == "Kharkiv"
    assert "Outlet B writes 'Kharkiv'" in by_article["a"].note
    assert "Outlet A writes 'Kharkov'" in by_article["b"].note
    assert all(m.entity == "E1" and m.kind == "naming" for m in marks)


def test_naming_ignores_short_and_full_forms_of_one_spelling() -> None:
    a = Article("a", "Emmanuel Macron spoke. Macron left.")
    b = Article("b", "Macron spoke.")
    ms = (_mention(a.text, "a", "Emmanuel Macron", "PERSON"), _mention(b.text, "b", "Macron", "PERSON"))
    assert framing.naming_marks(Analysis(articles=(a, b), entities=(Entity("E1", "Macron", "PERSON", ms),))) == []


@pytest.fixture(scope="module")
def nlp(resources: Resources) -> Any:
    return resources.nlp


def _texts(marks: list[FramingMark], kind: str) -> list[str]:
    return [m.text for m in marks if m.kind == kind]


@pytest.mark.slow
def test_loaded_terms_found_with_lemmas_and_phrases(nlp: Any) -> None:
    doc = nlp("The regime sent mercenaries. The senator lashed out at critics in a bizarre tirade.")
    marks = framing.loaded_marks(doc, "a")
    found = _texts(marks, "loaded")
    assert {"regime", "mercenaries", "lashed out", "bizarre", "tirade"} <= set(found)
    doc2 = nlp("He mocked the senator. Her aide fired back on Tuesday. The group vowed to fight on.")
    assert {"mocked", "fired back", "vowed"} <= set(_texts(framing.loaded_marks(doc2, "a"), "loaded"))
    merc = next(m for m in marks if m.text == "mercenaries")
    assert "neutral: 'foreign fighter'" in merc.note
    assert doc.text[merc.span.start : merc.span.end] == "mercenaries"


@pytest.mark.slow
def test_euphemisms_are_flagged_with_the_plain_word(nlp: Any) -> None:
    marks = framing.loaded_marks(nlp("Troops neutralized the gunmen during the special military operation."), "a")
    notes = {m.text: m.note for m in marks}
    assert "neutral: 'kill'" in notes["neutralized"]
    assert "neutral: 'invasion'" in notes["special military operation"]


@pytest.mark.slow
def test_neutral_text_is_not_flagged(nlp: Any) -> None:
    doc = nlp("The government said on Tuesday that 40 soldiers would travel to the training centre in May.")
    assert framing.loaded_marks(doc, "a") == []


@pytest.mark.slow
def test_sentiment_lexicon_flags_negative_judgements_not_facts(nlp: Any) -> None:
    judged = framing.loaded_marks(nlp("Critics called the policy cruel and the response pathetic."), "a")
    assert {"cruel", "pathetic"} <= set(_texts(judged, "loaded"))
    assert all("sentiment lexicon" in m.note for m in judged)
    facts = framing.loaded_marks(nlp("Two people were dead and three were injured; the active unit left."), "a")
    assert facts == []


@pytest.mark.slow
def test_verb_only_terms_need_a_verb(nlp: Any) -> None:
    verb = framing.loaded_marks(nlp("The minister slammed the plan."), "a")
    noun = framing.loaded_marks(nlp("A blast hit the depot."), "a")
    assert _texts(verb, "loaded") == ["slammed"]
    assert noun == []


@pytest.mark.slow
def test_loaded_word_in_a_quotation_is_noted_as_quoted(nlp: Any) -> None:
    text = 'He said they were "mercenaries" paid by others.'
    marks = framing.loaded_marks(nlp(text), "a", framing.quote_regions(text))
    assert "inside a quotation" in marks[0].note


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "source", "kind"),
    [
        ("The plan was dropped, Reuters reported on Friday.", "Reuters", "news agency"),
        ("Troops were moved, according to the Washington Post.", "the Washington Post", "news outlet"),
        ("The ministry told AFP that no decision was made.", "AFP", "news agency"),
        ("The mayor wrote on Telegram that the bridge was closed.", "Telegram", "social media"),
        ("Sources familiar with the talks said a deal was near.", "Sources", "anonymous source"),
        ("The agency said, citing sources, that talks stalled.", "sources", "anonymous source"),
        ("Germany's Foreign Ministry said the embassy would stay open.", "Germany's Foreign Ministry", "official or institution"),
        ("The Daily Chronicle reported that the fire spread.", "The Daily Chronicle", "news outlet"),
        ("The figures were first reported by the Financial Times.", "the Financial Times", "news outlet"),
        ("Zelensky, cited by Ukrinform, said the talks would resume.", "Ukrinform", "news agency"),
        ("He said in an interview with CNN that he would run.", "CNN", "news outlet"),
        ("Peskov told state news agency RIA Novosti that the offer stands.", "RIA Novosti", "news agency"),
        ("A spokesman fired back, telling FoxNews.com that the claim was false.", "FoxNews.com", "news outlet"),
    ],
)
def test_sourcing_patterns(nlp: Any, sentence: str, source: str, kind: str) -> None:
    marks = framing.sourcing_marks(nlp(sentence), "a")
    hits = [m for m in marks if m.text == source]
    assert hits, [(m.text, m.note) for m in marks]
    assert hits[0].note.startswith(kind)


@pytest.mark.slow
def test_person_speaker_is_not_a_cited_source(nlp: Any) -> None:
    assert framing.sourcing_marks(nlp("John Smith said the road was closed."), "a") == []


@pytest.mark.slow
def test_hedges(nlp: Any) -> None:
    doc = nlp("The troops reportedly crossed the river. He claimed that the shelling stopped. The base is said to be empty.")
    found = _texts(framing.hedge_marks(doc, "a"), "hedge")
    assert {"reportedly", "claimed", "is said to"} <= set(found)


@pytest.mark.slow
def test_claim_without_a_statement_is_no_hedge(nlp: Any) -> None:
    doc = nlp("The group claimed responsibility. The minister said the talks ended.")
    assert framing.hedge_marks(doc, "a") == []


@pytest.mark.slow
def test_unnamed_sources_are_sourcing_and_hedge(nlp: Any) -> None:
    doc = nlp("“My sources informed me that the team left,” the deputy wrote.")
    marks = framing.sourcing_marks(doc, "a")
    assert any(m.kind == "sourcing" and m.note.startswith("anonymous source") for m in marks)
    assert any(m.kind == "hedge" and m.text == "My sources informed me" for m in marks)


class _FakeResources(Resources):
    """Real spaCy; embeddings that make 'faulted' the nearest word to 'slammed'."""

    def embed(self, texts: Any) -> Any:
        import numpy as np

        vecs = np.array([[1.0, 0.0] if t in ("faulted", "slammed") else [0.0, 1.0] for t in texts])
        return vecs


@pytest.mark.slow
def test_run_adds_counterparts_emphasis_and_profiles(resources: Resources) -> None:
    fake = _FakeResources()
    fake.__dict__["nlp"] = resources.nlp
    a = Article("a", "Reuters reported the news. The mayor spoke. Mercenaries attacked the town.", outlet="A")
    b = Article("b", "Foreign fighters attacked the town on Monday. Police said two died.", outlet="B")
    from counterpoint import segment

    an = segment.run(Analysis(articles=(a, b)), fake)
    s_a, s_b = an.sentences["a"][2].span, an.sentences["b"][0].span
    al = Alignment("shared", s_a, s_b, 0.9, "same attack")
    an = framing.run(an.update(alignments=(al,), unique=(an.sentences["b"][1].span,)), fake)
    merc = next(m for m in an.framing if m.kind == "loaded" and m.span.article == "a")
    assert "B says 'Foreign fighters'" in merc.note
    lede_b = [m for m in an.framing if m.kind == "emphasis" and m.span.article == "b"]
    assert "A reports it only in sentence 3 of 3" in lede_b[0].note
    assert "no other outlet reports" in lede_b[1].note
    prof = an.extras["framing"]["profiles"]["a"]
    assert prof["counts"]["loaded"] == 1 and prof["top_loaded"] == ["mercenaries"]
    assert prof["sources"] == ["Reuters (news agency)"]


@pytest.mark.slow
def test_counterpart_by_meaning_when_no_neutral_term_is_used(resources: Resources) -> None:
    fake = _FakeResources()
    fake.__dict__["nlp"] = resources.nlp
    a = Article("a", "The mayor slammed the new bridge plan.", outlet="A")
    b = Article("b", "The mayor faulted the new bridge plan.", outlet="B")
    from counterpoint import segment

    an = segment.run(Analysis(articles=(a, b)), fake)
    al = Alignment("shared", an.sentences["a"][0].span, an.sentences["b"][0].span, 0.9, "same")
    an = framing.run(an.update(alignments=(al,)), fake)
    slam = next(m for m in an.framing if m.kind == "loaded")
    assert slam.text == "slammed" and "B says 'faulted'" in slam.note


@pytest.mark.slow
def test_headline_in_text_is_emphasis_and_not_lede(resources: Resources) -> None:
    from counterpoint import segment

    text = "Ferry strike ends\nThe ferry strike ended on Monday. Boats sailed again. Fares rose."
    art = Article("a", text, outlet="A", title="Ferry strike ends")
    an = framing.run(segment.run(Analysis(articles=(art,)), resources), resources)
    emph = [m for m in an.framing if m.kind == "emphasis"]
    assert emph[0].text == "Ferry strike ends" and "headline" in emph[0].note
    assert [m.text for m in emph[1:]] == ["The ferry strike ended on Monday.", "Boats sailed again."]
    assert an.extras["framing"]["profiles"]["a"]["headline"] == "Ferry strike ends"


@pytest.mark.slow
def test_loaded_words_in_headlines_without_verbs(resources: Resources) -> None:
    art = Article("a", "Text.", title="Port authority caves to union after blockade")
    assert framing.headline_loaded(resources, art) == ["caves"]
    assert framing.headline_loaded(resources, Article("b", "Text.", title="Port authority agrees pay rise")) == []


@pytest.mark.slow
def test_according_to_any_document_is_a_source(nlp: Any) -> None:
    marks = framing.sourcing_marks(nlp("Prices rose 4 percent, according to the latest survey."), "a")
    assert [(m.text, m.note.split(":")[0]) for m in marks] == [("the latest survey", "other source")]


@pytest.mark.slow
def test_empty_and_single_articles_give_empty_profiles(resources: Resources) -> None:
    from counterpoint import segment

    arts = (Article("a", ""), Article("b", "Nothing happened today."))
    an = framing.run(segment.run(Analysis(articles=arts), resources), resources)
    assert [m for m in an.framing if m.kind != "emphasis"] == []
    assert an.extras["framing"]["profiles"]["a"]["counts"]["loaded"] == 0
