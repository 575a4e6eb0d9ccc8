"""The rule detectors of conflicts, one per dimension, each explainable.

* status: one side says the event is under way or done ("is already on its way"), the other
  that it is still undecided ("discussions ... are still ongoing") or only planned;
* number: the same quantity of the same thing with intervals that do not meet after
  rounding and "about"/"at least"/"up to" (``conflict_numbers``);
* date: the same event dated to days that do not overlap (only when both dates resolve);
* negation: the same predicate with matching arguments, affirmed on one side and negated or
  denied on the other;
* role: the same verb with its subject and object swapped.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from . import temporal
from .conflict_base import (
    GENERIC,
    Finding,
    View,
    clause_topic,
    cues,
    negated,
    nonfactual,
    phrases,
    topic_of,
)
from .conflict_numbers import (  # noqa: F401  (re-exported: conflicts and tests import them here)
    Quantity,
    number_conflict,
    parse_number,
    quantities,
    same_unit,
    unit_keys,
    verb_of,
)
from .model import TimeExpression
from .segment import quote_regions

FURTHER = {"more", "additional", "further", "another", "extra", "new", "second", "third", "fresh"}
POINT_PREPS = {"on", "in", "at", "during", "this", "last"}
REPEATED = {"again", "also", "repeatedly", "later", "earlier", "previously", "too", "once", "first"}


# ---- status -------------------------------------------------------------------------------


def status(v: View) -> list[tuple[str, str, set[str], Any]]:
    """(stage, evidence, topic lemmas, predicate token) for each status cue in a claim.

    Stages: 'undecided' (discussion still going on, no decision), 'planned' (intends to
    send), 'underway' (on its way, has been deployed), 'decided' (a deal was signed).
    """
    out: list[tuple[str, str, set[str], Any]] = []
    s = v.sent
    delib = cues()["deliberation"]
    out.extend(_deliberations(s))
    for t in s:
        lem = t.lemma_.lower()
        # "are (still) discussing / considering X"
        if lem in cues()["deliberate"] and t.pos_ == "VERB" and t.tag_ == "VBG" and not negated(t):
            if any(c.lemma_ == "be" for c in t.children if c.dep_ == "aux"):
                out.append(("undecided", excerpt(t, t), topic_of(t), t))
        elif lem in cues()["plan"] and not negated(t) and not nonfactual(t):
            moves = [c for c in t.children if c.dep_ == "xcomp" and c.lemma_.lower() in cues()["movement"]]
            for m in moves:
                if not _more_of(m):  # "plans to send more troops" fits troops already sent
                    out.append(("planned", excerpt(t, m), topic_of(m), m))
    for i, phrase in phrases(s, "undecided"):
        out.append(("undecided", phrase, clause_topic(s[i]), s[i]))
    for i, phrase in phrases(s, "underway"):
        pred = s[i].head if s[i].dep_ != "ROOT" else s[i]
        while pred.dep_ in ("prep", "pobj") and pred.head != pred:
            pred = pred.head
        subj = [c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(c.lemma_.lower() in delib for c in subj) or negated(pred) or nonfactual(pred):
            continue  # "talks are under way" is deliberation, not dispatch
        topic = {g.lemma_.lower() for c in subj for g in c.subtree if g.pos_ in ("NOUN", "PROPN")} - GENERIC
        out.append(("underway", _with_already(pred, phrase), topic, pred))
    for t in s:
        if t.lemma_.lower() in cues()["movement"] and t.pos_ == "VERB" and _done(t):
            out.append(("underway", _with_already(t, t.text), topic_of(t), t))
        elif t.lemma_.lower() in cues()["conclude"] and t.pos_ == "VERB" and _done(t):
            outcome = _outcomes(t)
            if outcome:
                out.append(("decided", excerpt(t, t), outcome, t))
    return out


def _outcomes(verb: Any) -> set[str]:
    """Outcome nouns a concluding verb takes ('signed a ceasefire', 'a deal was approved')."""
    args = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    args += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return {a.lemma_.lower() for a in args if a.lemma_.lower() in cues()["outcome"]}


def _more_of(verb: Any) -> bool:
    """Whether a verb's object is a further batch: 'more', 'additional', 'another' troops."""
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    return any(m.lower_ in FURTHER for o in objs for m in o.children if m.dep_ in ("amod", "det", "advmod"))


def _deliberations(s: Any) -> list[tuple[str, str, set[str], Any]]:
    """'discussions about X are still ongoing', 'talks continue': undecided, about X.

    The small parser often tags 'talks' as a verb or hangs it beside its predicate, so the
    deliberation word is looked for among the words before the predicate (25 at most), attached to it
    or to its head.
    """
    out: list[tuple[str, str, set[str], Any]] = []
    delib = cues()["deliberation"]
    for c in s:
        if c.lemma_.lower() not in cues()["continue"]:
            continue
        pred = c if c.pos_ in ("VERB", "AUX") else c.head
        if negated(pred) or nonfactual(pred):
            continue
        for d in s.doc[max(s.start, pred.i - 25) : pred.i]:
            word = d.lemma_.lower() if d.pos_ == "NOUN" else d.lower_.removesuffix("s")
            if word not in delib or not (d.head == pred or d.head == pred.head):
                continue
            topic = {g.lemma_.lower() for g in s.doc[d.i + 1 : pred.i] if g.pos_ in ("NOUN", "PROPN")}
            words = [w for w in pred.children if w.dep_ in ("advmod", "acomp", "aux") and w.i > d.i]
            tail = " ".join(w.text for w in sorted([pred, *words], key=lambda w: w.i))
            out.append(("undecided", f"{d.text} ... {tail}", topic - GENERIC, pred))
            break
    return out


def _done(tok: Any) -> bool:
    """A movement verb reported as having happened: past/perfect, not negated, not modal."""
    if negated(tok) or nonfactual(tok) or tok.dep_ in ("xcomp", "amod", "acl", "relcl", "advcl"):
        return False
    if any(c.lower_ in ("will", "'ll", "shall", "to") for c in tok.children if c.dep_ == "aux"):
        return False
    return tok.tag_ in ("VBD", "VBN")


def _with_already(pred: Any, phrase: str) -> str:
    already = any(c.lower_ == "already" for c in pred.children)
    return f"already {phrase}" if already and "already" not in phrase.lower() else phrase


def excerpt(a: Any, b: Any) -> str:
    """The words from a to b (either order), trimmed to eight tokens with an ellipsis."""
    lo, hi = sorted((a.i, b.i))
    doc = a.doc
    if hi - lo < 8:
        return doc[lo : hi + 1].text
    return f"{doc[lo : lo + 2].text} ... {doc[hi - 2 : hi + 1].text}"


STAGE_WORDS = {"undecided": "still undecided", "planned": "only planned", "underway": "under way",
               "decided": "concluded"}
# Stages that cannot hold at once for one matter: a concluded deal is no longer under talks,
# a dispatch under way is no longer only planned or undecided.
INCOMPATIBLE = {("underway", "undecided"), ("underway", "planned"), ("decided", "undecided")}


def status_conflict(a: View, b: View) -> Finding | None:
    """Under way on one side, undecided (or, for the same movement, only planned) on the other."""
    sa, sb = status(a), status(b)
    for x, y, flip in ((sa, sb, False), (sb, sa, True)):
        for stage_x, ev_x, top_x, _ in x:
            if stage_x not in ("underway", "decided"):
                continue
            for stage_y, ev_y, top_y, _ in y:
                if (stage_x, stage_y) not in INCOMPATIBLE or not (top_x & top_y):
                    continue
                vx = f"{STAGE_WORDS[stage_x]} ('{ev_x}'{_hedge_note(a if not flip else b)})"
                vy = f"{STAGE_WORDS[stage_y]} ('{ev_y}')"
                shared = ", ".join(sorted(top_x & top_y))
                if flip:
                    return Finding("status", vy, vx, f"both about: {shared}")
                return Finding("status", vx, vy, f"both about: {shared}")
    return None


def _hedge_note(v: View) -> str:
    """"; hedged: 'my sources informed me'" when the claim is second-hand."""
    hedges = phrases(v.sent, "hedge")
    if not hedges:
        return ""
    i, phrase = hedges[0]
    verb = v.sent[i + len(phrase.split()) - 1].head
    if verb.pos_ == "VERB" and verb.i > v.sent[i].i and verb.i - v.sent[i].i < 5:
        objs = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i < verb.i + 3]
        last = max([verb.i, *(o.i for o in objs)])
        phrase = v.sent.doc[v.sent[i].i : last + 1].text
    return f"; hedged: '{phrase}'"


# ---- dates --------------------------------------------------------------------------------


def _event_of_time(v: View, t: TimeExpression) -> str:
    """Lemma of the verb a time expression directly dates ('said on Monday'), else ''.

    Speech verbs collapse to 'say'. A date inside a noun phrase ('up from 2.5 million in
    2002') dates no event of the clause.
    """
    span = v.sent.doc.char_span(t.span.start, t.span.end, alignment_mode="expand")
    if span is None:
        return ""
    tok = span.root
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        tok = tok.head
    head = tok.head
    if tok.dep_ not in ("prep", "npadvmod", "nmod", "advmod") or head.pos_ != "VERB":
        return ""
    if tok.dep_ == "prep" and tok.lower_ not in POINT_PREPS:
        return ""  # "from 2005", "through 2021": bounds of a period, not the event's date
    if any(c.lower_ in REPEATED for c in head.children):
        return ""  # "saying again in May": another occurrence, not a second date for one
    lemma = head.lemma_.lower()
    return "say" if lemma in cues()["speech"] else str(lemma)


def date_conflict(a: View, b: View) -> Finding | None:
    """The same event, dated once on each side, to resolved times that cannot overlap."""
    ev_a = [(x, _event_of_time(a, x)) for x in a.times if x.start is not None]
    ev_b = [(y, _event_of_time(b, y)) for y in b.times if y.start is not None]
    for x, ex in ev_a:
        mine = [p for p, e in ev_a if e == ex]
        theirs = [q for q, e in ev_b if e == ex]
        if not ex or len(mine) != 1 or len(theirs) != 1:
            continue
        if temporal.overlap(x, theirs[0]) is False:
            return Finding("date", temporal.describe(x), temporal.describe(theirs[0]), f"the same '{ex}' event")
    return None


# ---- negation and denial ------------------------------------------------------------------


def _args(tok: Any) -> tuple[set[str], set[str]]:
    """Lemmas of a predicate's subject and object heads (passives normalised)."""
    subj: set[str] = set()
    obj: set[str] = set()
    for c in tok.children:
        if c.pos_ not in ("NOUN", "PROPN", "NUM") and c.dep_ != "agent":
            continue
        if c.dep_ in ("nsubj", "csubj"):
            subj.add(c.lemma_.lower())
        elif c.dep_ in ("dobj", "attr", "dative", "nsubjpass"):
            obj.add(c.lemma_.lower())
        elif c.dep_ == "agent":
            subj |= {g.lemma_.lower() for g in c.children if g.dep_ == "pobj"}
    return subj - GENERIC, obj - GENERIC


def _same_arguments(x: tuple[set[str], set[str]], y: tuple[set[str], set[str]]) -> bool:
    """Some argument in common and none in contradiction (another subject or object)."""
    (sx, ox), (sy, oy) = x, y
    if (sx and sy and not sx & sy) or (ox and oy and not ox & oy):
        return False
    return bool(sx & sy or ox & oy)


def polarities(v: View) -> dict[str, tuple[bool, tuple[set[str], set[str]], Any]]:
    """verb lemma -> (negated, argument lemmas, token) for the factual predicates of a claim."""
    out: dict[str, tuple[bool, tuple[set[str], set[str]], Any]] = {}
    for t in v.sent:
        if t.pos_ != "VERB" or t.lemma_.lower() in cues()["speech"] or nonfactual(t):
            continue
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            continue  # an infinitive ("planned to mark") asserts nothing by itself
        out.setdefault(t.lemma_.lower(), (negated(t), _args(t), t))
    return out


def negation_conflict(a: View, b: View) -> Finding | None:
    """The same predicate with shared arguments, affirmed on one side and negated on the other."""
    pa, pb = polarities(a), polarities(b)
    for lemma, (neg_a, args_a, ta) in pa.items():
        if lemma not in pb:
            continue
        neg_b, args_b, tb = pb[lemma]
        if neg_a == neg_b or not _same_arguments(args_a, args_b):
            continue
        if _pronoun_subject(ta) or _pronoun_subject(tb):
            continue  # "he did not send it" vs "who had then sent it": whose act is unknown
        return Finding("negation", _polar(ta, neg_a), _polar(tb, neg_b), f"same predicate '{lemma}'")
    return denial_conflict(a, b)


def _pronoun_subject(tok: Any) -> bool:
    """The predicate's doer is a pronoun ('he', 'who'), so the sentence alone does not say who."""
    return any(c.dep_ == "nsubj" and c.pos_ == "PRON" and c.lower_ != "it" for c in tok.children)


def _polar(tok: Any, neg: bool) -> str:
    lo = min([tok.i, *(c.i for c in tok.children if c.dep_ in ("neg", "aux", "auxpass"))])
    return f"{'not ' if neg else ''}'{tok.doc[lo : tok.i + 1].text}'"


def denial_conflict(a: View, b: View) -> Finding | None:
    """One side calls the shared matter false or denies it; the other asserts it as fact.

    A denial against an attributed or hedged report ("X denies it"; "Y claims X did it")
    is two true reports of a dispute, not a conflict; it conflicts only with an assertion
    in the outlet's own voice, or with the same speaker saying the opposite.
    """
    da, db = _denials(a), _denials(b)
    if bool(da) == bool(db):
        return None
    deny, other = (a, b) if da else (b, a)
    cue, topic, speaker = (da or db)[0]
    # Words the other side only quotes ('assailed it as a "witch hunt"') are someone's
    # characterisation, not the outlet asserting the matter as fact.
    shared = topic & _content(other, unquoted=True)
    # The story's running subject ("Schiff", "the committee" in every other sentence) says
    # nothing about whether two sentences speak of the same denied matter.
    if len(shared - background(deny.sent.doc) - background(other.sent.doc)) < 2:
        return None
    speakers = _speakers(other)
    if speakers and not (speaker and speaker in speakers):
        return None
    if _negates(other, shared):
        return None  # "... which did not determine that X conspired": not asserted as fact
    if phrases(other.sent, "hedge"):
        return None
    about = f"about: {', '.join(sorted(shared))}"
    if deny is a:
        return Finding("negation", f"it is denied/false ('{cue}')", "it as fact", about)
    return Finding("negation", "it as fact", f"it is denied/false ('{cue}')", about)


def _core(np: Any) -> list[Any]:
    """A noun phrase without its clauses and appositions ("X, trying to ..., " -> "X")."""
    drop = {t.i for c in np.children if c.dep_ in ("acl", "relcl", "appos", "advcl") for t in c.subtree}
    return [t for t in np.subtree if t.i not in drop]


BACKGROUND_SHARE = 0.3  # in at least this share of an article's sentences (and 5 or more)


@functools.lru_cache(maxsize=64)
def background(doc: Any) -> frozenset[str]:
    """Content lemmas in so many of an article's sentences that they are its running subject."""
    sents = list(doc.sents)
    counts: dict[str, int] = {}
    for sent in sents:
        for lemma in {t.lemma_.lower() for t in sent if t.pos_ in ("NOUN", "PROPN", "VERB")}:
            counts[lemma] = counts.get(lemma, 0) + 1
    return frozenset(k for k, n in counts.items() if n >= 5 and n >= BACKGROUND_SHARE * len(sents))


def _negates(v: View, words: set[str]) -> bool:
    """A negated predicate of the sentence governs one of the words."""
    for t in v.sent:
        if t.pos_ in ("VERB", "AUX") and negated(t):
            if any(g.lemma_.lower() in words for g in t.subtree if g.i != t.i):
                return True
    return False


def _speakers(v: View) -> set[str]:
    """Subject lemmas of the reporting verbs of a claim; {''} for an unnamed speaker."""
    out = set()
    for t in v.sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in cues()["speech"] | cues()["hedge_verb"]:
            subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            out.add(_subject_key(subj[0]) if subj else "")
    return out


def _subject_key(tok: Any) -> str:
    names = [t for t in tok.subtree if t.pos_ == "PROPN"]
    return (names[-1] if names else tok).lemma_.lower()


def _denials(v: View) -> list[tuple[str, set[str], str]]:
    """(cue, content lemmas, speaker) per denial of a claim: 'denied that ...', 'is a hoax'."""
    out = []
    verbs = {i for i, _ in phrases(v.sent, "deny")}
    for i, phrase in phrases(v.sent, "deny") + phrases(v.sent, "falsity"):
        tok = v.sent[i]
        if i in verbs and tok.pos_ != "VERB":
            continue  # a denial verb the tagger did not see as a verb: what it denies is unknown
        pred = tok if tok.pos_ == "VERB" else next(
            (t for t in tok.ancestors if t.pos_ in ("VERB", "AUX")), tok.head)
        # "is not true" carries its own negation; "is not a fake" is an affirmation.
        if (negated(pred) and not phrase.lower().startswith("not ")) or nonfactual(tok):
            continue
        if tok.pos_ == "VERB" and not _denies_a_claim(tok):
            continue  # "rejected by the court", "denied entry": not a denial of a claim
        subj = [c for c in pred.children if c.dep_ == "nsubj"] if tok.pos_ == "VERB" else []
        # A word calling something false is about the whole sentence ("reports that she took
        # a selfie are not true"); a denial verb is about what it denies, not about who
        # denies it ("X, trying to put to rest ..., denied that he sent ...").
        denied = [c for c in tok.children if c.dep_ in ("ccomp", "dobj", "xcomp", "nsubjpass")]
        if tok.pos_ != "VERB":
            scope = list(v.sent)
        elif denied:
            # The denier is usually the agent of what is denied ("IBM denied it would cut jobs").
            scope = [t for c in denied for t in c.subtree] + [tok] + [t for c in subj for t in _core(c)]
        else:
            scope = list(pred.subtree)
        content = {g.lemma_.lower() for g in scope if g.pos_ in ("NOUN", "PROPN", "VERB")}
        out.append((phrase, content, _subject_key(subj[0]) if subj else ""))
    return out


def _denies_a_claim(verb: Any) -> bool:
    """A denial verb whose object is a claim ('the allegations'), a clause, or nothing."""
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "ccomp", "xcomp")]
    if not objs:
        return verb.lemma_.lower() in ("deny", "refute", "debunk")
    return any(o.dep_ in ("ccomp", "xcomp") or _claim_object(o) for o in objs)


# Rejecting a suggestion or a proposal is disagreeing with an idea, unless it says what the
# suggestion claims ("rejected suggestions that the plant was unsafe").
NEEDS_CLAUSE = {"suggestion", "speculation", "assertion"}


def _claim_object(obj: Any) -> bool:
    lemma = obj.lemma_.lower()
    if lemma not in cues()["claimnoun"]:
        return False
    return lemma not in NEEDS_CLAUSE or any(c.dep_ in ("acl", "ccomp", "relcl") for c in obj.children)


def _content(v: View, unquoted: bool = False) -> set[str]:
    toks = [t for t in v.sent if t.pos_ in ("NOUN", "PROPN", "VERB")]
    if unquoted:
        base = v.sent.start_char
        regions = [(base + s, base + e) for s, e in quote_regions(v.sent.text)]
        toks = [t for t in toks if not any(s <= t.idx < e for s, e in regions)]
    return {t.lemma_.lower() for t in toks} - GENERIC


# ---- roles --------------------------------------------------------------------------------


def _who(tok: Any, entity_of: Mapping[int, str]) -> str:
    return entity_of.get(tok.idx) or (tok.lemma_.lower() if tok.pos_ == "PROPN" else "")


def roles(v: View, entity_of: Mapping[int, str]) -> dict[str, tuple[str, str]]:
    """verb lemma -> (agent, patient) for named participants, passives normalised."""
    out: dict[str, tuple[str, str]] = {}
    for t in v.sent:
        if t.pos_ != "VERB" or negated(t):
            continue
        agent = patient = ""
        for c in t.children:
            if c.dep_ == "nsubj":
                agent = _who(c, entity_of)
            elif c.dep_ in ("dobj", "nsubjpass"):
                patient = _who(c, entity_of)
            elif c.dep_ == "agent":
                agent = next((_who(g, entity_of) for g in c.children if g.dep_ == "pobj"), "")
        if agent and patient and agent != patient:
            out.setdefault(t.lemma_.lower(), (agent, patient))
    return out


def role_conflict(a: View, b: View, entity_of: Mapping[int, str] | None = None) -> Finding | None:
    """Who did what to whom: the same verb with agent and patient swapped."""
    ent = entity_of or {}
    ra, rb = roles(a, ent), roles(b, ent)
    for verb, (ag, pa) in ra.items():
        if rb.get(verb) == (pa, ag):
            return Finding("role", f"'{ag}' {verb} '{pa}'", f"'{pa}' {verb} '{ag}'", "agent and patient swapped")
    return None


# ---- the detector -------------------------------------------------------------------------


def detect(a: View, b: View, relation: str = "shared", entity_of: Mapping[int, str] | None = None) -> Finding | None:
    """The first dimension on which two aligned claims cannot both be true, or None.

    Dates and numbers are compared only for 'shared' pairs (the same fact): a 'related'
    pair may date or count a different event.
    """
    checks = [status_conflict, negation_conflict]
    if relation == "shared":
        checks += [number_conflict, date_conflict]
    else:
        # Figures that differ are why such a pair was called 'related' rather than 'shared';
        # the same count of the same thing for the same act ("140 homes were flooded" /
        # "more than 400 homes were flooded") still cannot both be true.
        checks += [functools.partial(number_conflict, same_event=True)]
    for check in checks:
        found = check(a, b)
        if found:
            return found
    return role_conflict(a, b, entity_of)
