"""Shared pieces of the conflict detector: claim views, findings, the cue lexicon, parse tests.

The cue lexicon is ``data/conflict_cues.tsv`` (kinds are listed in its header). Helpers here
read spaCy's dependency parse: whether a predicate is negated or merely possible, and which
nouns say what a predicate is about.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import temporal
from .model import Span, TimeExpression
from .resources import read_table
from .segment import text_of

CUES_FILE = "conflict_cues.tsv"
GENERIC = {"thing", "people", "country", "way", "time", "year", "day", "part", "number", "lot",
           "official", "report", "statement", "source", "group", "side", "kind", "percent"}
MODALS = {"could", "might", "may", "would", "should", "must", "can"}
SUBJ = {"nsubj", "nsubjpass", "csubj", "expl"}
OBJ = {"dobj", "pobj", "attr", "oprd", "dative"}


@dataclass(frozen=True)
class Finding:
    """One reason two claims cannot both be true."""

    dimension: str  # status, number, date, negation, role, contradiction
    a_value: str
    b_value: str
    note: str = ""

    def why(self, a_name: str, b_name: str) -> str:
        extra = f"; {self.note}" if self.note else ""
        return f"conflict ({self.dimension}): {a_name} says {self.a_value}, {b_name} says {self.b_value}{extra}"


@dataclass(frozen=True)
class View:
    """What the detector reads of one claim: its parse and its resolved times."""

    span: Span
    sent: Any  # spaCy Span over the claim
    times: tuple[TimeExpression, ...] = ()

    @property
    def text(self) -> str:
        return str(self.sent.text)


# ---- lexicon ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    """kind -> cues, from the data file."""
    out: dict[str, set[str]] = {}
    for row in read_table(CUES_FILE):
        out.setdefault(row["kind"], set()).add(row["cue"].strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def phrases(sent: Any, kind: str) -> list[tuple[int, str]]:
    """(token index in sent, phrase) for each multi-word or single-word cue of a kind."""
    words = [t.lower_ for t in sent]
    lemmas = [t.lemma_.lower() for t in sent]
    hits = []
    for cue in cues().get(kind, ()):
        parts = cue.split()
        n = len(parts)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == parts or (n == 1 and lemmas[i] == cue):
                hits.append((i, " ".join(t.text for t in sent[i : i + n])))
    return sorted(hits)


# ---- views --------------------------------------------------------------------------------


def view(doc: Any, span: Span, times: Sequence[TimeExpression] = ()) -> View:
    """A View of a claim from its article's parse (token offsets are article offsets)."""
    sent = doc.char_span(span.start, span.end, alignment_mode="expand")
    if sent is None:  # pragma: no cover - expand always yields a span inside the text
        sent = doc[0:0]
    return View(span, sent, tuple(times))


def view_of_text(nlp: Any, text: str, article: str = "x") -> View:
    """A View of a standalone sentence (datasets, tests); its times stay unresolved."""
    return view_of_doc(nlp(text), article)


def view_of_doc(doc: Any, article: str = "x") -> View:
    """A View of a whole parsed text with no publication date."""
    times = tuple(
        TimeExpression(Span(article, e.start, e.end), e.text, *temporal.resolve(e.text, None))  # type: ignore[arg-type]
        for e in temporal.candidates(doc)
    )
    return View(Span(article, 0, len(text_of(doc))), doc[:], times)


# ---- shared helpers -----------------------------------------------------------------------


def negated(tok: Any) -> bool:
    """Whether a predicate is negated: 'not', 'never', 'neither ... nor', 'at no stage',
    'nobody/nothing' as an argument, or 'failed/refused to' above it."""
    for c in tok.children:
        if c.dep_ == "neg" or c.lower_ in ("never", "not", "n't", "neither"):
            return True
        if c.dep_ in SUBJ | {"dobj"} and c.lower_ in ("nothing", "nobody", "none", "no one"):
            return True
        if c.dep_ == "prep" and any(g.dep_ == "pobj" and has_no(g) for g in c.children):
            return True
        if c.dep_ in SUBJ | {"dobj"} and has_no(c):
            return True
    head = tok.head
    return (
        tok.dep_ == "xcomp"
        and head.lemma_.lower() in cues().get("negator", ())
        and not negated(head)
    )


def has_no(noun: Any) -> bool:
    return any(d.dep_ == "det" and d.lower_ == "no" for d in noun.children)


def nonfactual(tok: Any) -> bool:
    """Modal, conditional or interrogative predicates assert nothing to disagree with."""
    for t in [tok, *tok.ancestors][:4]:
        if any(c.lower_ in MODALS for c in t.children if c.dep_ == "aux"):
            return True
        if any(c.lower_ in ("if", "whether", "unless") for c in t.children if c.dep_ == "mark"):
            return True
    return False


def topic_of(tok: Any) -> set[str]:
    """Content lemmas naming what a predicate is about: subject/object heads and their 'of' nouns."""
    out: set[str] = set()
    args = [c for c in tok.children if c.dep_ in SUBJ | OBJ | {"prep", "agent", "xcomp", "acomp"}]
    for a in args:
        for t in (a, *a.children, *(g for c in a.children for g in c.children)):
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("npadvmod",):
                out.add(t.lemma_.lower())
    return out - GENERIC


def clause_topic(tok: Any) -> set[str]:
    """Noun lemmas of the clause a cue sits in ('no decision has been made on sending troops')."""
    pred = tok
    while pred.pos_ not in ("VERB", "AUX") and pred.head != pred:
        pred = pred.head
    nouns = {t.lemma_.lower() for t in pred.subtree if t.pos_ in ("NOUN", "PROPN")}
    return nouns - GENERIC - cues()["deliberation"] - {"decision"}
