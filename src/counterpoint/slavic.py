"""Russian and Ukrainian parsing: natasha's tokens, UD syntax and NER as a spaCy ``Doc``.

No Russian or Ukrainian spaCy pipeline works offline, so natasha (Russian news models:
razdel segmenter, slovnet morphology, UD syntax and NER, pymorphy2 lemmas) does the work and
its output is rebuilt as a spaCy ``Doc`` over the exact article text (token offsets are
article offsets; runs of whitespace other than one space become SPACE tokens, as in spaCy).

Ukrainian goes through the same Russian models after a one-to-one character mapping to
Russian-like spelling (і, ї -> и; є -> е; ґ -> г; an apostrophe inside a word -> ъ). The
mapping keeps every offset, so tokens and entities still point into the Ukrainian text; on
the hand-annotated set in ``eval/slavic`` it raises entity F1 (``scripts/eval_slavic_ner.py``).
Ukrainian lemmas of verbs come from the past-tense and present-tense endings (natasha's are
Russian); other Ukrainian words keep their lower-cased form as lemma.

Dependency labels are natasha's UD labels, renamed where the English code checks a
ClearNLP label of the same meaning:

=============  ============  ======================================================
UD (natasha)   in the Doc    note
=============  ============  ======================================================
root           ROOT          one per sentence; the head is the token itself
obj            dobj
iobj           dative
nsubj:pass     nsubjpass
csubj:pass     csubjpass
aux:pass       auxpass
acl:relcl      relcl
nmod:poss      poss
flat:name      flat          later name parts hang on the first, as in UD
advmod (не/ні) neg           a negating particle, like English "not"
cc             cc            re-attached to the first conjunct, as spaCy English does
obl, nmod,     unchanged     English splits these into prep + pobj; no renaming makes
case, cop                    the trees alike, so code checking prep/pobj skips them
(whitespace)   dep           SPACE tokens hang on the previous token
=============  ============  ======================================================

Entities: natasha PER -> PERSON, LOC -> GPE, ORG -> ORG; their nominative forms
(``span.normalize``) go to ``doc.user_data["ent_normal"][(start_char, end_char)]``. For
Ukrainian, the Russian normaliser's change of ending is replayed on the Ukrainian letters,
with the o/e -> i alternation of closed syllables ("Києві" -> "Київ", "Львова" -> "Львів").
Date expressions are found by :mod:`counterpoint.temporal` (natasha tags no dates).
"""

from __future__ import annotations

import functools
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ru", "uk")
LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}
DEPS = {
    "root": "ROOT", "obj": "dobj", "iobj": "dative", "nsubj:pass": "nsubjpass",
    "csubj:pass": "csubjpass", "aux:pass": "auxpass", "acl:relcl": "relcl",
    "nmod:poss": "poss", "flat:name": "flat",
}
NEGATORS = {"не", "ни", "ні"}
# One-to-one: each Ukrainian letter becomes the Russian letter it is usually spelled with,
# so offsets survive. "и" stays: Ukrainian и is often Russian и in cognates (заявив/заявил).
UK_TO_RU = str.maketrans({"і": "и", "І": "И", "ї": "и", "Ї": "И", "є": "е", "Є": "Е", "ґ": "г", "Ґ": "Г"})
APOSTROPHES = "'’ʼ"
_APOSTROPHE_IN_WORD = re.compile(rf"(?<=\w)[{APOSTROPHES}](?=\w)")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Models:
    """natasha's segmenter, taggers and lemma vocabulary (loaded once, ~0.6 s)."""

    segmenter: Any
    morph_vocab: Any
    morph: Any
    syntax: Any
    ner: Any


@functools.cache
def models() -> Models:
    """Load natasha's models once per process."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymorphy2 imports pkg_resources
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        emb = NewsEmbedding()
        return Models(Segmenter(), MorphVocab(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb))


# Ukrainian prepositions spelled differently from their Russian equivalents, same length.
_UK_WORDS = {"у": "в", "У": "В", "з": "с", "З": "С"}
_UK_WORD_RE = re.compile(r"\b(?:у|У|з|З)\b")
# Prepositions of place that take the locative: "у Києві", "в Харкові", "на Донбасі".
_PLACE_PREPOSITIONS = {"у", "в", "на"}


def russianize(text: str) -> str:
    """Ukrainian text in Russian-like letters, character for character (same length).

    Letters map one to one; the prepositions у and з become в and с, so the Russian tagger
    sees the context words it was trained on."""
    text = _APOSTROPHE_IN_WORD.sub("ъ", text.translate(UK_TO_RU))
    return _UK_WORD_RE.sub(lambda m: _UK_WORDS[m.group(0)], text)


def natasha_doc(text: str, language: str, ner: bool = True) -> Any:
    """natasha's analysis of ``text`` (Ukrainian through :func:`russianize`); offsets match ``text``."""
    from natasha import Doc as NDoc

    m = models()
    ndoc = NDoc(russianize(text) if language == "uk" else text)
    with _LOCK:  # natasha's taggers are not thread-safe
        ndoc.segment(m.segmenter)
        ndoc.tag_morph(m.morph)
        ndoc.parse_syntax(m.syntax)
        if ner:
            ndoc.tag_ner(m.ner)
        for tok in ndoc.tokens:
            tok.lemmatize(m.morph_vocab)
        for span in ndoc.spans:
            span.normalize(m.morph_vocab)
    return ndoc


def natasha_entities(text: str, language: str) -> list[tuple[int, int, str]]:
    """(start, end, PER/LOC/ORG) spans natasha finds in ``text``."""
    return [(s.start, s.stop, s.type) for s in natasha_doc(text, language).spans]


def _balance(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    """Cut an entity at a bracket: "служби з надзвичайних ситуацій (ДСНС)" keeps the name before it.

    The bracketed abbreviation is a mention of its own; inside the span it would leave the
    name unbalanced once an edge is trimmed, and no spelling of the name would match it.
    """
    cut = next((k for k in range(start, end) if doc[k].text in ("(", ")")), None)
    if cut is not None:
        end = cut if cut > start else end
        start = start + 1 if cut == start else start
    return (start, end) if end > start else None


def _repair(doc: Any, start: int, end: int, label: str) -> tuple[int, int, str] | None:
    """Fix a Ukrainian entity (token range) the Russian tagger got wrong at its edges or type.

    A lower-case verb or preposition at an edge (one the tagger ran into) is dropped. A single word after у/в/на ending in the
    locative -і/-ї names a place, not a person ("у Брюсселі")."""
    while start < end and _function_word(doc[start]):
        start += 1
    while end > start and _function_word(doc[end - 1]):
        end -= 1
    # a sentence opens with a capital: an opening common noun ("Мешканці Запоріжжя") is no name
    if end - start > 1 and doc[start].is_sent_start and doc[start].pos_ == "NOUN":
        start += 1
    if start == end:
        return None
    if label == "PERSON" and end - start == 1 and start > 0:
        prev, word = doc[start - 1].text.lower(), doc[start].text.lower()
        if prev in _PLACE_PREPOSITIONS and word[-1:] in ("і", "ї"):
            label = "GPE"
    return start, end, label


def _function_word(tok: Any) -> bool:
    """A lower-case verb, preposition, conjunction or pronoun: never the edge of a name."""
    return not (tok.text[:1].isupper() or tok.text[:1].isdigit()) and tok.pos_ not in ("NOUN", "ADJ", "PROPN")


def parse(resources: Any, text: str, language: str) -> Any:
    """A spaCy Doc of ``text`` in ``language`` ('ru' or 'uk') built from natasha's analysis."""
    from spacy.tokens import Span

    ndoc = natasha_doc(text, language)
    doc = _build_doc(text, ndoc, language)
    ents, normal = [], {}
    for span in ndoc.spans:
        ent = doc.char_span(span.start, span.stop, label=LABELS.get(span.type, span.type), alignment_mode="expand")
        if ent is not None:
            edges = _balance(doc, ent.start, ent.end)
            fixed = None if edges is None else (*edges, ent.label_)
            if fixed is not None and language == "uk":
                fixed = _repair(doc, *fixed)
            ent = None if fixed is None else Span(doc, *fixed)
        if ent is None:
            continue
        ents.append(ent)
        normal[(ent.start_char, ent.end_char)] = _normal(text, span, ent, language)
    if language == "uk":
        ents += org_fallback(doc, ents)
    doc.ents = _non_overlapping(ents)
    doc.user_data.update(language=language, ent_normal=normal)
    return doc


# Case endings a Ukrainian noun stem takes (служб-а/-и/-і/-у/-ою, міністерств-о/-а/-і/-ом).
_CASE_ENDINGS = frozenset({"", "а", "и", "і", "у", "ою", "о", "ом", "ові", "е", "я", "ю", "ї", "єю", "ям", "ами", "ах", "ів"})
_LINKERS = frozenset({"з", "із", "зі", "у", "в", "по", "при", "і", "та", "й"})
_MAX_COMPLEMENT = 6
# A Ukrainian past-tense verb (евакуювала, повідомили, заявив): the Russian tagger reads
# Ukrainian verbs as nouns, so the end of a name's complement is found by form.
_UK_PAST = re.compile(r"^[а-яіїєґ'’]{2,}[аеиіоуяюєї](в|ла|ло|ли)$")


@functools.lru_cache(maxsize=1)
def _org_heads() -> frozenset[str]:
    from .resources import read_table

    return frozenset(r["stem"] for r in read_table("org_heads_slavic.tsv") if r["language"] == "uk")


def _org_head(word: str) -> bool:
    low = word.lower().replace("’", "'").replace("ʼ", "'")
    return any(low.startswith(h) and low[len(h):] in _CASE_ENDINGS for h in _org_heads())


def org_fallback(doc: Any, ents: list[Any]) -> list[Any]:
    """ORG spans natasha missed: a capitalised name built on an organisation head noun.

    "Державна служба з надзвичайних ситуацій евакуювала ...": capitalised adjectives, a head
    noun from data/org_heads_slavic.tsv, then its complement (lower-case nouns/adjectives,
    prepositions between them, a proper noun such as "України") up to punctuation, a verb or
    an entity already found. Two words at least; nothing natasha tagged is overridden.
    """
    from spacy.tokens import Span

    taken = {k for e in ents for k in range(e.start, e.end)}
    out: list[Any] = []
    i = 0
    while i < len(doc):
        end = _org_name_end(doc, i, taken) if doc[i].text[:1].isupper() and i not in taken else None
        # A name capitalises its first word only: a capitalised word opening the sentence
        # before another is a common noun ("Голова Верховної Ради"), not part of the name.
        if end is not None and doc[i].is_sent_start and i + 1 < end and doc[i + 1].text[:1].isupper():
            i += 1
            continue
        if end is None:
            i += 1
            continue
        out.append(Span(doc, i, end, label="ORG"))
        taken.update(range(i, end))
        i = end
    return out


def _org_name_end(doc: Any, i: int, taken: set[int]) -> int | None:
    """End of an organisation name opening at token i, or None."""
    k = i
    while k < len(doc) and k - i < 3 and doc[k].pos_ in ("ADJ", "PROPN") and not _org_head(doc[k].text):
        k += 1
    if k >= len(doc) or k in taken or not _org_head(doc[k].text) or doc[k].pos_ not in ("NOUN", "PROPN"):
        return None
    end = k + 1
    j = end
    while j < len(doc) and j - k <= _MAX_COMPLEMENT and j not in taken:
        tok = doc[j]
        if tok.text.lower() in _LINKERS:
            j += 1
            continue
        if tok.pos_ not in ("NOUN", "ADJ", "PROPN") or not tok.text[:1].isalpha() or _UK_PAST.search(tok.text):
            break
        end = j = j + 1
    return end if end - i >= 2 else None


def _non_overlapping(ents: list[Any]) -> list[Any]:
    out: list[Any] = []
    for e in sorted(ents, key=lambda e: (e.start, -len(e))):
        if not out or e.start >= out[-1].end:
            out.append(e)
    return out


def _normal(text: str, span: Any, ent: Any, language: str) -> str:
    """The nominative form of an entity; for Ukrainian, rebuilt on the Ukrainian letters.

    ``span`` is natasha's span, ``ent`` the (possibly trimmed) entity: the normal form keeps
    the words of ``ent``."""
    words = [(m.start() + span.start, m.end() + span.start) for m in re.finditer(r"\S+", text[span.start : span.stop])]
    normals = str(span.normal or "").split()
    if len(words) != len(normals):
        words, normals = [(span.start, span.stop)], [text[span.start : span.stop]]
    keep = [(text[a:b], n) for (a, b), n in zip(words, normals, strict=True)
            if a >= ent.start_char and b <= ent.end_char]
    if not keep:
        return str(ent.text)
    if language == "ru":
        return " ".join(n for _, n in keep)
    return " ".join(_uk_word(w, n) for w, n in keep)


_UK_ADJECTIVAL = (("ького", "ький"), ("ькому", "ький"), ("ьким", "ький"), ("ькім", "ький"),
                  ("ької", "ька"), ("ькій", "ька"), ("ькою", "ька"), ("ьку", "ька"))
_ALTERNATION = re.compile(r"([оеє])в$")
_RU_ONLY = set("ыэъё")


def _uk_word(word: str, ru_normal: str) -> str:
    """Nominative of one Ukrainian word, guided by natasha's normal form of its russianized
    spelling: where natasha only changed an ending, the same change is made here."""
    low = word.lower()
    for end, nom in _UK_ADJECTIVAL:
        if low.endswith(end) and len(low) > len(end) + 2:
            return word[: -len(end)] + nom
    if low.endswith(("єві", "єва")) and len(low) > 4:  # Києві/Києва -> Київ: no other noun class ends so
        return word[:-3] + "їв"
    mapped, norm = russianize(word).lower(), ru_normal.lower()
    k = 0
    while k < min(len(mapped), len(norm)) and mapped[k] == norm[k]:
        k += 1
    if k < 2 or len(mapped) - k > 3 or len(norm) - k > 2 or _RU_ONLY & set(norm[k:]):
        return word
    if k == len(norm) and k < len(mapped):  # only an ending dropped: Києв|і, Львов|а
        m = _ALTERNATION.search(word[:k].lower())
        if m:
            vowel = "ї" if m.group(1) == "є" else "і"
            return word[: k - 2] + (vowel.upper() if word[k - 2].isupper() else vowel) + word[k - 1 : k]
    return word[:k] + norm[k:]


def _build_doc(text: str, ndoc: Any, language: str) -> Any:
    """spaCy Doc with natasha's tokens, tags, lemmas and (relabelled) dependency tree."""
    from spacy.tokens import Doc

    toks = ndoc.tokens
    words, spaces, src = _words(text, toks)
    index = {tok.id: k for k, tok in enumerate(toks)}
    heads, deps, pos, lemmas, morphs = [], [], [], [], []
    for k, s in enumerate(src):
        if s is None:  # whitespace token: hangs on the previous token
            heads.append(max(k - 1, 0) if k > 0 else k + 1 if k + 1 < len(src) else 0)
            deps.append("dep")
            pos.append("SPACE")
            lemmas.append(words[k])
            morphs.append("")
            continue
        tok = toks[s]
        head = index.get(tok.head_id)
        heads.append(k if head is None else src.index(head))
        deps.append(_dep(tok, language))
        lemma = _lemma(tok, words[k], language)
        # the Russian tagger often takes a Ukrainian reporting verb for a noun ("розповіла")
        verb = language == "uk" and tok.pos not in ("VERB", "AUX") and uk_verb_lemma(words[k]) in _uk_cue_lemmas()
        pos.append("VERB" if verb else tok.pos or "X")
        lemmas.append(uk_verb_lemma(words[k]) if verb else lemma)
        morphs.append("|".join(f"{a}={v}" for a, v in sorted((tok.feats or {}).items())))
    sent_of = _sentence_ids(toks, src)
    _one_tree_per_sentence(heads, deps, sent_of)
    _attach_coordinators(heads, deps)
    vocab = _vocab(language)
    return Doc(vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas, morphs=morphs)


def _words(text: str, toks: Any) -> tuple[list[str], list[bool], list[int | None]]:
    """Token strings with trailing-space flags; ``src`` maps each to a natasha token (None: whitespace)."""
    words: list[str] = []
    spaces: list[bool] = []
    src: list[int | None] = []

    def gap(a: int, b: int) -> None:
        if a >= b:
            return
        chunk = text[a:b]
        if words and chunk[0] == " ":
            spaces[-1] = True
            chunk = chunk[1:]
        if chunk:
            words.append(chunk)
            spaces.append(False)
            src.append(None)

    pos = 0
    for k, tok in enumerate(toks):
        gap(pos, tok.start)
        words.append(text[tok.start : tok.stop])
        spaces.append(False)
        src.append(k)
        pos = tok.stop
    gap(pos, len(text))
    return words, spaces, src


def _sentence_ids(toks: Any, src: list[int | None]) -> list[str]:
    """natasha's sentence id per token; whitespace belongs to the sentence before it."""
    out: list[str] = []
    for s in src:
        out.append(toks[s].id.split("_")[0] if s is not None else (out[-1] if out else ""))
    if out and out[0] == "":
        first = next((x for x in out if x), "1")
        out = [x or first for x in out]
    return out


def _one_tree_per_sentence(heads: list[int], deps: list[str], sent_of: list[str]) -> None:
    """Make each sentence one tree: break the parser's rare cycles, join extra roots to the first.

    spaCy derives sentences from the tree, and a cycle makes ``Span.root`` fail."""
    members: dict[str, list[int]] = {}
    for k, sid in enumerate(sent_of):
        members.setdefault(sid, []).append(k)
    for ks in members.values():
        roots = [k for k in ks if heads[k] == k and deps[k] != "dep"] or [k for k in ks if heads[k] == k]
        main = roots[0] if roots else next((k for k in ks if deps[k] != "punct"), ks[0])
        heads[main], deps[main] = main, "ROOT"
        for r in roots[1:]:
            heads[r], deps[r] = main, "parataxis"
        for k in ks:
            seen = set()
            cur = k
            while heads[cur] != cur and cur not in seen:
                seen.add(cur)
                cur = heads[cur]
            if heads[cur] != cur:  # a cycle through cur: hang it on the sentence root
                heads[cur] = main


def _dep(tok: Any, language: str) -> str:
    rel = str(tok.rel or "dep")
    if rel == "advmod" and tok.text.lower() in NEGATORS:
        return "neg"
    return DEPS.get(rel, rel)


def _attach_coordinators(heads: list[int], deps: list[str]) -> None:
    """Move ``cc`` from the second conjunct to the first (spaCy English's attachment)."""
    for k, dep in enumerate(deps):
        h = heads[k]
        if dep == "cc" and deps[h] == "conj" and heads[h] < k:
            heads[k] = heads[h]


def _lemma(tok: Any, word: str, language: str) -> str:
    if language == "ru":
        return str(tok.lemma or word.lower())
    if tok.pos in ("VERB", "AUX"):
        return uk_verb_lemma(word)
    return word.lower()


# Ukrainian verbs: ending -> infinitive ending, longest first. Past tense (-в/-ла/-ло/-ли) and
# the common present-tense endings of reporting verbs; reflexive -ся/-сь is kept.
_UK_ENDINGS = (
    ("ують", "увати"), ("ює", "ювати"), ("ує", "увати"), ("ають", "ати"), ("яють", "яти"),
    ("ає", "ати"), ("яє", "яти"), ("ить", "ити"), ("ять", "ити"), ("ла", "ти"), ("ло", "ти"),
    ("ли", "ти"), ("в", "ти"),
)
_UK_IRREGULAR = {"каже": "казати", "кажуть": "казати", "розповів": "розповісти",
                 "розповіла": "розповісти", "розповіли": "розповісти", "мовить": "мовити"}


def uk_verb_lemma(word: str) -> str:
    """Infinitive of a Ukrainian verb form from its ending ("заявила" -> "заявити")."""
    low = word.lower()
    if low in _UK_IRREGULAR:
        return _UK_IRREGULAR[low]
    refl = ""
    for suffix in ("ся", "сь"):
        if low.endswith(suffix) and len(low) > 4:
            low, refl = low[:-2], "ся"
            break
    for end, inf in _UK_ENDINGS:
        if low.endswith(end) and len(low) > len(end) + 2:
            return low[: -len(end)] + inf + refl
    return low + refl


@functools.cache
def _uk_cue_lemmas() -> frozenset[str]:
    from .resources import read_table

    return frozenset(r["lemma"] for r in read_table("slavic_speech_cues.tsv"))


@functools.cache
def _vocab(language: str) -> Any:
    """A blank pipeline's vocabulary (spaCy ships ru and uk blanks; 'xx' if one fails)."""
    import spacy

    try:
        return spacy.blank(language).vocab
    except Exception:  # a blank that needs an extra package: the multilingual one works
        return spacy.blank("xx").vocab
