"""Framing: how each outlet tells the story: naming, loaded words, sources, hedges, emphasis.

Needs: ``parses``, ``entities``, ``alignments``, ``unique``.  Adds: ``framing`` and
``extras["framing"]["profiles"]`` (one short profile per article).

Loaded language comes from two data files (``loaded_terms.tsv``, written for the project, and a
VADER subset, ``evaluative_vader.tsv``, MIT) read through spaCy's lemmas, parts of speech and
dependencies; sources and hedges come from dependency patterns ("according to X", "X reported",
"told X", "wrote on X", "citing X", "sources said") with ``news_sources.tsv`` and
``hedge_cues.tsv`` naming agencies, outlets, platforms and hedge words. No weights are shipped:
the only dataset with bias labels here (BABE) is AGPL-3.0, so nothing trained on it goes in.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .framing_naming import naming_marks, norm_name
from .framing_naming import spelling_variants as spelling_variants  # tests use it from here
from .model import Analysis, Article, FramingMark, Span
from .resources import Resources, read_table
from .segment import quote_regions, text_of

KINDS: tuple[str, ...] = ("naming", "loaded", "sourcing", "hedge", "emphasis")
# Minimum negative VADER valence for a word with no entry in loaded_terms.tsv to count as
# evaluative. Only negative words: on BABE's dev half positive-valence words were biased words
# 2-10% of the time ("active", "support"), negative adjectives 30-45%. Nouns and verbs are often
# the news itself ("killed", "war"), so they are off by default. Picked on the BABE dev half
# (scripts/eval_babe.py), which only sets these numbers: no BABE text or label is shipped.
NEVER = 9.9  # above VADER's 4.0 ceiling: the part of speech is never judged by valence alone
VALENCE_MIN = {"ADJ": 1.5, "ADV": 1.5, "NOUN": NEVER, "VERB": NEVER}
REPORT_VERBS = frozenset(
    "say report tell write post tweet confirm announce state cite quote publish claim add note "
    "inform reveal disclose allege insist warn learn broadcast air read".split()
)
# Nouns whose referent is an institution or office speaking for one.
OFFICIAL_NOUNS = frozenset(
    "ministry government office spokesperson spokesman spokeswoman official embassy kremlin "
    "administration agency department police army military command staff service statement "
    "council commission committee parliament prosecutor court authority union regulator company "
    "spokesman spokesperson watchdog".split()
)
ANONYMOUS_NOUNS = frozenset("source insider person people official diplomat".split())
OUTLET_WORDS = frozenset(
    "times post news journal herald gazette tribune telegraph agency radio tv television "
    "broadcasting press daily magazine review observer chronicle pravda wire".split()
)
PLATFORM_HEADS = frozenset("post statement video message account page channel interview".split())


@dataclass(frozen=True)
class Term:
    """One entry of loaded_terms.tsv, its words tokenised as spaCy does."""

    words: tuple[str, ...]
    pos: str
    category: str
    neutral: str
    note: str


@dataclass(frozen=True)
class Source:
    """A news agency, outlet or platform from news_sources.tsv."""

    name: str
    kind: str  # agency, outlet, social


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w']+|[^\w\s]", text.lower()))


@functools.lru_cache(maxsize=1)
def loaded_terms() -> dict[str, tuple[Term, ...]]:
    """Loaded terms keyed by their first word; longest phrase first."""
    index: dict[str, list[Term]] = {}
    for row in read_table("loaded_terms.tsv"):
        t = Term(_words(row["term"]), row["pos"] or "", row["category"], row["neutral"] or "", row["note"])
        index.setdefault(t.words[0], []).append(t)
    return {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in index.items()}


@functools.lru_cache(maxsize=1)
def valences() -> dict[str, float]:
    """VADER valence per word (evaluative_vader.tsv)."""
    return {r["word"]: float(r["valence"]) for r in read_table("evaluative_vader.tsv")}


@functools.lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """Agencies, outlets and platforms by normalised name or alias."""
    out: dict[str, Source] = {}
    for row in read_table("news_sources.tsv"):
        src = Source(row["name"], row["kind"])
        names = [row["name"], *(row["aliases"] or "").split("|")]
        if row["kind"] == "outlet":  # the outlet's own site: "told FoxNews.com", "wrote on CNN.com"
            names += [re.sub(r"\W", "", norm_name(n)) + ".com" for n in names if n.strip()]
        for alias in names:
            if alias.strip():
                out.setdefault(norm_name(alias), src)
    return out


@functools.lru_cache(maxsize=1)
def hedge_cues() -> dict[str, dict[str, str]]:
    """Hedge cues by kind (adverb, verb, noun, phrase): cue -> note."""
    out: dict[str, dict[str, str]] = {}
    for row in read_table("hedge_cues.tsv"):
        out.setdefault(row["kind"], {})[row["cue"]] = row["note"]
    return out


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Find every framing marker of every article and summarise each article's framing."""
    docs = {a.id: _doc(analysis, resources, a) for a in analysis.articles}
    marks: list[FramingMark] = list(naming_marks(analysis))
    for art in analysis.articles:
        doc, quoted = docs[art.id], quote_regions(art.text)
        marks += loaded_marks(doc, art.id, quoted)
        marks += sourcing_marks(doc, art.id)
        marks += hedge_marks(doc, art.id)
    marks = _with_counterparts(analysis, resources, marks, docs)
    marks += emphasis_marks(analysis)
    marks = _dedupe(marks)
    profiles = {a.id: profile(a, [m for m in marks if m.span.article == a.id]) for a in analysis.articles}
    for art in analysis.articles:
        profiles[art.id]["headline_loaded"] = headline_loaded(resources, art)
    extras = {**analysis.extras, "framing": {"profiles": profiles}}
    return analysis.update(framing=tuple(marks), extras=extras)


def _doc(analysis: Analysis, resources: Resources, art: Article) -> Any:
    doc = analysis.parses.get(art.id)
    return doc if doc is not None else resources.parse([art.text], language=art.language)[0]


def _dedupe(marks: Iterable[FramingMark]) -> list[FramingMark]:
    seen: set[tuple[str, int, int, str]] = set()
    out = []
    for m in sorted(marks, key=lambda m: (m.span, KINDS.index(m.kind) if m.kind in KINDS else 9)):
        key = (m.span.article, m.span.start, m.span.end, m.kind)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


# ---- loaded language ------------------------------------------------------------------


def _match_term(doc: Any, i: int, term: Term, any_pos: bool = False) -> int:
    """Tokens matched by term from token i (0 when it does not match)."""
    if term.pos and doc[i].pos_ != term.pos and not any_pos:
        return 0
    k = i
    for w in term.words:
        if k >= len(doc):
            return 0
        tok = doc[k]
        if w not in (tok.lower_, tok.lemma_.lower()):
            return 0
        k += 1
    return k - i


def _inside(regions: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in regions)


def loaded_marks(
    doc: Any, aid: str, quoted: Sequence[tuple[int, int]] = (), any_pos: bool = False
) -> list[FramingMark]:
    """Loaded terms from the curated lexicon, then evaluative words by VADER valence.

    ``any_pos`` drops the part-of-speech condition, for verbless parses of headlines.
    """
    terms, vals = loaded_terms(), valences()
    marks: list[FramingMark] = []
    i = 0
    while i < len(doc):
        tok, n, note = doc[i], 0, ""
        for term in terms.get(tok.lower_, ()) + terms.get(tok.lemma_.lower(), ()):
            n = _match_term(doc, i, term, any_pos)
            if n and term.category == "factual":
                note = ""  # matched, so the sentiment lexicon does not flag it either
                break
            if n:
                note = f"{term.category}: {term.note}" + (f" (neutral: {term.neutral!r})" if term.neutral else "")
                break
        if not n and _evaluative(tok, vals):
            n, note = 1, f"evaluative word (sentiment lexicon valence {vals[tok.lower_]:+.1f})"
        if n and note:
            span = doc[i : i + n]
            if _inside(quoted, span.start_char, span.end_char):
                note += "; inside a quotation: the speaker's word, which the outlet chose to quote"
            marks.append(FramingMark(Span(aid, span.start_char, span.end_char), span.text, "loaded", note))
        i += max(n, 1)
    return marks


def _evaluative(tok: Any, vals: dict[str, float]) -> bool:
    floor = VALENCE_MIN.get(tok.pos_)
    if floor is None or tok.ent_type_ or tok.is_stop:
        return False
    v = vals.get(tok.lower_)
    return v is not None and -v >= floor


def _with_counterparts(
    analysis: Analysis, resources: Resources, marks: list[FramingMark], docs: dict[str, Any]
) -> list[FramingMark]:
    """Add to each loaded mark the wording the other outlet used in the aligned claim."""
    out = []
    for m in marks:
        if m.kind == "loaded":
            found = _counterpart(analysis, resources, m, docs)
            if found:
                other, words = found
                m = FramingMark(m.span, m.text, m.kind, f"{m.note}; {other} says {words!r}", m.entity)
        out.append(m)
    return out


def _counterpart(
    analysis: Analysis, resources: Resources, mark: FramingMark, docs: dict[str, Any]
) -> tuple[str, str] | None:
    """(outlet, words) the aligned claim of another outlet uses in place of the loaded term."""
    for al in analysis.alignments:
        if al.relation not in ("shared", "related", "conflict"):
            continue
        mine, theirs = (al.a, al.b) if al.a.contains(mark.span) else (al.b, al.a)
        if not mine.contains(mark.span):
            continue
        doc = docs.get(theirs.article)
        if doc is None:
            continue
        span = doc.char_span(theirs.start, theirs.end, "expand")
        neutral = re.search(r"neutral: '([^']+)'", mark.note)
        words = _find_words(span, neutral.group(1)) if neutral else None
        words = words or _closest_word(resources, mark.text, span)
        if words:
            return analysis.article(theirs.article).outlet or theirs.article, words
    return None


def _find_words(span: Any, phrase: str) -> str | None:
    """The words of span matching phrase by lower-case form or lemma, in order."""
    if span is None:
        return None
    words = _words(phrase)
    for i in range(len(span) - len(words) + 1):
        if all(w in (t.lower_, t.lemma_.lower()) for w, t in zip(words, span[i : i + len(words)], strict=True)):
            return str(span[i : i + len(words)].text)
    return None


def _closest_word(resources: Resources, text: str, span: Any) -> str | None:
    """The content word of span nearest in meaning to text (MiniLM), if near enough."""
    if span is None:
        return None
    low = text.lower()
    cands = [t.text for t in span if t.pos_ in ("NOUN", "VERB", "ADJ") and not t.is_stop and t.lower_ not in low]
    cands = list(dict.fromkeys(cands))
    if not cands:
        return None
    vecs = resources.embed([text, *cands])
    sims = vecs[1:] @ vecs[0]
    best = int(sims.argmax())
    return cands[best] if float(sims[best]) >= 0.45 else None


# ---- sourcing and hedges --------------------------------------------------------------


def _np(tok: Any) -> Any:
    """The noun phrase a token heads: its named entity or itself, with left modifiers."""
    doc, start, end = tok.doc, tok.i, tok.i + 1
    if tok.ent_type_:  # walk to the entity's edges (cheaper than scanning doc.ents per head)
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
    for c in tok.children:
        if c.dep_ in ("det", "poss", "compound", "amod", "nmod") and c.i < start:
            start = c.left_edge.i
    return doc[start:end]


def classify_source(span: Any, pattern: str = "") -> tuple[str, str] | None:
    """(kind, name) of a cited source phrase, None when it is not one we report."""
    name = norm_name(span.text)
    known = sources().get(name)
    if known is not None:
        return {"agency": "news agency", "outlet": "news outlet", "social": "social media"}[known.kind], known.name
    root = span.root
    words = {t.lower_ for t in span}
    if root.lemma_.lower() in ANONYMOUS_NOUNS and not any(t.pos_ == "PROPN" or t.ent_type_ for t in span):
        if root.lemma_.lower() in ("source", "insider") or _anonymous(root):
            return "anonymous source", span.text
    if root.pos_ == "PROPN" and words & OUTLET_WORDS:
        return "news outlet", span.text
    if root.lemma_.lower() in OFFICIAL_NOUNS or root.ent_type_ in ("ORG", "NORP", "GPE"):
        return "official or institution", span.text
    if pattern == "according to" and root.pos_ in ("NOUN", "PROPN") and root.ent_type_ != "PERSON":
        return "other source", span.text  # "according to data", "according to the report"
    return None


def _anonymous(tok: Any) -> bool:
    """People/officials 'familiar with the matter', 'who spoke on condition of anonymity'."""
    text = tok.sent.text.lower()
    return any(k in text for k in ("familiar with", "anonymity", "not authorized", "not authorised", "declined to be named"))


def _source_heads(doc: Any) -> Iterable[tuple[Any, str]]:
    """(token heading a source phrase, pattern) for each attribution pattern in doc."""
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            for c in doc[tok.i + 1].children:
                if c.dep_ == "pobj":
                    yield c, "according to"
        elif tok.pos_ in ("VERB", "AUX") and lemma in REPORT_VERBS:
            for c in tok.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    yield c, f"subject of {tok.lower_!r}"
                elif c.dep_ in ("dobj", "dative") and lemma in ("tell", "cite", "quote", "inform"):
                    yield c, f"{tok.lower_} {c.text}"
                elif (c.dep_ == "prep" and c.lower_ in ("on", "via", "to")) or c.dep_ == "agent":
                    yield from ((g, f"{tok.lower_} {c.lower_}") for g in c.children if g.dep_ == "pobj")
        elif lemma in PLATFORM_HEADS and tok.pos_ == "NOUN":
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("on", "with", "to"):
                    yield from ((g, f"{tok.lower_} {c.lower_}") for g in c.children if g.dep_ == "pobj")


def _dateline_credits(doc: Any) -> Iterable[Any]:
    """Agency credits in parentheses, as in 'KYIV (Reuters) -'."""
    for m in re.finditer(r"\(([A-Z][\w .-]{1,40})\)", text_of(doc)):
        src = sources().get(norm_name(m.group(1)))
        if src is not None and src.kind == "agency":
            span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if span is not None:
                yield span


def sourcing_marks(doc: Any, aid: str) -> list[FramingMark]:
    """Sources the article cites: agencies, outlets, platforms, officials, anonymous sources."""
    marks: list[FramingMark] = []
    for head, pattern in _source_heads(doc):
        # "told state news agency RIA Novosti": the name in apposition is the source
        named = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        span = _np(named[0]) if named else _np(head)
        found = classify_source(span, pattern)
        if found is None:
            continue
        kind, name = found
        if kind == "social media" and pattern.startswith(("subject", "according")):
            continue  # "Facebook said": the company speaking, not a post on the platform
        marks.append(_source_mark(span, aid, kind, name, pattern))
        if kind == "anonymous source" and pattern.startswith("subject"):
            verb = head.head
            end = max([verb.i + 1, span.end] + [c.i + 1 for c in verb.children if c.dep_ in ("dobj", "dative") and c.pos_ == "PRON"])
            whole = doc[min(span.start, verb.i) : end]
            note = "hedge: the claim rests on unnamed sources"
            marks.append(FramingMark(Span(aid, whole.start_char, whole.end_char), whole.text, "hedge", note))
    for span in _dateline_credits(doc):
        marks.append(_source_mark(span, aid, "news agency", sources()[norm_name(span.text)].name, "credit"))
    return marks


def _source_mark(span: Any, aid: str, kind: str, name: str, pattern: str) -> FramingMark:
    return FramingMark(Span(aid, span.start_char, span.end_char), span.text, "sourcing", f"{kind}: {name} ({pattern})")


def hedge_marks(doc: Any, aid: str) -> list[FramingMark]:
    """Attribution hedges: distancing adverbs, 'claimed that', 'is said to', 'allegations'."""
    cues = hedge_cues()
    marks: list[FramingMark] = []
    lower = [t.lower_ for t in doc]
    for phrase, why in cues.get("phrase", {}).items():
        words = _words(phrase)
        for i in range(len(doc) - len(words) + 1):
            if lower[i] == words[0] and tuple(lower[i : i + len(words)]) == words:
                marks.append(_hedge(doc[i : i + len(words)], aid, why))
    for tok in doc:
        lemma = tok.lemma_.lower()
        note: str | None = None
        if tok.lower_ in cues.get("adverb", {}):
            note = cues["adverb"][tok.lower_]
        elif tok.pos_ == "VERB" and lemma in cues.get("verb", {}) and _reports_claim(tok):
            note = cues["verb"][lemma]
        elif tok.pos_ == "NOUN" and lemma in cues.get("noun", {}):
            note = cues["noun"][lemma]
        if note:
            marks.append(_hedge(doc[tok.i : tok.i + 1], aid, note))
    return marks


def _reports_claim(verb: Any) -> bool:
    """A verb of saying that introduces a statement ('claimed that ...', '"...", he claimed')."""
    return any(c.dep_ in ("ccomp", "parataxis") for c in verb.children) or verb.dep_ in ("parataxis", "ccomp")


def _hedge(span: Any, aid: str, note: str) -> FramingMark:
    return FramingMark(Span(aid, span.start_char, span.end_char), span.text, "hedge", f"hedge: {note}")


# ---- emphasis -------------------------------------------------------------------------


def lede(analysis: Analysis, aid: str, n: int = 2) -> list[Span]:
    """The first n sentences of an article (its lede), skipping editor's notes."""
    art = analysis.article(aid)
    title = (art.title or "").strip().lower()
    sents = [
        s
        for s in analysis.sentences.get(aid, ())
        if not s.text.lower().startswith(("editor's note", "editor’s note")) and s.text.strip().lower() != title
    ]
    return [s.span for s in sents[:n]]


def emphasis_marks(analysis: Analysis) -> list[FramingMark]:
    """What each outlet leads with, and whether the others report it, and how far down."""
    marks: list[FramingMark] = []
    for art in analysis.articles:
        head = _headline_span(art)
        if head is not None:
            marks.append(FramingMark(head, art.slice(head), "emphasis", f"{art.outlet or art.id} headline"))
        for span in lede(analysis, art.id):
            marks.append(FramingMark(span, art.slice(span), "emphasis", _lede_note(analysis, art, span)))
    return marks


def headline_loaded(resources: Resources, art: Article) -> list[str]:
    """Loaded words in the headline (headlines often stand outside the text, so no spans)."""
    if not art.title:
        return []
    doc = resources.parse([art.title], language=art.language)[0]
    # Headline grammar ("Port authority caves to union") often leaves spaCy with no verb at all.
    verbless = not any(t.pos_ in ("VERB", "AUX") for t in doc)
    return [m.text for m in loaded_marks(doc, art.id, any_pos=verbless)]


def _headline_span(art: Article) -> Span | None:
    """Where the headline stands in the text, when the text repeats it."""
    title = (art.title or "").strip()
    at = art.text.find(title) if title else -1
    return Span(art.id, at, at + len(title)) if at >= 0 else None


def _lede_note(analysis: Analysis, art: Article, span: Span) -> str:
    where = []
    for al in analysis.alignments:
        mine, theirs = (al.a, al.b) if al.a.overlaps(span) else (al.b, al.a)
        # only the same fact counts: a "related" point is not the fact this outlet leads with
        if al.relation not in ("shared", "conflict") or not mine.overlaps(span) or theirs.article == art.id:
            continue
        idx = _sentence_index(analysis, theirs)
        if idx is not None:
            in_lede = any(theirs.overlaps(s) for s in lede(analysis, theirs.article))
            where.append((not in_lede, idx, theirs.article))
    if where:
        late, idx, other = min(where)
        total = len(analysis.sentences.get(other, ()))
        outlet = analysis.article(other).outlet or other
        if not late:
            return f"{art.outlet or art.id} leads with this; so does {outlet}"
        return f"{art.outlet or art.id} leads with this; {outlet} reports it only in sentence {idx + 1} of {total}"
    if any(u.overlaps(span) for u in analysis.unique):
        return f"{art.outlet or art.id} leads with a fact no other outlet reports"
    return f"{art.outlet or art.id} leads with this"


def _sentence_index(analysis: Analysis, span: Span) -> int | None:
    for s in analysis.sentences.get(span.article, ()):
        if s.span.overlaps(span):
            return s.index
    return None


# ---- profile --------------------------------------------------------------------------


def profile(article: Article, marks: Sequence[FramingMark]) -> dict[str, Any]:
    """A short, JSON-able framing summary of one article."""
    counts = Counter(m.kind for m in marks)
    loaded = Counter(m.text.lower() for m in marks if m.kind == "loaded")
    cited: dict[str, str] = {}
    for m in marks:
        if m.kind == "sourcing":
            kind, _, rest = m.note.partition(": ")
            cited.setdefault(rest.rsplit(" (", 1)[0], kind)
    return {
        "outlet": article.outlet,
        "headline": article.title,
        "leads_with_unique": any(m.kind == "emphasis" and "no other outlet" in m.note for m in marks),
        "counts": {k: counts.get(k, 0) for k in KINDS},
        "top_loaded": [t for t, _ in loaded.most_common(8)],
        "sources": [f"{n} ({k})" for n, k in cited.items()],
        "hedges": list(dict.fromkeys(m.text for m in marks if m.kind == "hedge")),
        "naming": list(dict.fromkeys(m.text for m in marks if m.kind == "naming")),
    }
