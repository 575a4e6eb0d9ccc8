"""Segment: parse each article with spaCy and cut it into sentences.

Needs: ``articles``.  Adds: ``parses`` (spaCy Doc per article), ``sentences``.

Sentences come from spaCy's parser, with two corrections: a paragraph break (newline) always
ends a sentence, and a sentence boundary that falls inside a quotation is removed, so a quote
of several sentences, or one interrupted by its attribution, stays in one sentence.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Analysis, Sentence, Span
from .resources import Resources

# Opening mark -> closing marks it may pair with (German „…“ and „…” both occur).
PAIRS = {"“": "”", "«": "»", "„": "“”", "‘": "’", "‹": "›", "「": "」"}
STRAIGHT = '"'
DIALOGUE_DASHES = "—–"
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def text_of(doc: Any) -> str:
    """A Doc's text, joined once: spaCy's ``doc.text`` rebuilds it from every token on each
    access, which made stages that read it per sentence quadratic in an article's length."""
    text = doc.user_data.get("counterpoint_text")
    if text is None:
        text = doc.user_data["counterpoint_text"] = doc.text
    return str(text)


def ents_in(span: Any, labels: frozenset[str] | set[str] | tuple[str, ...]) -> list[Any]:
    """The entities with one of ``labels`` inside a span (a sentence), labelled as ``Span.ents``
    gives them but read from the IOB tags: ``Span.ents`` filters every entity of the whole Doc
    on each access."""
    from spacy.tokens import Span as SpacySpan

    doc, out, i = span.doc, [], span.start
    while i < span.end:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j <= span.end and doc[i].ent_type_ in labels:  # wholly inside, as Span.ents counts them
            out.append(SpacySpan(doc, i, j, label=doc[i].ent_type_))
        i = j
    return out

def quote_regions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans ``(open, close+1)`` of quotations in ``text[start:end]``, marks included.

    Straight quotes pair up in order; curly and angle quotes pair by kind; an apostrophe
    (‘ ’ inside a word) is not a quote. Unclosed marks close at the paragraph's end.
    """
    end = len(text) if end is None else end
    regions: list[tuple[int, int]] = dialogue_regions(text, start, end)
    i = start
    while i < end:
        c = text[i]
        closers = STRAIGHT if c == STRAIGHT else PAIRS.get(c)
        if closers is None or (c == "‘" and _inside_word(text, i)):
            i += 1
            continue
        j = _find_close(text, i + 1, end, closers)
        if c == "“":
            j = _mixed_close(text, i, j)
        if not any(s <= i < e for s, e in regions):
            regions.append((i, j))
        i = j
    return sorted(regions)


def dialogue_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Speech in Russian/Ukrainian dialogue style, without quotation marks.

    A paragraph opening with a dash is speech up to the next spaced dash ("— Мы не отступим,
    — сказал он. — Это наша земля."): the parts alternate speech, attribution, speech.
    Dashes are not part of a region. Only paragraphs in Cyrillic script: an English
    paragraph opening with a dash is a list item or a byline."""
    out: list[tuple[int, int]] = []
    for p0, p1 in paragraphs(text):
        a, b = max(p0, start), min(p1, end)
        if a >= b or text[a] not in DIALOGUE_DASHES or a != p0 or not _CYRILLIC.search(text, a, b):
            continue
        cuts = [m.start() for m in re.finditer(rf"\s[{DIALOGUE_DASHES}]\s", text[a:b])]
        bounds = [a + 1, *(a + c for c in cuts), b]
        for k in range(0, len(bounds) - 1, 2):
            s, e = bounds[k], bounds[k + 1]
            while s < e and (text[s].isspace() or text[s] in DIALOGUE_DASHES):
                s += 1
            while e > s and (text[e - 1].isspace() or text[e - 1] in ","):
                e -= 1
            if e > s:
                out.append((s, e))
    return out


def _mixed_close(text: str, i: int, j: int) -> int:
    """Scraped text mixes styles ('“It is over," he said. ... “We will see.”'): when another “
    opens before this one's ” and a straight mark comes first, that mark closed this one."""
    reopen = text.find("“", i + 1, j)
    if reopen < 0:
        return j
    k = text.find(STRAIGHT, i + 1, reopen)
    return k + 1 if k >= 0 else j


def _find_close(text: str, i: int, end: int, closers: str) -> int:
    """Index just past the closing mark, or the paragraph's end when none comes."""
    while i < end:
        c = text[i]
        if c == "\n" and i + 1 < end and text[i + 1] != "\n" and closers == STRAIGHT:
            # straight quotes never run over a line break: unbalanced, give up here
            return i
        if c in closers and not (c == "’" and _inside_word(text, i)):
            return i + 1
        i += 1
    return end


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty line spans; news text uses one paragraph per line."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def split_sentences(doc: Any, article_id: str) -> tuple[Sentence, ...]:
    """Sentences of a parsed article, merged across quotations, cut at paragraphs."""
    text = text_of(doc)
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        inside = quote_regions(text, p_start, p_end)
        cuts = [p_start]
        for sent in doc.char_span(p_start, p_end, alignment_mode="expand").sents:
            b = max(sent.start_char, p_start)
            if b > p_start and not any(s < b < e for s, e in inside):
                cuts.append(b)
        cuts.append(p_end)
        cuts = _join_interrupted(text, cuts, inside)
        for a, b in zip(cuts, cuts[1:], strict=False):
            seg = text[a:b]
            a2 = a + len(seg) - len(seg.lstrip())
            b2 = a + len(seg.rstrip())
            if b2 > a2:
                out.append(Sentence(Span(article_id, a2, b2), text[a2:b2], len(out), p_index))
    return tuple(out)


def _join_interrupted(text: str, cuts: list[int], inside: list[tuple[int, int]]) -> list[int]:
    """Drop the cut in '"A," she said. "B."': one statement interrupted by its attribution."""
    keep = [cuts[0]]
    for k in range(1, len(cuts) - 1):
        prev, cut = keep[-1], cuts[k]
        opens_prev = any(s == _speech_start(text, prev) for s, _ in inside)
        opens_next = any(s == _speech_start(text, cut) for s, _ in inside)
        tail_start = max((e for s, e in inside if prev <= s and e <= cut), default=None)
        short_tail = tail_start is not None and len(text[tail_start:cut].split()) <= 6
        if not (opens_prev and opens_next and short_tail):
            keep.append(cut)
    keep.append(cuts[-1])
    return keep


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _speech_start(text: str, i: int) -> int:
    """Where a quotation opening at ``i`` starts: after spaces, and after a dialogue dash."""
    i = _skip_space(text, i)
    if i < len(text) and text[i] in DIALOGUE_DASHES and _CYRILLIC.search(text, i, i + 200):
        i = _skip_space(text, i + 1)
    return i


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Parse every article once and attach its sentences."""
    parses = {}
    for lang in dict.fromkeys(a.language for a in analysis.articles):
        arts = [a for a in analysis.articles if a.language == lang]
        docs = resources.parse((a.text for a in arts), language=lang)
        parses.update({a.id: d for a, d in zip(arts, docs, strict=True)})
    sentences = {a.id: split_sentences(parses[a.id], a.id) for a in analysis.articles}
    return analysis.update(parses=parses, sentences=sentences)


_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
TITLE_CASE_SHARE = 0.6  # of a line's words of 4+ letters capitalised: a Title Case headline
SMALL_WORDS = 3  # Title Case leaves "of", "in", "to" low; longer words are capitalised


def is_title_case(line: str) -> bool:
    """Whether a line is written in headline Title Case ("Representative Apologizes for
    Criticizing Iowa Senator"), where capitals no longer mark names."""
    long = [w for w in _WORD.findall(line) if len(w) > SMALL_WORDS]
    caps = sum(1 for w in long if w[0].isupper())
    return len(long) >= 3 and caps >= TITLE_CASE_SHARE * len(long)


def sentence_case(line: str, keep: list[tuple[int, int]]) -> str:
    """``line`` with every word lower-cased except the first, acronyms and the character
    ranges in ``keep`` (the names found in it); the length never changes, so offsets hold."""
    out = list(line)
    for k, m in enumerate(_WORD.finditer(line)):
        word = m.group()
        if k == 0 or (len(word) > 1 and word.isupper()) or any(s <= m.start() < e for s, e in keep):
            continue
        low = word.lower()
        if len(low) == len(word):
            out[m.start() : m.end()] = low
    return "".join(out)
