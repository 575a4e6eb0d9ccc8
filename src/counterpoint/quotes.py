"""Quotes: who is quoted, saying what, and the same statement across outlets.

Needs: ``parses``, ``sentences``, ``entities``.  Adds: ``quotes``, ``quote_matches`` and
``extras["quotes"]`` (voices per article, reported speech, quoted terms).

Attribution is built from spaCy's parse: a quotation is tied to the nearest speech cue
outside its marks (``data/speech_cues.tsv``), or to an attribution just outside its sentence
("? Graham asked.", "― Jane Doe", "X continued:"); the cue's subject (or "according to X") is
the source as written, which :mod:`counterpoint.quote_speakers` resolves to a named mention.
Quoted terms (scare quotes, titles) are kept apart from statements. Reported speech without
quotation marks goes to ``extras["quotes"]["reported"]``, because the contract's ``quotes``
list is scored against direct and partial quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from .model import Analysis, Quote, QuoteMatch, Sentence, Span
from .quote_matching import match_quotes
from .quote_speakers import (
    SLAVIC_PRONOUNS,
    Attribution,
    Lexicon,
    Speaker,
    lexicon,
    name_span,
    speakers,
    voices,
)
from .resources import Resources
from .segment import quote_regions, text_of

MARKS = "\"“”«»„‘’‹›「」"
SAID = {"said", "says", "say"}
DASHES = "―—–"
# two apostrophes as quotation marks (typewriter and some wire archives), within a line
TYPEWRITER = re.compile(r"''(?=\S)[^\n]+?(?<=\S)''")


# ---- quotations -------------------------------------------------------------------------
def regions_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotation regions of ``segment.quote_regions`` plus typewriter pairs ''like this''."""
    found = quote_regions(text, start, end)
    for m in TYPEWRITER.finditer(text, start, end):
        if not any(s < m.end() and m.start() < e for s, e in found):
            found.append((m.start(), m.end()))
    return sorted(found)


def inner(text: str, region: tuple[int, int]) -> tuple[int, int]:
    """The quoted text of a region, marks and edge spaces and commas removed."""
    s, e = region
    if text[s : s + 2] == "''" and text[e - 2 : e] == "''":
        s, e = s + 2, e - 2
    s += 1 if text[s : s + 1] in MARKS else 0
    e -= 1 if e > s and text[e - 1] in MARKS else 0
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


def is_term(doc: Any, region: tuple[int, int], sent: Sentence) -> bool:
    """True for a quoted term (scare quote, title, slogan) rather than a quoted statement."""
    s, e = inner(text_of(doc), region)
    span = doc.char_span(s, e, alignment_mode="expand") if e > s else None
    toks = list(span) if span is not None else []
    words = [t for t in toks if t.is_alpha]
    if not words:
        return True
    alone = text_of(doc)[sent.span.start : region[0]].strip() == ""
    if alone and len(words) >= 2:
        return False  # a sentence opening with a quotation is a statement, however short
    content = [w for w in words if not w.is_stop]
    title = bool(content) and all(w.text[0].isupper() for w in content) and not alone
    has_verb = any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"amod", "compound"} for t in toks)
    if title and len(words) <= 8:
        return True
    if has_verb and len(words) >= 2 and _reported_clause(toks):
        return False  # 'told reporters that "patience pays"': the whole reported clause
    return not ((has_verb and len(words) >= 3) or len(words) >= 6)


def _reported_clause(toks: list[Any]) -> bool:
    """True when the tokens hold the verb of a clause a speech cue reports (its ccomp)."""
    inside = {t.i for t in toks}
    lex = lexicon()
    return any(t.dep_ == "ccomp" and t.head.i not in inside and _lemma(t.head) in lex.cues
               for t in toks)


def statement_regions(doc: Any, sent: Sentence) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Quotation regions of a sentence split into (statements, terms)."""
    text = text_of(doc)
    stmts: list[tuple[int, int]] = []
    terms: list[tuple[int, int]] = []
    for r in regions_in(text, sent.span.start, sent.span.end):
        (terms if is_term(doc, r, sent) else stmts).append(r)
    return stmts, terms


def _inside(pos: int, regions: Iterable[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in regions)


def cue_tokens(doc: Any, sent: Sentence, regions: Sequence[tuple[int, int]], lex: Lexicon) -> list[Any]:
    """Speech-cue tokens of a sentence that stand outside its quotations."""
    out = []
    span = doc.char_span(sent.span.start, sent.span.end, alignment_mode="expand")
    for t in span:
        if _inside(t.idx, regions):
            continue
        lemma = _lemma(t)
        if lemma == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            out.append(t)
        elif lemma in lex.cues and (t.pos_ in {"VERB", "AUX"} or t.lower_ in SAID) and lemma != "according":
            if lex.cues[lemma][1] and not regions:
                continue
            if not regions and not _has_clause(t) and not _subject(t, regions):
                continue
            out.append(t)
    return out


def _lemma(tok: Any) -> str:
    """A cue's lemma; sentence-initial "Said"/"According" get odd lemmas from the tagger."""
    low = tok.lower_
    return "according" if low == "according" else "say" if low in SAID else str(tok.lemma_.lower())


def _has_clause(tok: Any) -> bool:
    return any(c.dep_ == "ccomp" for c in tok.children)


def _subject(tok: Any, quoted: Sequence[tuple[int, int]] = (),
             bounds: tuple[int, int] | None = None) -> Any | None:
    """The token that does the saying: nsubj, "according to X", or a governing verb's subject.

    Words inside the quotation are never the source: the parser often makes the quotation's
    own subject ("My reaction, that was outrageous," X said) the subject of the cue.
    ``bounds`` (the sentence's characters) stops the climb where the parse runs a tree over
    two of our sentences; the sentence's own first subject then stands in.
    """
    if _lemma(tok) == "according":
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None and tok.i + 1 < len(tok.doc):
            to = tok.doc[tok.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    cue = tok
    doer = _gerund_subject(tok, quoted, after_object=True)
    if doer is not None:  # "a video of him mocking X": the parse may make the video its subject
        return doer
    for _ in range(3):
        # two subjects: 'That group, Mr. Corker said, was ...' — the parenthesis's is the cue's
        subjs = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}
                 and c.text not in MARKS and not _inside(c.idx, quoted)]
        subj = min(subjs, key=lambda c: abs(c.i - cue.i)) if tok is cue and subjs else next(iter(subjs), None)
        if subj is not None and subj.lower_ in {"who", "that", "which"} and tok.dep_ == "relcl":
            return tok.head
        if subj is not None:
            return subj
        doer = _gerund_subject(tok, quoted)
        if doer is None and tok is cue and cue.i >= 2 and cue.doc[cue.i - 1].text == ",":
            doer = _apposed_name(cue.doc[cue.i - 2])  # before climbing: the parse may hang the cue on a noun
        if doer is not None:
            return doer
        if tok.dep_ in {"relcl", "acl"}:
            return tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":  # 'began by saying', 'after adding'
            tok = tok.head.head
            continue
        if tok.dep_ not in {"advcl", "xcomp", "conj"} or tok.head.i == tok.i:
            break
        if bounds is not None and not bounds[0] <= tok.head.idx < bounds[1]:
            return _first_subject(cue, quoted, bounds) or _adjacent_subject(cue, quoted)
        tok = tok.head
    return _adjacent_subject(cue, quoted)


def _first_subject(cue: Any, quoted: Sequence[tuple[int, int]], bounds: tuple[int, int]) -> Any | None:
    """The first subject in a sentence before a cue, outside quotations."""
    doc = cue.doc
    return next((t for t in doc[:cue.i] if t.idx >= bounds[0] and t.dep_ in {"nsubj", "nsubjpass"}
                 and not _inside(t.idx, quoted)), None)


def _adjacent_subject(cue: Any, quoted: Sequence[tuple[int, int]]) -> Any | None:
    """A noun right next to the cue when the parse gave it no subject: 'said Ellis', 'X said'."""
    doc = cue.doc
    nxt = doc[cue.i + 1] if cue.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in SLAVIC_PRONOUNS:  # "— сказав він": often mis-tagged
        return nxt
    if nxt is not None and nxt.pos_ == "PROPN" and nxt.ent_type_ not in {"DATE", "TIME"}:
        while nxt.i + 1 < len(doc) and doc[nxt.i + 1].pos_ == "PROPN":
            nxt = doc[nxt.i + 1]
        return nxt
    prev = doc[cue.i - 1] if cue.i > 0 else None
    if prev is not None and prev.pos_ in {"NOUN", "PROPN"} and not _inside(prev.idx, quoted):
        return prev
    if prev is not None and prev.text == "," and cue.i >= 2:
        return _apposed_name(doc[cue.i - 2])
    return None


def _gerund_subject(verb: Any, quoted: Sequence[tuple[int, int]], after_object: bool = False) -> Any | None:
    """The doer of a gerund: "video of him mocking X as ...", "footage of Ellis warning that ...".

    An object pronoun right before a gerund can only be its doer (``after_object``); a
    name there counts when the parse gave the gerund no subject.
    """
    if verb.tag_ != "VBG" or verb.i == 0:
        return None
    prev = verb.doc[verb.i - 1]
    if _inside(prev.idx, quoted):
        return None
    if prev.lower_ in {"him", "her", "them"}:
        return prev
    if not after_object and prev.pos_ == "PROPN" and prev.ent_type_ == "PERSON":
        return prev
    return None


def _apposed_name(last: Any) -> Any | None:
    """A name whose apposition ends right before ", <cue>": "Joni Ernst, a candidate ..., announced".

    The parser sometimes hangs the name on an earlier noun and leaves the cue without a
    subject; the apposition's own head is then the one speaking.
    """
    tok = last
    while tok.head.i != tok.i and tok.head.i < last.i + 2:
        if tok.dep_ == "appos" and tok.head.ent_type_ in {"PERSON", "ORG"} and tok.head.i < tok.i:
            return tok.head
        tok = tok.head
    return None


def np_span(tok: Any) -> tuple[int, int]:
    """Characters of a noun phrase: its head with left modifiers and "of"-phrases, no clauses."""
    keep = [tok]
    for c in tok.children:
        if c.dep_ in {"appos", "relcl", "acl", "punct", "cc", "conj", "advmod"}:
            continue
        if c.i > tok.i and c.dep_ != "prep":
            continue
        keep.extend(c.subtree)
    toks = sorted(keep, key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _distance(tok: Any, region: tuple[int, int]) -> int:
    if region[0] <= tok.idx < region[1]:
        return 0
    return min(abs(tok.idx - region[1]), abs(region[0] - tok.idx))


def _kind(text: str, sent: Sentence, region: tuple[int, int], cue: Any | None) -> str:
    """direct when the quotation stands as a sentence of its own, partial when inside one."""
    before = text[sent.span.start : region[0]].rstrip()
    s, _ = inner(text, region)
    opens = text[s : s + 1].isupper() or text[s : s + 1] in "[("
    if not before or before.endswith(":") or before in DASHES:  # dash: Slavic dialogue speech
        return "direct"
    if opens and before.endswith(",") and cue is not None and cue.idx < region[0]:
        return "direct"
    return "partial"


def _group(units: list[tuple[tuple[int, int], Any | None]]) -> list[tuple[list[tuple[int, int]], Any | None]]:
    """Quotations of one sentence that share a cue become one attribution (interrupted quotes)."""
    groups: list[tuple[list[tuple[int, int]], Any | None]] = []
    for region, cue in units:
        if groups and cue is not None and groups[-1][1] is not None and groups[-1][1].i == cue.i:
            groups[-1][0].append(region)
        else:
            groups.append(([region], cue))
    return groups


def sentence_attributions(doc: Any, sent: Sentence, lex: Lexicon) -> tuple[list[Attribution], list[tuple[int, int]]]:
    """Attributions and quoted terms of one sentence."""
    text = text_of(doc)
    stmts, terms = statement_regions(doc, sent)
    quoted = stmts + terms
    cues = cue_tokens(doc, sent, quoted, lex)
    units = []
    for r in stmts:
        ranked = sorted(cues, key=lambda c: (_distance(c, r), _subject(c, quoted) is None))
        units.append((r, _reported_speaker(ranked[0], cues, quoted) if ranked else None))
    out, used = [], set()
    for regions, cue in _group(units):
        first, last = regions[0], regions[-1]
        inn = tuple(inner(text, r) for r in regions)
        kind = _kind(text, sent, first, cue)
        content = (first[0], last[1])
        if cue is not None:
            used.add(cue.i)
            if cue.dep_ == "ccomp":  # the wrapping report ('aides said') is this quotation's
                used.add(cue.head.i)
            clause = next((c for c in cue.children if c.dep_ == "ccomp"), None)
            if kind == "partial" and clause is not None:
                cs, ce = _tok_span(clause)
                content = (min(cs, content[0]), max(ce, content[1]))
        out.append(_make(sent, content, inn, kind, cue, quoted))
    for cue in cues:
        if cue.i in used:
            continue
        said = _reported_content(cue)
        if said is not None:
            out.append(_make(sent, said, (), "reported", cue, quoted))
    return out, [inner(text, t) for t in terms]


def _reported_speaker(cue: Any, cues: Sequence[Any], quoted: Sequence[tuple[int, int]]) -> Any:
    """The cue of whoever spoke the words when one report wraps another.

    '"...," aides said Mr. Ryan told his colleagues': the aides are the source, Ryan's are
    the words; a speech cue in the clause another cue reports is the speaker's own.
    """
    # the reported clause follows the cue directly; after a comma the parse has it backwards
    # ('"...," he said as he kept walking, CNN's Walsh tweeted')
    inner = next((c for c in cues if c.dep_ == "ccomp" and c.head.i == cue.i and c.i > cue.i
                  and not any(t.is_punct for t in cue.doc[cue.i + 1 : c.i])
                  and _subject(c, quoted) is not None), None)
    return inner if inner is not None else cue


def _tok_span(tok: Any) -> tuple[int, int]:
    toks = list(tok.subtree)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _reported_content(cue: Any) -> tuple[int, int] | None:
    """The clause a cue reports: its ccomp, or the clause "according to X" is attached to."""
    if _lemma(cue) == "according":
        head = cue.head
        toks = [t for t in head.subtree if t.i < cue.i and not t.is_punct]
        if not toks:
            toks = [t for t in head.subtree if t.i > cue.i + 1 and t not in set(cue.subtree)]
        return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None
    clause = next((c for c in cue.children if c.dep_ == "ccomp"), None)
    if clause is None and cue.dep_ == "parataxis":
        # 'X, he said, Y': the content is the clause around the parenthetical cue
        inner_toks = set(cue.subtree)
        toks = [t for t in cue.head.subtree if t not in inner_toks and not t.is_punct]
        return (toks[0].idx, toks[-1].idx + len(toks[-1])) if len(toks) > 2 else None
    if clause is None:
        return None
    s, e = _tok_span(clause)
    while e > s and text_of(cue.doc)[e - 1] in ",.;: ":
        e -= 1
    return (s, e) if e - s > 3 else None


def _make(sent: Sentence, content: tuple[int, int], regions: tuple[tuple[int, int], ...],
          kind: str, cue: Any | None, quoted: Sequence[tuple[int, int]] = ()) -> Attribution:
    subj = _subject(cue, quoted, (sent.span.start, sent.span.end)) if cue is not None else None
    cue_text = None
    if cue is not None:
        cue_text = "according to" if _lemma(cue) == "according" else cue.text
    return Attribution(
        sentence=sent.index, content=content, regions=regions, kind=kind, cue=cue_text,
        cue_i=cue.i if cue is not None else None,
        source=np_span(subj) if subj is not None else None,
        source_i=subj.i if subj is not None else None,
    )


def extract(doc: Any, sentences: Sequence[Sentence], lex: Lexicon | None = None) -> tuple[list[Attribution], list[tuple[int, int]]]:
    """All attributions of an article in text order, and its quoted terms."""
    lex = lex or lexicon()
    attrs: list[Attribution] = []
    terms: list[tuple[int, int]] = []
    for sent in sentences:
        found, t = sentence_attributions(doc, sent, lex)
        terms += t
        for a in sorted(found, key=lambda x: x.content):
            if a.cue is None and a.regions:
                a = _outside_cue(doc, sentences, a, lex)
            attrs.append(_continue(attrs, a, sentences))
    return _merge_interrupted(attrs, sentences), terms


def _outside_cue(doc: Any, sentences: Sequence[Sentence], a: Attribution, lex: Lexicon) -> Attribution:
    """A quotation whose attribution stands outside its sentence.

    Four layouts: a dash and a name after it ('"..." ― Jane Doe'), a name and a colon before
    it ('Putin: "..."'), a short attribution sentence after it ('"...?" Graham asked.'), a
    sentence ending in a colon before it ('Caddell continued:').
    """
    text, end, k = text_of(doc), a.content[1], a.sentence
    after = re.match(rf"\s*[{DASHES}]\s*", text[end : end + 6])
    lead = text[sentences[k].span.start : a.content[0]].rstrip()
    tok = None
    if after:
        tok = next((t for t in doc if t.idx >= end + after.end()), None)
    elif lead.endswith(":") and 1 < len(lead) <= 40:
        colon = doc.char_span(sentences[k].span.start + len(lead) - 1, sentences[k].span.start + len(lead),
                              alignment_mode="expand")
        tok = doc[colon.start - 1] if colon is not None and colon.start > 0 else None
    if tok is not None and (tok.pos_ == "PROPN" or tok.ent_type_ in {"PERSON", "ORG"}):
        name = name_span(tok) or (tok.idx, tok.idx + len(tok))
        return Attribution(a.sentence, a.content, a.regions, a.kind, "―" if after else ":", None, name, tok.i)
    near = []
    if k + 1 < len(sentences) and sentences[k + 1].paragraph == sentences[k].paragraph:
        near.append(sentences[k + 1])
    if k > 0 and sentences[k - 1].text.rstrip().endswith(":"):
        near.append(sentences[k - 1])
    for sent in near:
        span = doc.char_span(sent.span.start, sent.span.end, alignment_mode="expand")
        # a scare-quoted word in the attribution ('tweeted, "finally," ... :') is no quotation
        if span is None or (sent.index > k and len(span) > 12) or statement_regions(doc, sent)[0]:
            continue
        for t in span:
            subj = _subject(t) if _lemma(t) in lex.cues and t.pos_ in {"VERB", "AUX"} else None
            if subj is not None:
                return Attribution(a.sentence, a.content, a.regions, a.kind, t.text, t.i,
                                   np_span(subj), subj.i)
    return a


def span_chars(sent: Sentence) -> tuple[int, int]:
    return sent.span.start, sent.span.end


def _continue(prev: list[Attribution], a: Attribution, sentences: Sequence[Sentence]) -> Attribution:
    """A quotation with no cue takes the source of the quotation just before it."""
    if a.cue is not None or not a.regions:
        return a
    for p in reversed(prev):
        if a.sentence - p.sentence > 2:
            break
        # 'Dingell said she gets it. "Leader Pelosi always listened."': a cue-less quotation
        # right after reported speech is that speaker's too
        told = not p.regions and p.kind == "reported" and p.sentence == a.sentence - 1
        same_par = sentences[p.sentence].paragraph == sentences[a.sentence].paragraph
        if (p.regions or (told and same_par)) and p.source is not None:
            return Attribution(a.sentence, a.content, a.regions, a.kind, None, None,
                               p.source, p.source_i, inherited=True)
    return a


def _merge_interrupted(attrs: list[Attribution], sentences: Sequence[Sentence]) -> list[Attribution]:
    """'"A," he said. "B."': the continuation in the next sentence joins its opening part."""
    out: list[Attribution] = []
    for a in attrs:
        p = out[-1] if out else None
        if (p is not None and a.inherited and p.regions and p.cue is not None
                and a.sentence == p.sentence + 1 and a.kind == "direct"
                and sentences[a.sentence].paragraph == sentences[p.sentence].paragraph
                and a.regions[0][0] - p.regions[-1][1] < 120):
            out[-1] = Attribution(p.sentence, (p.content[0], a.content[1]), p.regions + a.regions,
                                  p.kind, p.cue, p.cue_i, p.source, p.source_i)
        else:
            out.append(a)
    return out


# ---- stage ------------------------------------------------------------------------------
def quoted_text(text: str, a: Attribution) -> str:
    """The words of an attribution: its quoted parts joined, or the reported clause."""
    if not a.regions:
        return text[a.content[0] : a.content[1]]
    return " … ".join(text[s:e] for s, e in a.regions)


def _entity_id(analysis: Analysis, aid: str, span: tuple[int, int] | None) -> str | None:
    """The entity whose mention covers a speaker's naming span most."""
    if span is None or not analysis.entities:
        return None
    from .entities import entity_for_span

    found = entity_for_span(analysis, Span(aid, span[0], span[1]))
    return found.id if found is not None else None


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Find quotations and reported speech, resolve speakers, match statements across outlets."""
    lex = lexicon()
    found: list[tuple[Quote, Speaker, str]] = []
    parts: dict[str, list[Quote]] = {}
    terms: list[dict[str, Any]] = []
    for art in analysis.articles:
        doc = analysis.parses.get(art.id)
        if doc is None:
            continue
        sents = analysis.sentences.get(art.id, ())
        attrs, term_spans = extract(doc, sents, lex)
        terms += [{"article": art.id, "start": s, "end": e, "text": art.text[s:e], "kind": "term"}
                  for s, e in term_spans]
        for a, sp in zip(attrs, speakers(doc, sents, attrs, lex), strict=True):
            span = (a.regions[0][0], a.regions[-1][1]) if a.regions else a.content
            q = Quote(
                id=f"Q{len(found) + 1}", span=Span(art.id, *span), text=quoted_text(art.text, a),
                kind=a.kind,  # type: ignore[arg-type]
                speaker_entity=_entity_id(analysis, art.id, sp.span), speaker_name=sp.name,
                speaker_span=_speaker_span(art.id, sp, a), cue=a.cue,
            )
            found.append((q, sp, art.text[a.content[0] : a.content[1]]))
            parts[q.id] = spoken_parts(art.text, q, a.regions)
    quotes = [p for q, _, _ in found if q.kind != "reported" for p in parts[q.id]]
    context = {q.id: c for q, _, c in found}
    # a direct quotation cut in two compares by its own words; a partial one by its clause
    context.update({p.id: p.text if p.kind == "direct" else context[q.id]
                    for q, _, _ in found for p in parts[q.id] if len(parts[q.id]) > 1})
    extras = dict(analysis.extras)
    extras["quotes"] = {
        "voices": voices(analysis, [(q, sp) for q, sp, _ in found]),
        "reported": [_quote_row(analysis, q, sp) for q, sp, _ in found if q.kind == "reported"],
        "terms": terms,
        "reported_matches": [m.__dict__ for m in match_quotes(
            analysis, [q for q, _, _ in found], resources, context) if not _both_direct(m, quotes)],
    }
    return analysis.update(
        quotes=tuple(quotes),
        quote_matches=tuple(match_quotes(analysis, quotes, resources, context)),
        extras=extras,
    )


def spoken_parts(text: str, q: Quote, regions: Sequence[tuple[int, int]]) -> list[Quote]:
    """A quotation interrupted by its attribution as one quote per spoken part.

    The contract's span is the words spoken ('"X," Ryan said after the vote. "Y."' gives
    X and Y, one speaker); parts joined only by marks and spaces stay one span.
    """
    runs: list[list[int]] = []
    for s, e in regions:
        if runs and not re.search(r"\w", text[runs[-1][1] : s]):
            runs[-1][1] = e
        else:
            runs.append([s, e])
    if len(runs) < 2:
        return [q]
    return [replace(q, id=q.id if k == 0 else f"{q.id}.{k + 1}", span=Span(q.span.article, s, e),
                    text=text[s:e]) for k, (s, e) in enumerate(runs)]


def _speaker_span(aid: str, sp: Speaker, a: Attribution) -> Span | None:
    """The naming mention; for an unnamed source ("officials", "he"), its words as written."""
    where = sp.span or a.source
    return Span(aid, *where) if where else None


def _both_direct(m: QuoteMatch, quotes: Sequence[Quote]) -> bool:
    ids = {q.id for q in quotes}
    return m.a in ids and m.b in ids


def _quote_row(analysis: Analysis, q: Quote, sp: Speaker) -> dict[str, Any]:
    return {
        "id": q.id, "article": q.span.article, "start": q.span.start, "end": q.span.end,
        "text": analysis.text_of(q.span), "kind": q.kind, "cue": q.cue,
        "speaker": {"entity": q.speaker_entity, "name": q.speaker_name, "how": sp.how},
    }
