"""Events: agents, actions and dates of a claim, and when two claims report one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from counterpoint.align import decide
from counterpoint.events import Event, date_clash, event_of, match, same_quote
from counterpoint.model import Analysis
from counterpoint.similarity import FEATURES, Info, Linear, Model

D = dt.date


def _model(sim: float, prob: float = 0.0) -> Model:
    """A model whose STS similarity is ``sim`` and paraphrase score ``prob`` for any pair."""
    n = len(FEATURES)
    flat = (0.0,) * n, (1.0,) * n, (0.0,) * n
    logit = 30.0 if prob >= 0.5 else -30.0
    return Model(Linear(*flat, logit), Linear(*flat, sim), 0.5, 3.0, 2.0)


def _info(ents: dict[str, str] | None = None) -> Info:
    return Info("x", frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), ents or {}, {}, False, 1)


def ev(agents: set[str], acts: set[str], nouns: frozenset[str] = frozenset(), **kw: object) -> Event:
    """An event whose agents (ids, or ``~lemma`` when unnamed) do every action in their clause."""
    named = frozenset(a for a in agents if not a.startswith("~"))
    return Event(agents=named, nominal_agents=frozenset(a[1:] for a in agents if a.startswith("~")),
                 actions=frozenset(acts), nouns=nouns, does=frozenset((a, v) for a in agents for v in acts),
                 names=frozenset((a, n) for a in agents for n in nouns), **kw)  # type: ignore[arg-type]


MACRON_FEB = ev({"E13"}, {"send"}, speakers=frozenset({"E13"}), months=frozenset({"february"}))
MACRON_MAY = ev({"E13"}, {"send", "stand"}, speakers=frozenset({"E13"}), months=frozenset({"may"}))
MINISTRY = ev({"E21"}, {"convene"}, speakers=frozenset({"E21"}), months=frozenset({"february"}))


def test_dates_clash_only_when_both_sides_date_the_event() -> None:
    assert date_clash(Event(when=((D(2025, 3, 10), D(2025, 3, 10)),)), Event(when=((D(2025, 3, 11), D(2025, 3, 11)),)))
    assert not date_clash(Event(when=((D(2025, 3, 10), D(2025, 3, 10)),)), Event(when=((D(2025, 3, 10), D(2025, 3, 16)),)))
    assert date_clash(MACRON_FEB, MACRON_MAY)  # February vs May, years unresolved
    assert not date_clash(MACRON_FEB, Event())  # an undated claim never blocks


def test_same_agent_and_action_is_one_event_unless_dated_apart() -> None:
    same = match(MACRON_FEB, ev({"E13", "E8"}, {"send", "spark"}))
    assert same.same_event and same.bound == ("send",)
    # the same agent and the same action, but the action is another agent's (NATO sends)
    argued = Event(agents=frozenset({"E13", "E8"}), actions=frozenset({"argue", "send"}),
                   does=frozenset({("E13", "argue"), ("E8", "send")}))
    apart = match(argued, ev({"E13"}, {"send"}))
    assert apart.agents == {"E13"} and apart.actions == ("send",)
    assert not apart.bound and not apart.same_event
    assert not match(MACRON_FEB, MACRON_MAY).same_event  # Macron said it again, in May
    other = match(MACRON_FEB, MINISTRY)  # same participants, another agent's act
    assert not other.same_event and other.agent_clash


def test_backdrop_and_nationality_adjectives_are_no_agents() -> None:
    a = ev({"E1", "E3"}, {"train"}, weak=frozenset({"E3"}))
    b = ev({"E1", "E3"}, {"train"}, weak=frozenset({"E3"}))
    assert not match(a, b, frozenset({"E1"})).same_event
    assert match(a, b).same_event


def test_unnamed_agent_matches_named_head_and_nominalised_action() -> None:
    workers = ev({"~worker"}, {"walkout", "halt"})
    joined = ev({"~worker"}, {"join"}, nouns=frozenset({"walkout"}))
    m = match(workers, joined)
    assert m.nominal_agent and m.bound_unnamed == ("walkout",) and not m.bound
    assert not match(workers, ev({"~owner"}, {"join"}, nouns=frozenset({"walkout"}))).bound_unnamed
    # "a climber fell" twice may be two falls: the same day, or wording that shares details
    x = [0.0] * len(FEATURES)
    day = Info("x", frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), {}, {"2025-03-10": "10 March"},
               False, 1)
    assert decide(_model(0.5), x, m, day, day)[0] == "shared"
    assert decide(_model(1.5), x, m, _info(), _info())[0] is None
    assert decide(_model(2.1), x, m, _info(), _info())[0] == "shared"
    authority = Event(agents=frozenset({"E1"}), agent_heads=frozenset({"authority"}))
    assert match(Event(nominal_agents=frozenset({"authority"})), authority).nominal_agent


def test_the_same_quoted_words_are_one_statement() -> None:
    a = Event(quotes=(("this agreement shows that patience pays", 3),))
    b = Event(quotes=(("patience pays", 2),))
    assert same_quote(a, b) and match(a, b).same_event
    assert not same_quote(Event(quotes=(("we will", 0),)), Event(quotes=(("we will win", 1),)))


def test_two_direct_quotes_of_one_speaker_are_two_statements() -> None:
    a = Event(agents=frozenset({"E2"}), speakers=frozenset({"E2"}), direct=True)
    b = Event(agents=frozenset({"E2"}), speakers=frozenset({"E2"}))
    assert not match(a, b).same_speaker
    assert match(b, b).same_speaker and match(b, b).same_event


def test_decide_needs_the_same_event_below_the_shared_cut() -> None:
    x = [0.0] * len(FEATURES)
    ents = _info({"E13": "Emmanuel Macron", "E21": "France's Defense Ministry"})
    assert decide(_model(1.5), x, match(MACRON_FEB, MACRON_FEB), ents, ents)[0] == "shared"
    assert decide(_model(1.5), x, match(MACRON_FEB, MINISTRY), ents, ents)[0] is None
    assert decide(_model(2.2), x, match(MACRON_FEB, MACRON_MAY), ents, ents)[0] == "related"
    # an MSRP paraphrase is shared, unless its dates cannot meet
    assert decide(_model(2.2, prob=0.9), x, match(MACRON_FEB, MINISTRY), ents, ents)[0] == "shared"
    assert decide(_model(2.2, prob=0.9), x, match(MACRON_FEB, MACRON_MAY), ents, ents)[0] == "related"
    # sharing only the backdrop needs more than "shares some details"
    bare = _info({"E1": "Ukraine"})
    none = match(Event(), Event())
    assert decide(_model(2.2), x, none, bare, bare, frozenset({"E1"}))[0] is None
    assert decide(_model(2.2), x, none, bare, bare)[0] == "related"
    assert decide(_model(2.6), x, none, bare, bare, frozenset({"E1"}))[0] == "related"
    assert decide(_model(3.2), x, match(MACRON_FEB, MACRON_MAY), ents, ents)[0] == "shared"
    # nobody named acting on one side: two named participants (not the setting) stand in
    two = _info({"E13": "Emmanuel Macron", "E8": "NATO", "E1": "Ukraine"})
    agentless = match(MACRON_FEB, Event())
    assert decide(_model(1.5), x, agentless, two, two, frozenset({"E1"}))[0] == "shared"
    assert decide(_model(1.5), x, agentless, two, two, frozenset({"E1", "E8"}))[0] is None


@pytest.mark.slow
def test_event_of_reads_agents_speakers_and_the_event_date(resources) -> None:
    text = ("Syrsky, who was made Ukraine's top general in February, said on Monday that he had signed "
            "the papers. France is planning to send instructors to Ukraine, Commander Oleksandr Syrskyi said.")
    doc = resources.nlp(text)
    rows = [(0, 6, "E2", "PERSON"), (text.index("Oleksandr"), text.index(" said."), "E2", "PERSON"),
            (text.index("France"), text.index("France") + 6, "E16", "GPE")]
    cut = text.index("France")
    first = event_of(doc, 0, cut - 1, rows, [])
    assert first.agents == {"E2"} and first.speakers == {"E2"} and "sign" in first.actions
    second = event_of(doc, cut, len(text), rows, [])
    assert "E2" in second.speakers  # the name before a subjectless "said" is its speaker
    assert {"E2", "E16"} <= second.agents


@pytest.mark.slow
def test_demo_walkout_counts_are_one_event_in_conflict(analyse: Callable[..., Analysis], demo_articles) -> None:
    an = analyse(demo_articles, upto="conflicts")
    pairs = {(an.text_of(al.a)[:20], an.text_of(al.b)[:20]): al for al in an.alignments}
    walkout = [al for (x, y), al in pairs.items() if {x[:5], y[:5]} == {"About", "Rough"}]
    assert walkout and walkout[0].relation == "conflict" and walkout[0].dimension == "number"
    vass = [al for al in an.alignments if "resume on Friday" in an.text_of(al.a) + an.text_of(al.b)]
    assert vass and vass[0].relation == "shared" and "same agent (Henrik Vass)" in vass[0].why


@pytest.mark.slow
def test_date_attachment_terminates_at_the_root(resources) -> None:  # type: ignore[no-untyped-def]
    """A date under a root that is no predicate: the walk up the tree stops at the root (was a hang)."""
    from counterpoint.events import _attached

    doc = resources.parse(["The vote on Monday."])[0]
    monday = next(t for t in doc if t.text == "Monday")
    assert _attached(monday, preds=set(), inside={t.i for t in doc}) is False


def test_near_pair_with_a_shared_figure_is_related_unless_agents_clash() -> None:
    x = [0.0] * len(FEATURES)
    fig = Info("x", frozenset(), frozenset(), frozenset(), frozenset(), frozenset({3.0}), {}, {}, False, 1)
    none = match(Event(), Event())
    assert decide(_model(1.7), x, none, fig, fig)[0] == "related"
    assert decide(_model(1.2), x, none, fig, fig)[0] is None  # not halfway to "shares details"
    assert decide(_model(1.7), x, match(MACRON_FEB, MINISTRY), fig, fig)[0] is None


def test_claim_inside_a_longer_quotation_keeps_its_quote() -> None:
    from counterpoint.events import clipped_regions

    text = 'Intro line.\n"We will win. But we have work to do," he said.\nNext "bit" here.'
    second = text.index("But")
    end = text.index('," he')
    assert clipped_regions(text, second, end + 2) == [(second, end + 2)]  # up to the closing mark
    assert clipped_regions(text, 0, 11) == []  # the paragraph before has no quotation


def _speaker_rows(text: str, quotes: list[tuple[int, int, str]], speakers: dict[str, tuple[str, str, str]]) -> list[tuple[int, int, str, str]]:
    """mention_rows of one article: quotations (start, end, speaker id); speakers id -> (name, type, form in text)."""
    from counterpoint.events import mention_rows
    from counterpoint.model import Article, Entity, Mention, Quote, Span

    ents = []
    for eid, (name, kind, form) in speakers.items():
        at = text.rindex(form)
        ents.append(Entity(eid, name, kind, (Mention(Span("a", at, at + len(form)), form, kind),)))
    qs = tuple(Quote(f"Q{k}", Span("a", s, e), text[s:e], speaker_entity=eid or None) for k, (s, e, eid) in enumerate(quotes))
    return mention_rows(Analysis(articles=(Article("a", text),), entities=tuple(ents), quotes=qs), "a")


def test_a_quotations_first_person_words_stand_for_its_resolved_speaker() -> None:
    text = "“I will not run, and my deputy will,” Alvarez said. I met the US team."
    q_end = text.index(",” Alvarez") + 2
    alvarez = {"E1": ("Maria Alvarez", "PERSON", "Alvarez")}
    rows = _speaker_rows(text, [(0, q_end, "E1")], alvarez)
    speaker_words = sorted(text[s:e] for s, e, eid, _ in rows if eid == "E1" and s < q_end)
    assert speaker_words == ["I", "my"]  # inside the quotation only; "US" is no pronoun
    assert not any(s > q_end and eid == "E1" and text[s:e] == "I" for s, e, eid, _ in rows)
    assert len(_speaker_rows(text, [(0, q_end, "")], alvarez)) == 1  # an unresolved quotation adds nothing


def test_an_organisations_we_stands_for_it_but_a_persons_we_does_not() -> None:
    text = "“We will reopen the bridge and our crews are ready,” the ministry said. “We won,” Alvarez said."
    cut = text.index(" the ministry") + 1
    second = text.index("“We won")
    rows = _speaker_rows(text, [(0, cut - 1, "E1"), (second, second + 10, "E2")],
                         {"E1": ("Ministry of Transport", "ORG", "the ministry"), "E2": ("Maria Alvarez", "PERSON", "Alvarez")})
    assert sorted(text[s:e] for s, e, eid, _ in rows if eid == "E1" and s < cut) == ["We", "our"]
    assert not [r for r in rows if r[2] == "E2" and text[r[0] : r[1]] == "We"]


def test_article_dates_may_be_given_as_iso_strings_and_bad_ones_are_named() -> None:
    from counterpoint.model import Article

    assert Article("a", "x", published="2026-03-03").published == dt.date(2026, 3, 3)
    assert Article("a", "x", published=dt.datetime(2026, 3, 3, 12)).published == dt.date(2026, 3, 3)
    with pytest.raises(ValueError, match="published must be a date"):
        Article("a", "x", published="last Tuesday")
