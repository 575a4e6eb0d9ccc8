"""The same statement across outlets: quote pairs by meaning, shared words and speaker.

Split from :mod:`counterpoint.quotes`, which finds the quotations; this module pairs them.
Same-language pairs compare MiniLM cosines and shared lemmas; pairs in two languages
compare multilingual-e5 cosines mapped onto MiniLM's scale (:mod:`counterpoint.crossling`),
and speaker names through their Latin spellings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .model import Analysis, Quote, QuoteMatch
from .quote_speakers import voice_key
from .resources import Resources

__all__ = ["MATCH_MIN", "match_quotes", "pair_score"]

# Quote-pair score needed to call two renderings one statement. With the speaker term at 0,
# 0.5 gives the best accuracy and F1 on the first 2,000 MSRP training pairs (0.726 / 0.821);
# a shared speaker lowers the meaning needed, two different speakers raise it.
MATCH_MIN = 0.5


def _content_lemmas(analysis: Analysis, q: Quote, text: str) -> set[str]:
    """Lemmas of the content words of a quote's context (its own words when unparsed)."""
    doc = analysis.parses.get(q.span.article)
    if doc is None:
        return {w.lower() for w in re.findall(r"\w{4,}", text)}
    span = doc.char_span(q.span.start, q.span.end, alignment_mode="expand")
    return {t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop and len(t) > 2}


def _same_speaker(a: Quote, b: Quote, langs: tuple[str, str] = ("en", "en")) -> float:
    """1 for one speaker, -1 for two different known speakers, 0 when either is unknown."""
    if a.speaker_entity and b.speaker_entity and a.speaker_entity == b.speaker_entity:
        return 1.0
    if a.speaker_entity and b.speaker_entity and langs[0] == langs[1]:
        return -1.0
    if a.speaker_name and b.speaker_name:
        return 1.0 if _same_name(a.speaker_name, b.speaker_name, langs) else -1.0
    return 0.0


def _same_name(x: str, y: str, langs: tuple[str, str]) -> bool:
    """Whether two speaker names are one voice, comparing Latin spellings across scripts.

    Entity linking across scripts can miss a name (an oblique case, a transliteration the
    data lacks), so a Cyrillic surname is tried in its Russian and Ukrainian romanisations.
    """
    from rapidfuzz import fuzz

    from .crossling import has_cyrillic, spellings

    kx, ky = voice_key(x) or "", voice_key(y) or ""
    xs = spellings(kx) if has_cyrillic(kx) else (kx,)
    ys = spellings(ky) if has_cyrillic(ky) else (ky,)
    return max(fuzz.ratio(p.lower(), q.lower()) for p in xs for q in ys) >= 80


def pair_score(cos: float, overlap: float | None, same: float) -> float:
    """Evidence that two quotations render one statement: meaning, shared words, same speaker.

    Across languages shared words cannot be observed (overlap None): their weight goes to
    meaning, the evidence that stands in for them.
    """
    if overlap is None:
        return 0.8 * cos + 0.2 * same
    return 0.55 * cos + 0.25 * overlap + 0.2 * same


def _language(analysis: Analysis, aid: str) -> str:
    return next((a.language or "en" for a in analysis.articles if a.id == aid), "en")


def _cross_matrix(resources: Resources, langs: Sequence[str], texts: Sequence[str]) -> Any:
    """Cosines on MiniLM's scale for quotes in different languages (multilingual e5, calibrated).

    None when all quotes share one language: same-language pairs keep MiniLM's cosines.
    """
    if len(set(langs)) < 2:
        return None
    from .crossling import similarity_matrix

    return similarity_matrix(resources, langs, texts)


def match_quotes(analysis: Analysis, quotes: Sequence[Quote], resources: Resources,
                 context: Mapping[str, str] | None = None) -> list[QuoteMatch]:
    """Pairs of quotes from different articles that render the same statement (each one's best).

    A partial quote is compared through its whole reported clause (``context``): two outlets
    quote different words of one statement but paraphrase the rest alike.
    """
    if len({q.span.article for q in quotes}) < 2:
        return []
    texts = [(context or {}).get(q.id, q.text) for q in quotes]
    langs = [_language(analysis, q.span.article) for q in quotes]
    same_lang = resources.embed(texts)
    cross = _cross_matrix(resources, langs, texts)
    lemmas = [_content_lemmas(analysis, q, t) for q, t in zip(quotes, texts, strict=True)]
    scores: dict[tuple[int, int], tuple[float, str]] = {}
    for i, qa in enumerate(quotes):
        for j in range(i + 1, len(quotes)):
            qb = quotes[j]
            if qa.span.article == qb.span.article:
                continue
            same = _same_speaker(qa, qb, (langs[i], langs[j]))
            if langs[i] == langs[j]:
                cos = float(same_lang[i] @ same_lang[j])
                common = lemmas[i] & lemmas[j]
                overlap: float | None = len(common) / max(1, min(len(lemmas[i]), len(lemmas[j])))
                why = f"meaning {cos:.2f}, shared words {', '.join(sorted(common)[:5]) or 'none'}"
            else:
                cos, overlap = float(cross[i, j]), None
                why = f"meaning across languages {cos:.2f}"
            why += ", same speaker" if same > 0 else ""
            scores[(i, j)] = (pair_score(cos, overlap, same), why)
    # mutual best per pair of articles: with three outlets a statement may match in each
    best: dict[tuple[int, str], float] = {}
    for (i, j), (s, _) in scores.items():
        ai, aj = quotes[i].span.article, quotes[j].span.article
        best[(i, aj)] = max(best.get((i, aj), 0.0), s)
        best[(j, ai)] = max(best.get((j, ai), 0.0), s)
    out = []
    for (i, j), (s, why) in sorted(scores.items()):
        ai, aj = quotes[i].span.article, quotes[j].span.article
        if s < MATCH_MIN:
            continue
        # one outlet may quote a statement twice (a partial quote, later the full one), so
        # each quote keeps its best counterpart; a link that is the best of one side only
        # must not set two known speakers against each other
        mutual = s >= best[(i, aj)] - 1e-9 and s >= best[(j, ai)] - 1e-9
        one_side = s >= best[(i, aj)] - 1e-9 or s >= best[(j, ai)] - 1e-9
        if mutual or (one_side and _same_speaker(quotes[i], quotes[j], (langs[i], langs[j])) >= 0):
            out.append(QuoteMatch(quotes[i].id, quotes[j].id, round(s, 4), why))
    return out
