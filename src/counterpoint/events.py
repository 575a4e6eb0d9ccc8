"""Events: who does what, and when, in a claim, so alignment can tell one event from another.

Two claims report the same fact when they report the same event: the same agent doing the
same thing at a compatible time (the usual test of cross-document event coreference, as in
ECB+: same trigger, same participants, same time). The same participants alone are not
enough: "Macron said in February he could not rule out troops" and "the Defense Ministry said
training was discussed at a conference Macron convened in February" name the same people
but report different acts, by different agents.

From the dependency parse of a claim: its agents (subject of each main predicate, the
"by X" of a passive, the author behind "comments made by X" or "X's remarks"), its
speakers (agents of a verb that reports a clause, "according to X"), its actions (content
verb lemmas, with a particle joined: "walk out" -> "walkout", so the nominalised action on
the other side matches) and the dates on its predicates (not those inside a relative clause
about something else: "Syrsky, who was made top general in February, said on Monday").
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Analysis, TimeExpression
from .segment import quote_regions, text_of

PREDICATE_POS = {"VERB", "AUX"}
# Predicates reached from a claim's top predicate: the reported clause, coordinated and
# adverbial clauses ("France is planning ..., Syrskyi said"; "stood by it, saying in May").
PREDICATE_DEPS = {"ccomp", "conj", "advcl", "xcomp"}
CORE_DEPS = {"compound", "flat", "appos"}  # the words of a name phrase, not its modifiers
# A date under these belongs to a modifier of a participant, not to the event itself.
DETACHED_DEPS = {"relcl", "acl", "appos"}
# Verbs that carry no action of their own (the claim's content is elsewhere).
LIGHT = {"be", "have", "do", "say", "tell", "make", "get", "go", "come", "take", "give", "add",
         # Russian and Ukrainian equivalents (dictionary forms), for parses of those languages
         "быть", "иметь", "сказать", "говорить", "бути", "мати", "сказати", "казати", "говорити"}
# The two commonest reporting verbs: a statement even where the parse misses the clause.
REPORTING = {"say", "tell", "сказать", "заявить", "сообщить", "сказати", "заявити", "повідомити"}
QUOTE_WORDS = 2  # content words a shared verbatim quotation needs ("patience pays")
DIRECT_QUOTE = 0.5  # a claim mostly inside quotation marks (and no reported clause) is a quote
MONTHS = {m.lower() for m in calendar.month_name if m}
# The speaker's own words for themself inside a quotation. A person's "we" may be a party or a
# country; an organisation's "we" is the organisation.
FIRST_PERSON = re.compile(r"\b(?:I|me|my|myself|я|мне|меня|мной|мене|мені)\b")
FIRST_PERSON_PLURAL = re.compile(r"\b(?:[Ww]e|us|[Oo]ur|[Мм][ыи]|нас|нам|[Нн]аш\w*)\b")


@dataclass(frozen=True)
class Event:
    """Who acts, what they do and when, in one claim (entity ids, lemmas, days)."""

    agents: frozenset[str] = frozenset()  # resolved entity ids
    nominal_agents: frozenset[str] = frozenset()  # head lemma of an unnamed subject ("worker")
    agent_heads: frozenset[str] = frozenset()  # head word of each named agent, lower case
    does: frozenset[tuple[str, str]] = frozenset()  # (agent key, action) in the agent's clause
    names: frozenset[tuple[str, str]] = frozenset()  # (agent key, noun) in the agent's clause
    speakers: frozenset[str] = frozenset()  # agents of a reporting verb / "according to X"
    actions: frozenset[str] = frozenset()  # content verb lemmas (particle joined)
    nouns: frozenset[str] = frozenset()  # noun lemmas: where the other side nominalises
    when: tuple[tuple[dt.date, dt.date], ...] = ()  # resolved days of the event's dates
    months: frozenset[str] = frozenset()  # months the event's dates name or fall in
    weak: frozenset[str] = frozenset()  # entities named only as nationality adjectives (NORP)
    direct: bool = False  # the statement is quoted directly (its clause inside quotation marks)
    quotes: tuple[tuple[str, int], ...] = ()  # (quoted words, lower case; content words in it)


@dataclass(frozen=True)
class EventMatch:
    """How two claims' events compare."""

    agents: frozenset[str]  # named agents in common (backdrop excluded)
    agent_clash: bool  # both name agents, none in common
    nominal_agent: bool  # the same unnamed agent ("workers" / "workers")
    actions: tuple[str, ...]  # the same action, as verb or nominalisation
    bound: tuple[str, ...]  # the same action in the clause of a named agent both share
    bound_unnamed: tuple[str, ...]  # the same action of the same unnamed agent ("workers")
    same_quote: bool  # both quote the same words
    same_speaker: bool  # the same named speaker making a statement
    date_clash: bool  # both date the event, on days (or months) that do not meet
    agentless: bool = False  # one side names no agent (the parse found none to compare)
    weak: frozenset[str] = frozenset()  # entities either side names only as an adjective (NORP)

    @property
    def same_event(self) -> bool:
        """The same named agent doing the same thing, the same named speaker's statement, or
        the same quoted words; no disagreement on when. (An unnamed agent, "a climber fell", is weaker evidence:
        :func:`counterpoint.align.decide` asks more of it.)"""
        return bool(self.bound or self.same_speaker or self.same_quote) and not self.date_clash


def mention_rows(analysis: Analysis, article_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, entity id, label) of every resolved mention in one article, plus the
    first-person words of each quotation whose speaker is resolved ("I" for a person, "we"
    for an organisation or a country).

    "I will not run", said Trump, and "Trump said he would not run" then share their agent
    (when the quotes stage has run before alignment, as the default pipeline runs it).
    """
    rows = [
        (m.span.start, m.span.end, e.id, m.label)
        for e in analysis.entities
        for m in e.mentions
        if m.span.article == article_id
    ]
    text = analysis.article(article_id).text
    kinds = {e.id: e.type for e in analysis.entities}
    for q in analysis.quotes:
        if q.span.article != article_id or q.kind == "reported" or not q.speaker_entity:
            continue
        organisation = kinds.get(q.speaker_entity) in ("ORG", "GPE")
        words = FIRST_PERSON_PLURAL if organisation else FIRST_PERSON
        for m in words.finditer(text, q.span.start, q.span.end):
            rows.append((m.start(), m.end(), q.speaker_entity, "ORG" if organisation else "PERSON"))
    return rows


def time_rows(analysis: Analysis, article_id: str) -> list[TimeExpression]:
    """Time expressions of one article."""
    return [t for t in analysis.times if t.span.article == article_id]


def _entity_at(rows: Sequence[tuple[int, int, str, str]], tok: Any) -> str | None:
    """The entity of the smallest mention covering a token."""
    best: tuple[int, str] | None = None
    for s, e, eid, _ in rows:
        if s <= tok.idx < e and (best is None or e - s < best[0]):
            best = (e - s, eid)
    return best[1] if best else None


def _np_entities(tok: Any, rows: Sequence[tuple[int, int, str, str]], depth: int = 0) -> set[str]:
    """Entities a noun phrase names; for a common noun ("comments"), its author."""
    core = [tok, *(c for c in tok.children if c.dep_ in CORE_DEPS)]
    found = {eid for t in core if (eid := _entity_at(rows, t)) is not None}
    if found or depth >= 2:
        return found
    for c in tok.children:
        if c.dep_ == "poss":
            found |= _np_entities(c, rows, depth + 1)
        by = [c] if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by") else []
        if c.dep_ == "acl":
            by = [g for g in c.children if g.dep_ == "agent"]
        for b in by:
            for obj in b.children:
                if obj.dep_ == "pobj":
                    found |= _np_entities(obj, rows, depth + 1)
    return found


def predicates(tokens: Sequence[Any]) -> list[Any]:
    """The claim's top predicates and the clauses they report or coordinate."""
    inside = {t.i for t in tokens}
    top = [t for t in tokens if t.pos_ in PREDICATE_POS and (t.dep_ == "ROOT" or t.head.i not in inside)]
    out, todo = [], list(top)
    while todo:
        t = todo.pop()
        if t in out:
            continue
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ in PREDICATE_DEPS and c.i in inside and c.pos_ in PREDICATE_POS)
    return out


def _subject(pred: Any, rows: Sequence[tuple[int, int, str, str]]) -> Any | None:
    """The subject of a predicate, or of the clause it is coordinated with.

    An inverted attribution ("..., Commander Oleksandr Syrskyi said") is often misparsed
    with the name hung on the clause before; a name right before a subjectless verb is its
    subject.
    """
    if not any(c.dep_ in ("nsubj", "csubj") for c in pred.children) and pred.i > 0:
        prev = pred.doc[pred.i - 1]
        if prev.pos_ == "PROPN" and _entity_at(rows, prev) is not None:
            return prev
    cur = pred
    while cur is not None:
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c
        cur = cur.head if cur.dep_ == "conj" and cur.head.i != cur.i else None
    return None


@dataclass(frozen=True)
class _Agents:
    """What :func:`_agents` finds among a claim's predicates."""

    named: frozenset[str]
    nominal: frozenset[str]
    speakers: frozenset[str]
    heads: frozenset[str]
    does: frozenset[tuple[str, str]]  # (agent key, verb lemma) within the agent's clause
    names: frozenset[tuple[str, str]]  # (agent key, noun lemma) within the agent's clause


def _agents(preds: Iterable[Any], rows: Sequence[tuple[int, int, str, str]], inside: set[int]) -> _Agents:
    """Agents of a claim's predicates, and which actions lie in each agent's clause.

    An agent key is an entity id, or ``~lemma`` for an unnamed agent and for the head word
    of a named one (so "the port authority" meets "Valmera's port authority").
    """
    named: set[str] = set()
    nominal: set[str] = set()
    speakers: set[str] = set()
    heads_seen: set[str] = set()
    does: set[tuple[str, str]] = set()
    names: set[tuple[str, str]] = set()
    reporting = {p.lemma_.lower() for p in preds if _reports(p)}
    for p in preds:
        subj = _subject(p, rows)
        heads = [subj] if subj is not None else []
        heads += [o for c in p.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
        scope = [t for t in p.subtree if t.i in inside]
        verbs = _actions(scope) - reporting
        nouns = {t.lemma_.lower() for t in scope if t.pos_ == "NOUN"}
        for h in heads:
            ents = _np_entities(h, rows)
            named |= ents
            if ents:
                heads_seen.add(h.lemma_.lower())
            elif h.pos_ == "NOUN":
                nominal.add(h.lemma_.lower())
            if ents and _reports(p):
                speakers |= ents
            mark = "^" if ents else "~"  # the head of a named agent / an unnamed agent
            keys = ents | ({mark + h.lemma_.lower()} if h.pos_ in ("NOUN", "PROPN") else set())
            does |= {(k, v) for k in keys for v in verbs}
            names |= {(k, n) for k in keys for n in nouns}
    return _Agents(frozenset(named), frozenset(nominal), frozenset(speakers), frozenset(heads_seen),
                   frozenset(does), frozenset(names))


def _reports(pred: Any) -> bool:
    """Whether a predicate reports a statement (it takes a clause, or is "say"/"tell")."""
    return pred.lemma_ in REPORTING or any(c.dep_ == "ccomp" for c in pred.children)


def _according_to(tokens: Sequence[Any], rows: Sequence[tuple[int, int, str, str]]) -> set[str]:
    """Sources named in "according to X"."""
    out: set[str] = set()
    for t in tokens:
        if t.lower_ == "according":
            for prep in t.children:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        out |= _np_entities(obj, rows)
    return out


def _actions(tokens: Sequence[Any]) -> set[str]:
    """Content verb lemmas, with a particle joined ("walk out" -> "walkout")."""
    out = set()
    for t in tokens:
        if t.pos_ != "VERB" or t.lemma_.lower() in LIGHT:
            continue
        # a particle; spaCy often tags it an adverb right after the verb ("walked out")
        prt = [c.lower_ for c in t.children if c.dep_ == "prt"
               or (c.dep_ == "advmod" and c.i == t.i + 1 and c.tag_ in ("RP", "RB") and not list(c.children))]
        out.add(t.lemma_.lower() + "".join(prt))
    return out


def _attached(tok: Any, preds: set[int], inside: set[int]) -> bool:
    """Whether a date token modifies one of the predicates (not a participant's modifier)."""
    cur = tok
    while cur.i in inside:
        if cur.i in preds:
            return True
        if cur.dep_ in DETACHED_DEPS or cur.head.i == cur.i:  # spaCy makes a new Token per access: no `is`
            return False
        cur = cur.head
    return False


def _interval(t: TimeExpression) -> tuple[dt.date, dt.date] | None:
    """First and last day a resolved time expression covers."""
    if t.start is None or t.granularity == "unknown":
        return None
    if t.end is not None:
        return t.start, t.end
    if t.granularity == "week":
        return t.start, t.start + dt.timedelta(days=6)
    if t.granularity == "month":
        last = calendar.monthrange(t.start.year, t.start.month)[1]
        return t.start, t.start.replace(day=last)
    if t.granularity == "year":
        return t.start, t.start.replace(month=12, day=31)
    return t.start, t.start


def _dates(doc: Any, tokens: Sequence[Any], preds: list[Any], times: Sequence[TimeExpression],
           start: int, end: int) -> tuple[list[tuple[dt.date, dt.date]], set[str]]:
    """Resolved intervals and month names of the time expressions on the event's predicates."""
    inside = {t.i for t in tokens}
    pred_ids = {p.i for p in preds}
    when: list[tuple[dt.date, dt.date]] = []
    months: set[str] = set()
    for t in times:
        if not (start <= t.span.start and t.span.end <= end):
            continue
        span = doc.char_span(t.span.start, t.span.end, alignment_mode="expand")
        if span is None or not _attached(span.root, pred_ids, inside):
            continue
        iv = _interval(t)
        if iv is not None:
            when.append(iv)
            if t.granularity != "year":
                months |= {calendar.month_name[d.month].lower() for d in iv}
        else:
            months |= {w for w in t.text.lower().split() if w in MONTHS}
    return when, months


def event_of(doc: Any, start: int, end: int, rows: Sequence[tuple[int, int, str, str]],
             times: Sequence[TimeExpression], text: str | None = None) -> Event:
    """The event a claim (characters ``start:end`` of the parsed article) reports.

    ``text`` is the article's text (spaCy's ``doc.text`` rebuilds it on every call: pass it once).
    """
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    if span is None:
        return Event()
    tokens = list(span)
    preds = predicates(tokens)
    found = _agents(preds, rows, {t.i for t in tokens})
    speakers = found.speakers | _according_to(tokens, rows)
    when, months = _dates(doc, tokens, preds, times, start, end)
    labels: dict[str, set[str]] = {}
    for s, e, eid, label in rows:
        if start <= s and e <= end:
            labels.setdefault(eid, set()).add(label)
    return Event(
        agents=found.named | speakers,
        nominal_agents=found.nominal,
        agent_heads=found.heads,
        does=found.does,
        names=found.names,
        speakers=frozenset(speakers),
        # a reporting verb ("tweeted", "announced") is no action of the event: statements
        # are compared by their speaker, facts by what the statement reports
        actions=frozenset(_actions(tokens) - {p.lemma_.lower() for p in preds if _reports(p)}),
        nouns=frozenset(t.lemma_.lower() for t in tokens if t.pos_ == "NOUN"),
        when=tuple(when),
        months=frozenset(months),
        weak=frozenset(k for k, v in labels.items() if v == {"NORP"}),
        direct=_direct(text_of(doc) if text is None else text, preds, start, end),
        quotes=_quotes(doc, text_of(doc) if text is None else text, start, end),
    )


def clipped_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations of the claim's paragraph, cut to the claim: a claim that is one sentence of
    a longer quotation (see :func:`counterpoint.claims.split_units`) has no marks of its own."""
    p0 = text.rfind("\n", 0, start) + 1
    p1 = text.find("\n", end)
    regions = _paragraph_quotes(text, p0, len(text) if p1 < 0 else p1)
    return [(max(s, start), min(e, end)) for s, e in regions if s < end and e > start]


@functools.lru_cache(maxsize=512)
def _paragraph_quotes(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    # Every claim of a paragraph asks for the same regions; an article printed as one paragraph
    # would otherwise be rescanned once per claim (quadratic in its length).
    return tuple(quote_regions(text, start, end))


def _quotes(doc: Any, text: str, start: int, end: int) -> tuple[tuple[str, int], ...]:
    """The claim's quotations as normalised words, with their count of content words."""
    out = []
    for s, e in clipped_regions(text, start, end):
        span = doc.char_span(s, e, alignment_mode="contract")
        if span is None:
            continue
        words = [t.lower_ for t in span if t.is_alpha]
        out.append((" ".join(words), sum(1 for t in span if t.is_alpha and not t.is_stop)))
    return tuple(out)


def same_quote(a: Event, b: Event) -> bool:
    """One claim quotes words the other quotes too (two content words or more): one statement."""
    for qa, na in a.quotes:
        for qb, nb in b.quotes:
            short, n, long_ = (qa, na, qb) if len(qa) <= len(qb) else (qb, nb, qa)
            if n >= QUOTE_WORDS and short and f" {short} " in f" {long_} ":
                return True
    return False


def _direct(text: str, preds: Sequence[Any], start: int, end: int) -> bool:
    """Whether the claim quotes its statement directly, not a quoted fragment in reported
    speech ("said he had signed documents 'that will allow ...'")."""
    quotes = clipped_regions(text, start, end)
    clauses = [c for p in preds for c in p.children if c.dep_ == "ccomp"]
    if clauses:
        return all(any(s <= c.idx < e for s, e in quotes) for c in clauses)
    inside = sum(min(e, end) - max(s, start) for s, e in quotes)
    return inside >= DIRECT_QUOTE * max(1, end - start)


def _unnamed(pairs: frozenset[tuple[str, str]]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(unnamed agent, action) and (named agent's head word, action) pairs, keys unmarked."""
    return ({(k[1:], v) for k, v in pairs if k[0] == "~"}, {(k[1:], v) for k, v in pairs if k[0] == "^"})


def date_clash(a: Event, b: Event) -> bool:
    """Both claims date their event, and the dates cannot meet (unresolved never blocks)."""
    if a.when and b.when:
        return not any(s1 <= e2 and s2 <= e1 for s1, e1 in a.when for s2, e2 in b.when)
    if a.months and b.months:
        return not a.months & b.months
    return False


def match(a: Event, b: Event, backdrop: Mapping[str, object] | frozenset[str] = frozenset()) -> EventMatch:
    """Compare two claims' events; ``backdrop`` entities (the story's setting) are no agents."""
    named_a, named_b = a.agents - a.weak, b.agents - b.weak
    actions = (a.actions & b.actions) | (a.actions & b.nouns) | (a.nouns & b.actions)
    # an unnamed agent matches the other's unnamed agent or a named one with the same head
    # ("the port authority" / "Valmera's port authority": resolution may have missed it)
    nominal = bool(a.nominal_agents & (b.nominal_agents | b.agent_heads)
                   or b.nominal_agents & a.agent_heads)
    skip = set(backdrop) | a.weak | b.weak
    named: set[str] = set()
    unnamed: set[str] = set()
    for x, y in ((a.does, b.does), (a.does, b.names), (a.names, b.does)):
        named |= {act for key, act in x & y if key[0] not in "~^" and key not in skip}
        # an unnamed agent meets the other's unnamed agent, or a named one by its head word
        xs, ys = _unnamed(x), _unnamed(y)
        unnamed |= {act for _, act in (xs[0] & ys[0]) | (xs[0] & ys[1]) | (xs[1] & ys[0])}
    return EventMatch(
        bound=tuple(sorted(named)),
        bound_unnamed=tuple(sorted(unnamed)),
        same_quote=same_quote(a, b),
        agentless=not (named_a and named_b),
        weak=a.weak | b.weak,
        agents=frozenset((named_a & named_b) - set(backdrop)),
        agent_clash=bool(named_a and named_b and not named_a & named_b and not nominal),
        nominal_agent=nominal,
        actions=tuple(sorted(actions)),
        # two direct quotes by one speaker are two statements (the quotes stage pairs
        # renderings of one quote); a reported statement is its content
        same_speaker=bool((a.speakers & b.speakers) - set(backdrop))
        and not (a.direct or b.direct),
        date_clash=date_clash(a, b),
    )
