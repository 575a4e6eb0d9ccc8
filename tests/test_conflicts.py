"""Conflicts: what two aligned claims cannot both say, and what they may."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import pytest

from counterpoint import conflicts, ingest
from counterpoint.model import Alignment, Analysis
from counterpoint.pipeline import run_pipeline
from counterpoint.resources import Resources


def test_parse_number_keeps_its_precision() -> None:
    assert conflicts.parse_number("150,000") == (150000.0, 10000.0)
    assert conflicts.parse_number("1.5 million") == (1500000.0, 100000.0)
    assert conflicts.parse_number("$275m") == (275e6, 1e6)
    assert conflicts.parse_number("three") == (3.0, 1.0)
    assert conflicts.parse_number("several") is None


def q(value: float, step: float, kind: str = "exact") -> conflicts.Quantity:
    return conflicts.Quantity("x", value, step, kind, "soldier", "send")


def test_intervals_allow_rounding_and_qualifiers() -> None:
    lo, hi = q(75, 1).interval(coarse=True)  # "75 percent" may be a truncated 75.88 %
    assert lo <= 75.88 <= hi
    assert q(12, 1).interval(False)[1] < q(13, 1).interval(False)[0]  # 12 and 13 do not meet
    assert q(150, 10, "approx").interval(False) == pytest.approx((135, 165))
    assert q(900, 100, "approx").interval(False) == pytest.approx((800, 1000))
    assert q(12, 1, "lower").interval(False)[1] == float("inf")
    assert q(20, 10, "upper").interval(False)[0] == 0.0


def test_finding_names_dimension_and_both_values() -> None:
    f = conflicts.Finding("number", "'12 people'", "'20 people'")
    why = f.why("RT", "KI")
    assert "number" in why and "'12 people'" in why and "'20 people'" in why


def test_no_nli_model_without_a_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(conflicts.NLI_ENV, raising=False)
    assert conflicts.load_nli() is None


# ---- pairs of sentences (spaCy) ------------------------------------------------------------


@pytest.fixture(scope="module")
def pair(resources: Resources):  # type: ignore[no-untyped-def]
    def detect(a: str, b: str, relation: str = "shared") -> conflicts.Finding | None:
        va = conflicts.view_of_text(resources.nlp, a, "a")
        vb = conflicts.view_of_text(resources.nlp, b, "b")
        return conflicts.detect(va, vb, relation)

    return detect


@pytest.mark.slow
def test_status_under_way_vs_still_discussed(pair) -> None:  # type: ignore[no-untyped-def]
    f = pair(
        "Officials say the first convoy of aid trucks is already on its way to Gaza.",
        "The ministry confirmed that talks about aid trucks for Gaza are still ongoing.",
        "related",
    )
    assert f is not None and f.dimension == "status"
    assert "already on its way" in f.a_value and "still ongoing" in f.b_value
    # The reverse order names the sides the other way round.
    g = pair(
        "The ministry confirmed that talks about aid trucks for Gaza are still ongoing.",
        "Officials say the first convoy of aid trucks is already on its way to Gaza.",
        "related",
    )
    assert g is not None and "still ongoing" in g.a_value


@pytest.mark.slow
@pytest.mark.parametrize(
    "a, b",
    [
        ("Negotiations on the budget continue.", "Parliament approved the budget on Friday."),
        ("No decision has been made on sending troops.", "The troops have already arrived in the capital."),
        ("The army plans to send soldiers to the region.", "The army has sent 300 soldiers to the region."),
    ],
)
def test_status_stages_that_exclude_each_other(pair, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    f = pair(a, b, "related")
    assert f is not None and f.dimension == "status"


@pytest.mark.slow
def test_confirmed_vs_denied_by_the_same_speaker(pair) -> None:  # type: ignore[no-untyped-def]
    f = pair(
        "The ministry denied that troops had been sent to the border.",
        "The ministry confirmed that troops had been sent to the border.",
        "related",
    )
    assert f is not None and f.dimension == "negation" and "denied" in f.a_value


@pytest.mark.slow
def test_status_needs_a_shared_topic(pair) -> None:  # type: ignore[no-untyped-def]
    # Personnel already active vs talks about instructors: different things, no conflict.
    assert pair(
        "Western military personnel are already on their way to the region.",
        "Discussions about foreign instructors to train soldiers are still ongoing.",
        "related",
    ) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "a, b",
    [
        ("About 150 soldiers were sent to the border.", "The army sent 148 soldiers to the border."),
        ("At least 12 people were killed in the attack.", "The attack killed 15 people."),
        ("The company paid $1.5 million for the site.", "The company paid $1,500,000 for the site."),
        ("Shares of Acme fell 49 cents in early trading.", "Acme shares fell 2 cents in late trading."),
    ],
)
def test_numbers_within_tolerance_agree(pair, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    assert pair(a, b) is None


@pytest.mark.slow
def test_numbers_far_apart_conflict(pair) -> None:  # type: ignore[no-untyped-def]
    f = pair("Twelve people were killed in the attack.", "The attack killed 40 people.")
    assert f is not None and f.dimension == "number"
    assert "Twelve" in f.a_value and "40" in f.b_value
    # Two round figures, each "about", still cannot both hold.
    g = pair("Roughly 900 dockers joined the strike on Monday.", "About 1,200 dockers walked out on Monday.")
    assert g is not None and g.dimension == "number"
    assert "roughly 900" in g.a_value.lower() and "About 1,200" in g.b_value


@pytest.mark.slow
def test_negation_of_the_same_predicate(pair) -> None:  # type: ignore[no-untyped-def]
    f = pair("The company sold the factory to Siemens.", "The company did not sell the factory.")
    assert f is not None and f.dimension == "negation"
    assert "not" in f.b_value and "not" not in f.a_value


@pytest.mark.slow
def test_denial_against_an_attributed_claim_is_no_conflict(pair) -> None:  # type: ignore[no-untyped-def]
    assert pair(
        "The minister denied the allegations that he took bribes from the contractor.",
        "Prosecutors allege that the minister took bribes from the contractor.",
        "related",
    ) is None
    f = pair(
        "The minister denied the allegations that he took bribes from the contractor.",
        "The minister took bribes from the contractor in 2019.",
        "related",
    )
    assert f is not None and f.dimension == "negation"


@pytest.mark.slow
def test_denial_against_words_the_other_side_only_quotes_is_no_conflict(pair) -> None:  # type: ignore[no-untyped-def]
    # Found on a real pair: a quoted tweet calling the inquiry a "Witch Hunt" and a "Hoax"
    # against a report that his allies called it a "witch hunt".
    denial = '"Strzok was in charge of the Witch Hunt. It is a total Hoax," the president wrote.'
    assert pair(denial, 'His allies assailed the Russia investigation as an illegitimate "witch hunt".', "related") is None
    # The same words in the outlet's own voice still conflict with the denial.
    f = pair(denial, "Strzok was in charge of the witch hunt for months.", "related")
    assert f is not None and f.dimension == "negation"


@pytest.mark.slow
def test_whose_act_must_be_known_for_a_negation(pair) -> None:  # type: ignore[no-untyped-def]
    # Found on a real pair (the Weiner photo): a pronoun doer is not the same doer.
    said = "The congressman said he is certain he did not send the photo to the student."
    assert pair(said, "A hacker who had then sent the photo to the student was never found.", "related") is None
    f = pair("The congressman did not send the photo to the student.",
             "The congressman sent the photo to the student on Friday.", "related")
    assert f is not None and f.dimension == "negation"


@pytest.mark.slow
def test_denial_is_about_what_is_denied_not_the_running_subject(pair) -> None:  # type: ignore[no-untyped-def]
    # The denier's own description ("trying to put to rest ...") is not what is denied.
    denial = ("The senator, trying to calm a scandal that threatens his bid for mayor of Springfield, "
              "denied on Wednesday that he had taken the money.")
    assert pair(denial, "He lost his first bid for mayor of Springfield in 2005.", "related") is None
    f = pair(denial, "The senator had taken the money from a lobbyist in March.", "related")
    assert f is not None and f.dimension == "negation"


@pytest.mark.slow
def test_a_sentence_that_negates_the_matter_does_not_assert_it(pair) -> None:  # type: ignore[no-untyped-def]
    assert pair("The mayor called the bribery story a fabricated hoax.",
                "Investigators did not find that the mayor took a bribery payment.", "related") is None


@pytest.mark.slow
def test_counts_conflict_in_a_related_pair_only_for_the_same_act_and_places(pair) -> None:  # type: ignore[no-untyped-def]
    a = "About 140 homes were flooded and 310 residents were evacuated, according to the rescue service."
    f = pair(a, "According to the village council, more than 400 homes were flooded.", "related")
    assert f is not None and f.dimension == "number"
    # Another act, or a count for named places the other does not name: no conflict.
    assert pair(a, "More than 400 homes were damaged by the storm.", "related") is None
    assert pair(a, "More than 400 homes were flooded in Sosnivka and Kamianka.", "related") is None


@pytest.mark.slow
def test_odds_are_not_counts(pair) -> None:  # type: ignore[no-untyped-def]
    # Found on a real pair: a headline's "1 In 3 Chance" against "a one-in-three chance".
    assert pair("Boehner Sees 1 In 3 Chance GOP Will Lose House",
                "Boehner said there was a one-in-three chance that the party could lose the House.") is None
    assert pair("Two out of three donors gave less than 100 dollars.",
                "Two out of three donors gave less than 100 dollars, the report said.") is None
    f = pair("Three plants were built in March.", "Five plants were built in March.")
    assert f is not None and f.dimension == "number"


@pytest.mark.slow
def test_rejecting_a_suggestion_is_not_denying_a_fact(pair) -> None:  # type: ignore[no-untyped-def]
    # Found on a real pair: "Some Republicans also rejected Mr. Trump's suggestion".
    fact = "On Tuesday the president announced a plan to end the program, and Republicans met him."
    assert pair("Some Republicans also rejected the president's suggestion on Tuesday.", fact, "related") is None
    f = pair("The ministry rejected suggestions that the plant leaked radioactive water.",
             "The plant leaked radioactive water into the river.", "related")
    assert f is not None and f.dimension == "negation"


@pytest.mark.slow
def test_swapped_roles(pair) -> None:  # type: ignore[no-untyped-def]
    f = pair("Germany defeated France in the final.", "France defeated Germany in the final.")
    assert f is not None and f.dimension == "role"


@pytest.mark.slow
@pytest.mark.parametrize(
    "a, b",
    [
        # Two true descriptions of one person.
        ("Comey, who led the Clinton email investigation, testified on Thursday.",
         "Comey, who was leading the Russia investigation, testified on Thursday."),
        # Paraphrase.
        ("France is planning to send instructors to Ukraine.",
         "Paris intends to dispatch military trainers to Ukraine, officials said."),
        # More detail on one side.
        ("The president signed the bill.",
         "The president signed the bill on Tuesday after weeks of debate, aides said."),
        # Permission to visit vs a plan to send: different events.
        ("Syrsky said he had signed the papers allowing instructors from France to visit.",
         "France is planning to send instructors to Ukraine, Syrskyi said."),
        # A repeated statement has two dates, both true.
        ("In February 2024, Macron said he could not rule out sending troops.",
         "Macron stood by his suggestion, saying again in May 2024 that he would consider sending troops."),
        # A further batch is planned after the first arrived.
        ("The army has sent 300 soldiers to the region.",
         "The army plans to send more soldiers to the region next month."),
        # Talks about one thing, a deal on another.
        ("Negotiations on the budget continue.", "Parliament approved the new road plan on Friday."),
        # "could not rule out" vs "considered": no shared predicate to negate.
        ("Macron said he could not rule out sending troops to Ukraine.",
         "Macron considered the possibility of sending troops to Ukraine."),
    ],
)
def test_no_conflict_on_paraphrase_or_detail(pair, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    assert pair(a, b) is None
    assert pair(b, a) is None


# ---- the stage ------------------------------------------------------------------------------


def _analysis(resources: Resources, a: str, b: str, pub_a: dt.date | None, pub_b: dt.date | None) -> Analysis:
    arts = (
        ingest.make_article(a, article_id="rt", published=pub_a, outlet="RT"),
        ingest.make_article(b, article_id="ki", published=pub_b, outlet="KI"),
    )
    return run_pipeline(Analysis(articles=arts), resources, ["segment", "times"])


def _align(an: Analysis, relation: str = "shared") -> Analysis:
    (sa,), (sb,) = an.sentences["rt"], an.sentences["ki"]
    return an.update(alignments=(Alignment(relation, sa.span, sb.span, 0.8, "same fact"),))


RT_SAID = "Syrsky said on {day} that he had signed the papers."
KI_SAID = "Syrskyi said on May 27 that he had signed the documents."


@pytest.mark.slow
def test_weekday_and_date_of_the_same_day_agree(resources: Resources) -> None:
    an = _align(_analysis(resources, RT_SAID.format(day="Monday"), KI_SAID, dt.date(2024, 5, 31), dt.date(2024, 5, 28)))
    out = conflicts.run(an, resources)
    assert [al.relation for al in out.alignments] == ["shared"]


@pytest.mark.slow
def test_different_days_conflict_only_when_resolved(resources: Resources) -> None:
    rt = RT_SAID.format(day="Wednesday")
    out = conflicts.run(_align(_analysis(resources, rt, KI_SAID, dt.date(2024, 5, 31), dt.date(2024, 5, 28))), resources)
    (al,) = out.alignments
    assert al.relation == "conflict" and al.dimension == "date"
    assert "2024-05-29" in al.why and "2024-05-27" in al.why and "RT" in al.why and "KI" in al.why
    # Without RT's publication date "Wednesday" stays unresolved: no conflict.
    out = conflicts.run(_align(_analysis(resources, rt, KI_SAID, None, dt.date(2024, 5, 28))), resources)
    assert [al.relation for al in out.alignments] == ["shared"]


@pytest.mark.slow
def test_stage_finds_a_conflict_alignment_missed(resources: Resources) -> None:
    an = _analysis(
        resources,
        "Officials say the first convoy of aid trucks is already on its way to Gaza.",
        "The ministry confirmed that talks about aid trucks for Gaza are still ongoing.",
        None,
        None,
    )
    out = conflicts.run(an, resources)
    (al,) = out.alignments
    assert al.relation == "conflict" and al.dimension == "status"
    assert out.extras["conflicts"]["found"][0]["from"] == "unaligned, close"


class FakeNLI:
    def __init__(self, scores: Mapping[str, float]) -> None:
        self._scores = scores

    def scores(self, premise: str, hypothesis: str) -> Mapping[str, float]:
        return self._scores


@pytest.mark.slow
def test_nli_model_vetoes_and_adds(resources: Resources) -> None:
    va = conflicts.view_of_text(resources.nlp, "The company sold the factory to Siemens.", "a")
    vb = conflicts.view_of_text(resources.nlp, "The company did not sell the factory.", "b")
    entail = FakeNLI({"entailment": 0.95, "neutral": 0.03, "contradiction": 0.02})
    assert conflicts.judge(va, vb, "shared", None) is not None
    assert conflicts.judge(va, vb, "shared", entail) is None
    vc = conflicts.view_of_text(resources.nlp, "The plant stays open.", "c")
    contra = FakeNLI({"entailment": 0.01, "neutral": 0.02, "contradiction": 0.97})
    f = conflicts.judge(va, vc, "shared", contra)
    assert f is not None and f.dimension == "contradiction" and "0.97" in f.note



@pytest.mark.slow
@pytest.mark.gold
def test_example_pair_conflicts_and_agreements(example_articles, analyse) -> None:  # type: ignore[no-untyped-def]
    rt, ki = example_articles
    arts = (dataclasses.replace(rt, published=dt.date(2024, 5, 31)), dataclasses.replace(ki, published=dt.date(2024, 5, 28)))
    an = analyse(arts, upto="conflicts")
    found = [(an.text_of(al.a), an.text_of(al.b), al) for al in an.alignments if al.relation == "conflict"]
    # "already on its way" vs "discussions ... are still ongoing" is a status conflict.
    assert any("already on its way" in a and "still ongoing" in b and al.dimension == "status" for a, b, al in found)
    # Syrsky "said on Monday" and Syrskyi "said on May 27" are the same day: never a conflict.
    assert not any("said on Monday" in a or "said on Monday" in b for a, b, _ in found)
    assert not any(al.dimension == "date" for _, _, al in found)


def test_counted_nouns_match_across_languages_by_stem() -> None:
    from counterpoint.conflict_numbers import same_unit, unit_keys

    assert same_unit("home", "домов") and same_unit("домов", "будинків") and same_unit("people", "осіб")
    assert not same_unit("home", "people") and not same_unit("домов", "мешканців")
    # The longest stem decides: a household is not a home.
    assert unit_keys("домохозяйств") == frozenset({"household"})
    assert unit_keys("неизвестное") == frozenset({"неизвестное"})


@pytest.mark.slow
def test_a_count_conflicts_across_languages(resources: Resources) -> None:
    from counterpoint.conflict_base import View
    from counterpoint.model import Span

    def view(text: str, lang: str) -> View:
        doc = resources.parse([text], language=lang)[0]
        return View(Span(lang, 0, len(text)), doc[:], ())

    en = view("About 140 homes were flooded, according to the rescue service.", "en")
    ru = view("По данным сельсовета, в двух сёлах затоплено более 400 домов.", "ru")
    f = conflicts.detect(en, ru, "shared")
    assert f is not None and f.dimension == "number"
    assert conflicts.detect(en, view("По данным сельсовета, затоплено около 150 домов.", "ru"), "shared") is None


@pytest.mark.slow
def test_unaligned_counts_across_languages_are_checked(resources: Resources) -> None:
    from counterpoint import compare
    from counterpoint.ingest import Article

    ru = Article(id="ru", text="По данным сельсовета, в двух сёлах затоплено около 140 домов. Погода улучшится.",
                 language="ru", outlet="A")
    uk = Article(id="uk", text="Мер зустрівся з мешканцями. За даними ДСНС, у двох селах підтоплено понад 400 будинків.",
                 language="uk", outlet="B")
    doc = compare([ru, uk]).to_dict()
    numbers = [a for a in doc["alignments"] if a["relation"] == "conflict" and a.get("dimension") == "number"]
    assert numbers and "140" in numbers[0]["a"]["text"] + numbers[0]["b"]["text"]


def test_the_verdicts_reason_counts_the_final_links() -> None:
    from counterpoint.model import Alignment, SameStory, Span

    a, b = Span("a", 0, 5), Span("b", 0, 5)
    same = SameStory(0.5, True, "4 shared facts; the three closest claim pairs score 0.50 on average", cut=0.4)
    links = [Alignment("shared", a, b, 0.9, ""), Alignment("shared", a, b, 0.8, ""), Alignment("conflict", a, b, 0.7, "")]
    got = conflicts._recount(same, links)
    assert got is not None and got.why == ("2 shared facts, 1 in conflict; the three closest claim pairs score "
                                           "0.50 on average (at or above the related cut 0.40)")
    assert conflicts._recount(None, links) is None
    nothing = SameStory(0.0, False, "nothing to compare")
    assert conflicts._recount(nothing, links) == nothing


@pytest.mark.slow
def test_the_story_running_subject_does_not_make_one_matter(resources: Resources) -> None:
    from counterpoint.conflict_base import View
    from counterpoint.conflict_rules import background, denial_conflict
    from counterpoint.model import Span

    filler = " ".join(f"The mayor told the council about item {k}." for k in range(6))
    a = resources.nlp(filler + " The mayor denied that the council met the developers.")
    b = resources.nlp(filler + " The mayor chaired the council session on parking. The council met the developers in March.")
    assert {"mayor", "council"} <= background(a)

    def view(doc, k):  # type: ignore[no-untyped-def]
        sent = list(doc.sents)[k]
        return View(Span("x", sent.start_char, sent.end_char), sent, ())

    denial = view(a, -1)
    assert denial_conflict(denial, view(b, -2)) is None  # only the mayor and the council in common
    f = denial_conflict(denial, view(b, -1))
    assert f is not None and f.dimension == "negation"
