"""Claims: cut each sentence into fact-bearing units with spaCy's dependency parse.

Needs: ``sentences`` (and ``parses``).  Adds: ``claims``.

A sentence that joins independent facts with coordination ("he had signed the papers ... and
had notified Lecornu") yields one unit per coordinated clause, each with its own contiguous
span. Only clause heads on the sentence's spine (the root and the ``ccomp`` chain under a
reporting verb) are split, so "allowing instructors to visit ... and familiarize ..." (one
fact about the papers) stays whole. A cut never falls inside a quotation, so a quote split
by its attribution stays one unit. A sentence with one fact is one claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .model import Analysis, Claim, Sentence, Span
from .resources import Resources
from .segment import quote_regions, text_of

CLAUSE_POS = {"VERB", "AUX"}
SPINE_DEPS = {"ROOT", "ccomp", "conj"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl", "nsubj:pass"}
# spaCy's English labels, plus the UD labels of the Russian/Ukrainian parse (obj, iobj, obl)
ARGUMENT_DEPS = {"dobj", "attr", "acomp", "ccomp", "xcomp", "prep", "dative", "oprd", "agent", "obj", "iobj", "obl"}
SLAVIC = {"ru", "uk"}
MIN_UNIT_TOKENS = 4  # "and said so." is not a fact of its own
TRIM = " ,;:–—-\n"
CLOSE_MARKS = "”’\"'»›"
OPEN_MARKS = "“‘\"'«‹„"
LEAD_WORDS = {"and", "but", "while", "whereas", "yet", "or"}
# Subordinators of a clause that reports an event of its own (time, cause), not a condition.
SUBORDINATORS = {"after", "before", "as", "while", "because", "since", "when", "once", "until"}


@dataclass(frozen=True)
class Unit:
    """A contiguous piece of a sentence carrying one fact, with text for embedding."""

    start: int
    end: int
    context: str  # the shared subject a conjunct lacks, prepended when embedding ("" if none)
    piece: int = 0  # which of the sentence's grammatical sentences (see _sentence_cuts) it lies in


def _is_clause(tok: Any) -> bool:
    """A verb heading a clause of its own: it has a subject or an argument/complement."""
    if tok.pos_ not in CLAUSE_POS:
        return False
    return any(c.dep_ in SUBJECT_DEPS or c.dep_ in ARGUMENT_DEPS for c in tok.children)


def _spine(root: Any) -> list[Any]:
    """Clause heads reachable from the root through ``ccomp``/``conj`` links."""
    out, todo = [], [root]
    while todo:
        tok = todo.pop()
        out.append(tok)
        todo.extend(c for c in tok.children if c.dep_ in SPINE_DEPS and _is_clause(c))
    return out


def _subject_text(tok: Any) -> str:
    """Text of the nearest subject of ``tok`` or of the clause it is coordinated with."""
    cur = tok
    while cur is not None:
        for c in cur.children:
            if c.dep_ in SUBJECT_DEPS:
                # the subject's own words, without a relative clause or apposition after it
                return str(c.doc[c.left_edge.i : c.i + 1].text)
        cur = cur.head if cur.dep_ == "conj" and cur.head.i != cur.i else None
    return ""


def _cut_points(sent: Any, quotes: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """Character offsets where a coordinated clause begins, with its head token."""
    cuts: list[tuple[int, Any]] = []
    for head in _spine(sent.root):
        for conj in head.children:
            if conj.dep_ != "conj" or not _is_clause(conj) or conj.i <= head.i:
                continue
            # an explicit coordinator is required: a bare comma "conj" is mostly a misparse
            prev = [c for c in head.children if c.dep_ == "cc" and head.i < c.i < conj.i]
            if not prev:
                continue
            at = prev[-1].idx
            if any(s < at < e for s, e in quotes):
                continue
            cuts.append((at, conj))
        cuts.extend(_adverbial_cuts(head, quotes))
        if sent.doc.user_data.get("language") in SLAVIC:
            cuts.extend(_asyndetic_cuts(head, quotes))
    return sorted(cuts, key=lambda c: c[0])


def _asyndetic_cuts(head: Any, quotes: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """Cuts before clauses joined by a comma alone, in Russian and Ukrainian.

    "затоплено около 140 домов, эвакуированы 310 жителей" lists two facts with no
    coordinator, as Russian and Ukrainian news often does (UD parses it conj or parataxis);
    the clause must have a subject of its own, so a list of verbs sharing one stays whole,
    and must not be a speech cue (an attribution after the comma).
    """
    from .quote_speakers import lexicon

    cues = lexicon().cues
    out: list[tuple[int, Any]] = []
    doc = head.doc
    for clause in head.children:
        if clause.dep_ not in {"conj", "parataxis"} or clause.i <= head.i or not _is_clause(clause):
            continue
        if clause.lemma_.lower() in cues:
            continue  # "..., сообщил ее представитель": the attribution, not a second fact
        if any(c.dep_ == "cc" for c in clause.children) or not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
            continue
        first = next(t for t in clause.subtree if not t.is_punct)  # the comma may hang on the clause
        if first.i <= head.i or first.i == 0 or doc[first.i - 1].text not in {",", ";"}:
            continue
        if not any(s < first.idx < e for s, e in quotes):
            out.append((first.idx, clause))
    return out


def _adverbial_cuts(head: Any, quotes: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """Cuts around a subordinate clause with a subject of its own ("... days after Syrsky
    announced that ..."): it reports a second event, so it is a unit when it ends or opens
    the sentence (the unit stays contiguous)."""
    out: list[tuple[int, Any]] = []
    sent = head.sent
    last = max((t.i for t in sent if not (t.is_punct or t.is_space)), default=sent.end - 1)
    first = min((t.i for t in sent if not (t.is_punct or t.is_space)), default=sent.start)
    for adv in head.children:
        if adv.dep_ != "advcl" or adv.pos_ not in CLAUSE_POS:
            continue
        marks = [c for c in adv.children if c.dep_ == "mark" and c.lower_ in SUBORDINATORS]
        if not marks or not any(c.dep_ in SUBJECT_DEPS for c in adv.children):
            continue
        left, right = adv.left_edge, adv.right_edge
        if right.i >= last and left.i > head.i:
            at = marks[0].idx  # "just days | after ...": the measure phrase stays with the frame
        elif left.i <= first and right.i < head.i:
            at = right.idx + len(right.text)
        else:
            continue
        if not any(s < at < e for s, e in quotes):
            out.append((at, None))
    return out


def _real_end(text: str, at: int) -> bool:
    """Whether a parser sentence boundary at ``at`` follows a full stop, ! or ? (closing
    quote marks allowed) and opens with a capital, possibly after an opening quote mark."""
    before = text[:at].rstrip().rstrip(CLOSE_MARKS)
    after = text[at:].lstrip().lstrip(OPEN_MARKS)
    return before[-1:] in {".", "!", "?"} and after[:1].isupper()


def _sentence_cuts(span: Any, s0: int, s1: int) -> list[int]:
    """Parser sentence starts inside one segment sentence, at real sentence ends.

    Segmentation keeps a quotation of several sentences (and a quote interrupted by its
    attribution) in one sentence, so the quotes stage sees it whole; as facts they are
    several, and a claim spanning three sentences is too coarse to align. A cut that would
    leave a piece of fewer than MIN_UNIT_TOKENS words is skipped ("Yes," he said.).
    """
    text = text_of(span.doc)
    starts = [st.start_char for st in span.sents if s0 < st.start_char < s1 and _real_end(text, st.start_char)]
    cuts: list[int] = []
    prev = s0
    for k, at in enumerate(starts):
        nxt = starts[k + 1] if k + 1 < len(starts) else s1
        if _words(span.doc, prev, at) >= MIN_UNIT_TOKENS and _words(span.doc, at, nxt) >= MIN_UNIT_TOKENS:
            cuts.append(at)
            prev = at
    return cuts


def _words(doc: Any, a: int, b: int) -> int:
    piece = doc.char_span(a, b, alignment_mode="expand")
    return 0 if piece is None else sum(1 for t in piece if not (t.is_punct or t.is_space))


def split_units(doc: Any, sentence: Sentence) -> list[Unit]:
    """Units of one sentence (one unit spanning it when it holds a single fact)."""
    s0, s1 = sentence.span.start, sentence.span.end
    span = doc.char_span(s0, s1, alignment_mode="expand")
    if span is None or len(span) < 2 * MIN_UNIT_TOKENS:
        return [Unit(s0, s1, "")]
    bounds = [s0, *_sentence_cuts(span, s0, s1), s1]
    units: list[Unit] = []
    for piece, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        a, b = _trim(text_of(doc), a, b)
        units.extend(replace(u, piece=piece) for u in _clause_units(doc, a, b))
    return units


def _clause_units(doc: Any, s0: int, s1: int) -> list[Unit]:
    """Units of one grammatical sentence: its coordinated and adverbial clauses, or itself."""
    whole = [Unit(s0, s1, "")]
    span = doc.char_span(s0, s1, alignment_mode="expand")
    if span is None or len(span) < 2 * MIN_UNIT_TOKENS:
        return whole
    quotes = quote_regions(text_of(doc), s0, s1)
    cuts = []
    for sent in span.sents:
        cuts.extend(_cut_points(sent, quotes))
    cuts = sorted({at: h for at, h in cuts if s0 < at < s1}.items())
    if not cuts:
        return whole
    bounds: list[tuple[int, Any]] = [(s0, None), *cuts]
    units: list[Unit] = []
    for k, (start, head) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else s1
        a, b = _trim(text_of(doc), start, end)
        if b <= a:
            return whole
        piece = doc.char_span(a, b, alignment_mode="expand")
        if piece is None or sum(1 for t in piece if not t.is_punct) < MIN_UNIT_TOKENS:
            return whole  # a fragment too short to stand alone: keep the sentence whole
        has_subject = head is None or any(c.dep_ in SUBJECT_DEPS for c in head.children)
        units.append(Unit(a, b, "" if has_subject else _subject_text(head)))
    return units


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip separators and a leading coordinator from ``text[start:end]``."""
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    word = text[start:end].split(" ", 1)[0].lower()
    if word in LEAD_WORDS and len(text[start:end]) > len(word):
        start += len(word)
        while start < end and text[start] in TRIM:
            start += 1
    return start, end


def embed_text(text: str, unit: Unit) -> str:
    """The text to embed for a unit: its words, after the subject it shares."""
    body = text[unit.start : unit.end]
    return f"{unit.context} {body}" if unit.context else body


def article_units(doc: Any, sentences: tuple[Sentence, ...]) -> list[tuple[Sentence, Unit]]:
    """Every unit of an article with the sentence it belongs to."""
    return [(s, u) for s in sentences for u in split_units(doc, s)]


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Attach claim units per article; ids are ``<article>:C<n>``."""
    claims: dict[str, tuple[Claim, ...]] = {}
    contexts: dict[str, str] = {}
    pieces: dict[str, int] = {}
    for art in analysis.articles:
        doc = analysis.parses.get(art.id)
        sents = analysis.sentences.get(art.id, ())
        out: list[Claim] = []
        for sent in sents:
            units = split_units(doc, sent) if doc is not None else [Unit(sent.span.start, sent.span.end, "")]
            for u in units:
                span = Span(art.id, u.start, u.end)
                claim = Claim(f"{art.id}:C{len(out) + 1}", span, art.slice(span), sent.index)
                out.append(claim)
                if u.context:
                    contexts[claim.id] = u.context
                if u.piece:
                    pieces[claim.id] = u.piece
        claims[art.id] = tuple(out)
    # the subject a conjunct shares ("he" in "... and had notified Lecornu"), for alignment
    # and which grammatical sentence of a merged quotation a claim lies in
    extras = {**analysis.extras, "claims": {"subjects": contexts, "pieces": pieces}}
    return analysis.update(claims=claims, extras=extras)
