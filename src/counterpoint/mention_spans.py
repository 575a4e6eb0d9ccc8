"""Entity spans as NER gives them, cleaned: edge punctuation, possessives, titles, brackets, slips.

Real news shows what the NER model leaves in its spans: "William P. Barr's", "Robert]
Mueller", "'s son", "Representative Zoe Lofgren", "State Emergency Service (SES", a
party tag "D" from "(D-Calif.)", an interjection "O.K." tagged PERSON.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from .crossling import has_cyrillic
from .entity_cluster import skeleton


def parenthesised(doc: Any, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans with a bracketed part split off: "State Emergency Service (SES" is two names."""
    out = []
    for start, end, label in spans:
        cut = next((k for k in range(start + 1, end) if doc[k].text == "("), None)
        if cut is None:
            out.append((start, end, label))
            continue
        out.append((start, cut, label))
        if cut + 1 < end:
            out.append((cut + 1, end, label))
    return out


POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})


def trimmed(doc: Any, start: int, end: int, label: str, is_title: Callable[[Any], object]) -> tuple[int, int]:
    """An entity span without edge punctuation, possessive markers or (for people) titles.

    NER spans often carry them: "William P. Barr's", "Robert] Mueller", "'s son",
    "Representative Zoe Lofgren" (the title is kept as the person's role instead).
    """
    def edge(tok: Any) -> bool:
        return tok.is_punct or tok.text in POSSESSIVE

    # A name never runs across a line break (a headline with an unclosed quote mark ran into
    # the first paragraph: 'Obama's "War on Religion\nDown'): keep the part before it.
    brk = next((k for k in range(start + 1, end) if "\n" in doc[k - 1].whitespace_ or doc[k].is_space), None)
    if brk is not None:
        end = brk
    while end - start > 1 and edge(doc[end - 1]):
        end -= 1
    while end - start > 1 and edge(doc[start]):
        start += 1
    while label == "PERSON" and end - start > 1 and is_title(doc[start]) and doc[start + 1].text[:1].isupper():
        start += 1
    if label == "PERSON":  # "Obama's State [Department]": the person is the possessor
        cut = next((k for k in range(start + 1, end) if doc[k].text in POSSESSIVE), end)
        end = cut
    return start, end


def junk(span: Any, label: str) -> bool:
    """An NER slip, not a name: no capitalised word ("'s son"), or no word of two letters.

    Single letters are party tags ("(D-Calif.)"); a dotted initialism names an agency or a
    country (F.B.I., U.S.) but no person ("O.K." tagged PERSON is an interjection).
    """
    if has_cyrillic(span.text):
        return False
    if not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in span):
        return True
    words = [t.text for t in span if t.text not in POSSESSIVE and not t.is_punct]
    if any(len(re.sub(r"\W", "", w)) >= 2 and "." not in w.rstrip(".") for w in words):
        return False  # a word, not an initialism
    if label == "PERSON":
        return True
    return not any(len(re.sub(r"[^\w]", "", w)) >= 2 for w in words)


# ---- title-cased headlines ----------------------------------------------------------------
# Words title case leaves in lower case (AP, Chicago): articles, conjunctions, short prepositions.
TITLE_SMALL = frozenset({
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
    "off", "on", "per", "to", "up", "via", "vs", "with", "from", "into", "over", "than", "out",
})
MIN_TITLE_WORDS = 3  # "John Smith" alone is a name, not a headline


def _units(doc: Any) -> list[tuple[int, int]]:
    """Token ranges of sentences cut at line breaks: a headline line is a unit of its own.

    The parser often runs a headline without a full stop into the first paragraph.
    """
    out = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text_with_ws:
                if tok.i + 1 > start:
                    out.append((start, tok.i + 1))
                start = tok.i + 1
        if sent.end > start:
            out.append((start, sent.end))
    return out


def title_cased(toks: Any) -> bool:
    """Whether a run of tokens is written in title case: every content word capitalised."""
    words = [t.text for t in toks if t.is_alpha and len(t.text) > 1 and t.lower_ not in TITLE_SMALL]
    return len(words) >= MIN_TITLE_WORDS and all(w[:1].isupper() for w in words)


def headline_noise(doc: Any, known: Callable[[str], object] = lambda _w: False) -> frozenset[int]:
    """Tokens of title-cased lines that are capitalised only because of title case.

    In "Boehner Sees 1 In 3 Chance GOP Will Lose House" NER reads "Boehner Sees" and "Will
    Lose House" as names. A word there counts as a name only when the article also writes
    it as a name where case carries meaning (a proper noun or entity in an ordinary
    sentence), or ``known`` (the alias data) knows it. An article with no ordinary sentence
    gives no evidence either way and keeps every word.
    """
    cached = (doc.user_data or {}).get("headline_noise")
    if cached is not None:
        return frozenset(cached)
    units = _units(doc)
    titled = [(s, e) for s, e in units if title_cased(doc[s:e])]
    plain = [(s, e) for s, e in units if (s, e) not in titled]
    noise: set[int] = set()
    if titled and any(e - s >= MIN_TITLE_WORDS for s, e in plain):
        names = {t.lower_ for s, e in plain for t in doc[s:e]
                 if t.text[:1].isupper() and (t.pos_ == "PROPN" or t.ent_type_) and not (t.i == s and not t.ent_type_)}
        for s, e in titled:
            noise.update(t.i for t in doc[s:e]
                         if t.text[:1].isupper() and t.lower_ not in names and not known(t.text))
    if doc.user_data is not None:
        doc.user_data["headline_noise"] = sorted(noise)
    return frozenset(noise)


def name_runs(start: int, end: int, noise: frozenset[int]) -> list[tuple[int, int]]:
    """A span's runs of tokens that are not headline noise ("Boehner Sees" -> "Boehner")."""
    runs, k = [], start
    while k < end:
        if k in noise:
            k += 1
            continue
        stop = k
        while stop < end and stop not in noise:
            stop += 1
        runs.append((k, stop))
        k = stop
    return runs


# ---- nicknames ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def nicknames() -> dict[str, frozenset[str]]:
    """Nickname -> formal given names (data/nicknames.tsv)."""
    from .resources import read_table

    return {r["nickname"].lower(): frozenset(r["formal"].lower().split(",")) for r in read_table("nicknames.tsv")}


def formal_names(people: Sequence[str]) -> dict[int, str]:
    """Person names whose nickname the same comparison spells out: "Chuck Grassley" -> "Charles Grassley".

    Only where another name with the same surname starts with a formal form of the
    nickname, so Bill Smith stays Bill when nobody writes William Smith.
    """
    firsts: dict[str, set[str]] = {}
    for name in people:
        words = name.split()
        if len(words) >= 2:
            firsts.setdefault(words[-1].lower(), set()).add(words[0].lower())
    out = {}
    for k, name in enumerate(people):
        words = name.split()
        if len(words) < 2:
            continue
        found = sorted(nicknames().get(words[0].lower(), frozenset()) & firsts.get(words[-1].lower(), set()))
        if len(found) == 1:
            out[k] = " ".join([found[0].capitalize()] + words[1:])
    return out


# ---- romanised spellings -----------------------------------------------------------------
def same_spelling(a: str, b: str) -> bool:
    """Two romanisations of one name: equal skeletons, or (Russian vs Ukrainian vowels,
    Сосновка/Соснівка, Каменка/Кам'янка) equal consonants and first letter."""
    if len(a) <= 2 or not b:
        return False
    if skeleton(a) == skeleton(b):
        return True
    ca, cb = _consonants(a), _consonants(b)
    return len(ca) >= 3 and ca == cb and a[0].lower() == b[0].lower()


def stem_of(stem: str, word: str) -> bool:
    """A romanised stem that begins a word, short of at most two letters of ending."""
    a, b = skeleton(stem), skeleton(word)
    return len(a) >= 4 and b.startswith(a) and len(b) - len(a) <= 2


def _consonants(word: str) -> str:
    return re.sub(r"[aeiouy'\u2019]", "", skeleton(word))
