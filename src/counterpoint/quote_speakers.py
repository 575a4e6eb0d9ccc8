"""Speakers of quotations: the source as written, resolved to a named mention.

No coreference model exists offline, so resolution is built here from spaCy's parse and NER:
names stand for themselves ("France's Defense Ministry", with its possessor); pronouns go to
the most salient earlier mention of compatible gender and number (recent, a grammatical
subject, already quoted); role nouns ("the general", "the ministry") go to a mention of
that kind, preferring one described by the same word; document nouns ("the statement read")
go to whoever made the last statement. Role words and speech cues are data files
(``data/role_words.tsv``, ``data/speech_cues.tsv``).

Voices sum the speakers up per article: how often and how much each is quoted, in what role
(official, military, expert, anonymous, ...), for which country, and whether only one of the
outlets gives them a platform.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .model import Analysis, Quote, Sentence
from .resources import read_table
from .segment import text_of

NAMED = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
PRONOUNS = {
    "he": "m", "him": "m", "she": "f", "her": "f", "they": "p", "them": "p",
    "it": "n", "i": "1", "we": "1", "you": "2",
}
# Russian and Ukrainian personal pronouns (the parse of Ukrainian often mis-tags them, so
# they count as pronouns whatever their tag)
SLAVIC_PRONOUNS = {
    "он": "m", "она": "f", "они": "p", "оно": "n", "я": "1", "мы": "1", "вы": "2",
    "він": "m", "вона": "f", "вони": "p", "воно": "n", "ми": "1", "ви": "2",
}
PRONOUNS.update(SLAVIC_PRONOUNS)
SLAVIC_LANGUAGES = {"ru", "uk"}
HONORIFIC = {"mr": "m", "mr.": "m", "sir": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
BINDING = {"his": "m", "him": "m", "himself": "m", "her": "f", "hers": "f", "herself": "f"}
ORG_WORDS = {"ministry", "forces", "department", "agency", "office", "council", "party", "committee"}
# Slavic surnames mark gender: Zakharova, Tymoshenko-free endings only (-ko is both)
SLAVIC_SURNAME = re.compile(
    r"(?:(ova|eva|yova|skaya|ska|cka|ová|ова|ева|ёва|ина|ская|цкая|ська|цька)"
    r"|(?:ov|ev|sky|skyi|skiy|ski|cki|ов|ев|ёв|ин|ский|цкий|ський|цький))$"
)
# role nouns of people who speak for someone else: never resolved to a merely nearby name
AGENT_ROLES = frozenset({"spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor",
                         "lawyer", "attorney", "staffer", "publicist"})
LOOKBACK = 4  # sentences searched for an antecedent: news re-names speakers within a few


@dataclass(frozen=True)
class Lexicon:
    """Speech cues and role words from the data files."""

    cues: Mapping[str, tuple[str, bool]]  # lemma -> (kind, needs a quotation)
    roles: Mapping[str, tuple[str, str, str]]  # word -> (kind, role, gender)


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The cue and role tables, read once."""
    cue_rows = read_table("speech_cues.tsv") + read_table("slavic_speech_cues.tsv")
    role_rows = read_table("role_words.tsv") + read_table("slavic_role_words.tsv")
    cues = {r["lemma"]: (r["kind"], r["needs_quote"] == "1") for r in cue_rows}
    roles = {r["word"]: (r["kind"], r["role"], r["gender"]) for r in role_rows}
    return Lexicon(cues, roles)


@dataclass(frozen=True)
class Attribution:
    """One attribution in an article: content, quoted parts, cue and source as written."""

    sentence: int
    content: tuple[int, int]  # the whole attributed content (clause or quotation)
    regions: tuple[tuple[int, int], ...]  # quoted text, marks excluded; empty for reported
    kind: str  # direct, partial or reported
    cue: str | None = None
    cue_i: int | None = None  # token index of the cue
    source: tuple[int, int] | None = None  # the source's words: a name, pronoun or noun phrase
    source_i: int | None = None  # token index of the source's head
    inherited: bool = False  # no cue of its own: continues the previous quotation


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the naming mention, its text and how it was found."""

    span: tuple[int, int] | None
    name: str | None
    how: str  # named, pronoun, nominal, document, anonymous, none
    role: str | None = None


# ---- speakers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """A named mention that a pronoun or role noun may point back to."""

    span: tuple[int, int]
    text: str
    label: str  # PERSON, ORG, GPE, NORP, ... (PERSON? for an unlabelled proper-noun speaker)
    sentence: int
    head: int  # token index
    subject: bool
    speaker: bool
    gender: str  # m, f or ""
    context: frozenset[str]  # lower-cased words of its sentence (titles, appositions)


def name_span(tok: Any) -> tuple[int, int] | None:
    """The name a source token belongs to ("France's Defense Ministry"), or None if unnamed."""
    doc = tok.doc
    if tok.ent_type_ in NAMED:  # the entity's edges from the IOB tags: doc.ents rebuilds every span per access
        start, end = tok.i, tok.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
    elif tok.pos_ == "PROPN":
        start, end = tok.i, tok.i + 1
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ in {"compound", "flat"}:
            start -= 1
    else:
        return None
    root = doc[end - 1]
    poss = next((c for c in root.children if c.dep_ == "poss" and c.i < start), None)
    if poss is not None and poss.pos_ == "PROPN":
        start = poss.left_edge.i
    while start < end and doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    # a name never runs over a line break (the tagger's spans sometimes do)
    for k in range(start, end):
        if "\n" in doc[k].text_with_ws:
            if k < tok.i:
                start = k + 1
            else:
                end = k if doc[k].is_space else k + 1
                break
    start = min(start, tok.i)
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _gender_evidence(doc: Any, lex: Lexicon) -> dict[str, str]:
    """Surname -> gender from honorifics, gendered role words and bound possessives."""
    votes: dict[str, set[str]] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        key = ent[-1].lower_
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        g = HONORIFIC.get(prev) or lex.roles.get(prev, ("", "", "-"))[2]
        if g in {"m", "f"}:
            votes.setdefault(key, set()).add(g)
        slavic = SLAVIC_SURNAME.search(key) if len(ent) > 1 or ent.root.dep_ != "compound" else None
        if slavic:
            votes.setdefault(key, set()).add("f" if slavic.group(1) else "m")
        root = ent.root
        if root.dep_ in {"nsubj", "nsubjpass"}:
            bound = {BINDING[t.lower_] for t in root.head.subtree
                     if t.lower_ in BINDING and t.i > root.i and t.dep_ in {"poss", "dobj", "pobj"}}
            if len(bound) == 1:
                votes.setdefault(key, set()).update(bound)
    return {k: next(iter(v)) for k, v in votes.items() if len(v) == 1}


def candidates(doc: Any, sentences: Sequence[Sentence], attrs: Sequence[Attribution],
               lex: Lexicon) -> list[Candidate]:
    """Named mentions of an article in text order, with salience and gender."""
    sent_of = _sentence_index(sentences)
    speakers = {a.source_i for a in attrs if a.source_i is not None}
    genders = _gender_evidence(doc, lex)
    spans: dict[tuple[int, int], tuple[Any, str]] = {}
    noise = _headline_noise(doc)
    for ent in doc.ents:
        if ent.label_ in NAMED and not all(t.i in noise for t in ent):
            spans[name_span(ent.root) or (ent.start_char, ent.end_char)] = (ent.root, ent.label_)
    full = {e[-1].lower_: e.text for e in reversed(doc.ents) if e.label_ == "PERSON" and len(e) > 1}
    surnames = set(full)
    # the tagger misses some re-mentions of a surname: a proper-noun main-clause subject
    # spelled like a named person's surname ("Pelosi did not agree") is that person
    again = [t.i for t in doc if t.pos_ == "PROPN" and t.lower_ in surnames and _main_subject(t)]
    for i in list(speakers) + again:
        tok = doc[i]
        if i in noise:
            continue
        ns = name_span(tok)
        if ns is not None and not any(s <= ns[0] < e for s, e in spans):
            spans[ns] = (tok, "PERSON?")
    out = []
    for (s, e), (root, label) in sorted(spans.items()):
        k = sent_of(s)
        sent = sentences[k] if k is not None else None
        words = frozenset(w.lower() for w in re.findall(r"[\w-]+", sent.text)) if sent else frozenset()
        text = text_of(doc)[s:e]
        if label in {"ORG", "PERSON?"} and " " not in text and root.lower_ in surnames:
            # a surname alone, untagged or tagged ORG ("Weiner reiterated"): the person named
            label, text = "PERSON", full[root.lower_]
        out.append(Candidate(
            (s, e), text, label, k if k is not None else -1, root.i,
            _main_subject(root), root.i in speakers or _names_speaker(root, speakers),
            genders.get(doc[root.i].lower_, ""), words,
        ))
    return out


def _headline_noise(doc: Any) -> frozenset[int]:
    """Words capitalised only by a title-cased headline ("Will Lose Control"): never a speaker."""
    from .entities import canonical_alias
    from .mention_spans import headline_noise

    return headline_noise(doc, lambda w: canonical_alias(w) is not None)


def _main_subject(tok: Any) -> bool:
    """Whether a mention is the subject of its sentence's main clause, not of an embedded one.

    Lappin & Leass weigh non-embedded mentions above embedded ones: in "Horowitz could not
    rule out that Strzok had slow-walked ...", a following "he" is Horowitz.
    """
    if tok.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return bool(verb.dep_ == "ROOT")


def _names_speaker(root: Any, speakers: set[int]) -> bool:
    """Whether a mention is a speaker or names one; a possessor ("Grimm's lawyer") does not."""
    return any(root.i == i or (root.head.i == i and root.dep_ != "poss") for i in speakers)


def _sentence_index(sentences: Sequence[Sentence]) -> Any:
    starts = [(s.span.start, s.span.end, s.index) for s in sentences]

    def find(pos: int) -> int | None:
        for s, e, k in starts:
            if s <= pos < e:
                return k
        return None

    return find


def _person_like(c: Candidate) -> bool:
    if c.label in {"PERSON", "PERSON?"}:
        return True
    # spaCy's small model tags some foreign names ORG: accept a short capitalised speaker name
    words = c.text.split()
    return (c.label == "ORG" and c.speaker and 2 <= len(words) <= 3
            and not ORG_WORDS & {w.lower() for w in words} and "'" not in c.text and "’" not in c.text)


def _best(cands: Iterable[Candidate], sentence: int, before: int, factor: Any = None) -> Candidate | None:
    """The most salient candidate before a position.

    Salience after Lappin & Leass (1994): a subject weighs more than another mention, a
    speaker more again, and the weight halves with each sentence back.
    """
    best, best_score = None, 0.0
    for c in cands:
        if c.span[0] >= before or sentence - c.sentence > LOOKBACK or c.sentence < 0:
            continue
        score = (80.0 if c.subject else 50.0) + (40.0 if c.speaker else 0.0)
        score *= 0.5 ** (sentence - c.sentence) * (factor(c) if factor else 1.0)
        if score >= best_score:  # ties go to the later mention
            best, best_score = c, score
    return best


def resolve(doc: Any, a: Attribution, cands: Sequence[Candidate], done: Sequence[tuple[Attribution, Speaker]],
            lex: Lexicon) -> Speaker:
    """The named speaker behind an attribution's source (a name, pronoun or role noun)."""
    if a.source_i is None or a.source is None:
        return Speaker(None, None, "none")
    # a name inside the quotation is what the speaker talks about, hardly the speaker
    cands = [c for c in cands if not any(s <= c.span[0] < e for s, e in a.regions)]
    tok = doc[a.source_i]
    if tok.i in _headline_noise(doc):
        return Speaker(None, None, "none")
    ns = name_span(tok) or _named_role(tok)
    if ns is not None:
        return Speaker(ns, text_of(doc)[ns[0] : ns[1]], "named")
    low, lemma = tok.lower_, tok.lemma_.lower()
    written = text_of(doc)[a.source[0] : a.source[1]]
    if (tok.pos_ == "PRON" or low in SLAVIC_PRONOUNS) and low in PRONOUNS:
        return _pronoun(PRONOUNS[low], a, cands, done, written)
    role = lex.roles.get(low) or lex.roles.get(lemma)
    if role is None:
        return Speaker(None, written, "unresolved")
    kind, role_name, gender = role
    if kind == "doc":
        issuer = _issuer(tok)
        if issuer is not None:
            return Speaker(issuer, text_of(doc)[issuer[0] : issuer[1]], "named")
        return _document(a, done, written)
    if kind == "anon" or any(c.lower_ in {"a", "an", "some", "several", "many"} for c in tok.children):
        return Speaker(None, written, "anonymous", "anonymous")
    if kind == "org":
        hit = _best([c for c in cands if lemma in c.text.lower() or low in c.text.lower()],
                    a.sentence, a.source[0])
        described = any(c.dep_ in {"compound", "amod", "poss"} for c in tok.children)
        if hit is None and described:  # "the port authority": the description names it
            return Speaker(a.source, written, "nominal", role_name)
        if hit is None:
            hit = _best([c for c in cands if c.label == "ORG" and c.speaker], a.sentence, a.source[0])
        return _found(hit, written, "nominal", role_name)
    pool = [c for c in cands if _person_like(c) and (gender == "-" or c.gender in {"", gender})]
    if lemma in AGENT_ROLES or low in AGENT_ROLES:
        # "a spokesperson for Grassley ... the aide said": someone speaking for a person is
        # not that person; only a mention the article describes by the same word will do
        pool = [c for c in pool if {low, lemma} & {t.lower_ for t in describing(doc[c.head])}]
    hit = _best(pool, a.sentence, a.source[0], lambda c: 2.0 if low in c.context or lemma in c.context else 1.0)
    return _found(hit, written, "nominal", role_name)


def _named_role(tok: Any) -> tuple[int, int] | None:
    """The name a role noun introduces: "Grimm's lawyer, William McGinley", "директор ГЭС Алексей Гнатюк".

    The name hangs on the role noun as an apposition; in Russian and Ukrainian (UD) also as
    flat or nmod. ("Lawyer William McGinley" is a compound, which ``name_span`` covers.)"""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    slavic = tok.doc.user_data.get("language") in SLAVIC_LANGUAGES
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if not slavic and not (tok.is_lower and nxt is not None and nxt.text == ","):
        return None  # English apposition is set off by a comma after a common noun
    deps = ("appos", "flat", "nmod") if slavic else ("appos",)
    for c in tok.children:
        if c.dep_ in deps and c.i > tok.i and c.ent_type_ == "PERSON":
            return name_span(c)
    return None


def _found(hit: Candidate | None, written: str, how: str, role: str | None = None) -> Speaker:
    if hit is None:
        return Speaker(None, written, "unresolved", role)
    return Speaker(hit.span, hit.text, how, role)


def _pronoun(form: str, a: Attribution, cands: Sequence[Candidate],
             done: Sequence[tuple[Attribution, Speaker]], written: str) -> Speaker:
    if form in {"1", "2"}:
        return Speaker(None, written, "unresolved")
    assert a.source is not None
    if form in {"m", "f"}:
        pool = [c for c in cands if _person_like(c) and c.gender in {"", form}]
        hit = _best(pool, a.sentence, a.source[0], lambda c: 1.5 if c.gender == form else 1.0)
        return _found(hit, written, "pronoun")
    elif form == "p":
        pool = [c for c in cands if c.label in {"ORG", "GPE", "NORP"}]
    else:
        pool = [c for c in cands if c.label in {"ORG", "GPE"}]
    return _found(_best(pool, a.sentence, a.source[0]), written, "pronoun")


def _issuer(tok: Any) -> tuple[int, int] | None:
    """Who issued a document noun: "a statement from the General Staff", "the army's report", "X said in a tweet"."""
    for c in tok.children:
        if c.dep_ == "poss":
            return name_span(c)
        if c.dep_ == "prep" and c.lower_ in {"from", "by", "of"}:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return name_span(obj) or _np_chars(obj)
    # "Trump called on Schiff to resign in a tweet that accused ...": whoever wrote it
    if tok.dep_ == "pobj" and tok.head.lower_ in {"in", "via", "through"}:
        verb = tok.head.head
        for _ in range(3):  # 'called on X to resign in a tweet': the caller wrote it
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None or verb.dep_ not in {"xcomp", "advcl", "conj"}:
                break
            verb = verb.head
        if subj is not None:
            return name_span(subj)
    return None


def _np_chars(tok: Any) -> tuple[int, int]:
    toks = [t for t in tok.subtree if t.i <= tok.i and t.dep_ not in {"det", "punct"}]
    return toks[0].idx, tok.idx + len(tok)


def _document(a: Attribution, done: Sequence[tuple[Attribution, Speaker]], written: str) -> Speaker:
    """'the statement read' -> whoever made the last statement in the sentences before."""
    for p, sp in reversed(done):
        if a.sentence - p.sentence > LOOKBACK:
            break
        if sp.span is not None and p.sentence < a.sentence:
            return Speaker(sp.span, sp.name, "document", "document")
    return Speaker(None, written, "unresolved", "document")


def role_of(doc: Any, span: tuple[int, int], lex: Lexicon) -> str | None:
    """The role a speaker's naming gives it: a title, an apposition, or a government's voice."""
    named = doc.char_span(span[0], span[1], alignment_mode="expand")
    if named is None:
        return None
    for t in list(named) + describing(named.root):
        row = lex.roles.get(t.lower_) or lex.roles.get(t.lemma_.lower())
        # an organisation word describing a person ("member of parliament") is not their role
        if row is not None and (row[0] in {"person", "expert"} or (row[0] == "org" and t in named)):
            return row[1]
    return None


def speakers(doc: Any, sentences: Sequence[Sentence], attrs: Sequence[Attribution],
             lex: Lexicon | None = None) -> list[Speaker]:
    """The resolved speaker of each attribution, in order (earlier ones inform later ones)."""
    lex = lex or lexicon()
    # names inside quotations are what speakers talk about; speakers are named in narration
    quoted = [r for a in attrs for r in a.regions]
    cands = [c for c in candidates(doc, sentences, attrs, lex)
             if not any(s <= c.span[0] < e for s, e in quoted)]
    done: list[tuple[Attribution, Speaker]] = []
    for a in attrs:
        prev = done[-1][1] if done else None
        if a.inherited and prev is not None and done[-1][0].source_i == a.source_i:
            done.append((a, prev))
            continue
        sp = resolve(doc, a, cands, done, lex)
        if sp.span is not None:
            sp = Speaker(sp.span, sp.name, sp.how, role_of(doc, sp.span, lex) or sp.role)
            if sp.how == "pronoun" and a.source_i is not None:
                cands = _learn_gender(cands, sp, PRONOUNS.get(doc[a.source_i].lower_, ""))
        done.append((a, sp))
    return [sp for _, sp in done]


def _learn_gender(cands: list[Candidate], sp: Speaker, form: str) -> list[Candidate]:
    """A resolved "he"/"she" tells the gender of every mention of that surname."""
    if form not in {"m", "f"} or not sp.name:
        return cands
    key = sp.name.split()[-1].lower()
    return [replace(c, gender=form) if not c.gender and c.text.split()[-1].lower() == key else c
            for c in cands]



def describing(head: Any) -> list[Any]:
    """Tokens that describe a named head: titles before it, appositions and "who is" clauses."""
    doc = head.doc
    out = [t for t in head.subtree if t.i < head.i]
    start = min([t.i for t in out] + [head.i])
    k = start - 1
    while k >= 0 and doc[k].dep_ in {"compound", "amod", "poss", "case", "det", "nmod", "punct"} \
            and doc[k].head.i >= start and not doc[k].is_sent_start:
        out.append(doc[k])
        k -= 1
    for c in head.children:
        if c.dep_ in {"appos", "relcl"}:
            out.extend(c.subtree)
    return out


# ---- voices -----------------------------------------------------------------------------
def voices(analysis: Analysis, numbered: Sequence[tuple[Quote, Speaker]]) -> list[dict[str, Any]]:
    """Who is given a platform in each article: statements, words, role, other outlets."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for q, sp in numbered:
        key = q.speaker_entity or voice_key(q.speaker_name) or "(unattributed)"
        row = rows.setdefault((q.span.article, key), {
            "article": q.span.article, "outlet": analysis.article(q.span.article).outlet,
            "voice": key, "entity": q.speaker_entity, "name": q.speaker_name,
            "role": None, "country": None, "statements": 0, "direct": 0, "words": 0, "quotes": [],
        })
        if row["role"] is None or row["country"] is None:
            role, country = _profile(analysis, q)
            anonymous = "anonymous" if sp.how in {"anonymous", "none"} else None
            row["role"] = row["role"] or anonymous or role or sp.role
            row["country"] = row["country"] or country
        row["statements"] += 1
        row["direct"] += q.kind != "reported"
        row["words"] += len(q.text.split())
        row["quotes"].append(q.id)
    from rapidfuzz import fuzz

    n_articles = len(analysis.articles)
    def same(x: dict[str, Any], y: dict[str, Any]) -> bool:
        if x["entity"] and y["entity"]:
            return bool(x["entity"] == y["entity"])
        kx, ky = voice_key(x["name"]) or "", voice_key(y["name"]) or ""
        # one-word keys are surnames, spelled differently across outlets (Syrsky, Syrskyi)
        return kx == ky or (" " not in kx + ky and fuzz.ratio(kx, ky) >= 80)

    for (art, key), row in rows.items():
        elsewhere = any(a != art and same(row, other) for (a, _), other in rows.items())
        row["only_here"] = n_articles > 1 and not elsewhere and key != "(unattributed)"
    return sorted(rows.values(), key=lambda r: (r["article"], -r["words"]))


def voice_key(name: str | None) -> str | None:
    """A speaker's key across outlets when entities did not link them: the last name."""
    if not name:
        return None
    words = re.sub(r"[’']s\b", "", name.lower()).replace("the ", "").split()
    if len(words) <= 3 and not ORG_WORDS & set(words):
        return words[-1]  # a person: the surname survives every spelling of the first name
    return " ".join(words)


def _speaker_spans(analysis: Analysis, q: Quote) -> list[tuple[int, int]]:
    """The speaker's naming span and every other name mention of its entity in the article."""
    spans = [(q.speaker_span.start, q.speaker_span.end)] if q.speaker_span else []
    for ent in analysis.entities:
        if ent.id == q.speaker_entity:
            spans += [(m.span.start, m.span.end) for m in ent.mentions
                      if m.span.article == q.span.article and m.kind == "name"]
    return spans


def _profile(analysis: Analysis, q: Quote) -> tuple[str | None, str | None]:
    """(role, country) from how the article describes the speaker anywhere it names them."""
    doc = analysis.parses.get(q.span.article)
    if doc is None:
        return None, None
    role = country = None
    types = {ent.id: ent.type for ent in analysis.entities}
    gpe = types[q.speaker_entity] == "GPE" if q.speaker_entity in types else None
    for s, e in _speaker_spans(analysis, q):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        role = role or role_of(doc, (s, e), lexicon())
        if country is None and gpe if gpe is not None else span.root.ent_type_ == "GPE":
            country, role = str(span.text), "government"  # a capital speaking for its state
        for t in describing(span.root) if country is None else ():
            if t.ent_type_ in {"GPE", "NORP"}:
                country = next(str(x.text) for x in doc.ents if x.start <= t.i < x.end)
                break
    return role, country
