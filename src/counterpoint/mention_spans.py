"""Entity spans as NER gives them, cleaned: edge punctuation, possessives, titles, brackets, slips.

Real news shows what the NER model leaves in its spans: "William P. Barr's", "Robert]
Mueller", "'s son", "Representative Zoe Lofgren", "State Emergency Service (SES", a
party tag "D" from "(D-Calif.)", an interjection "O.K." tagged PERSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .crossling import has_cyrillic


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
