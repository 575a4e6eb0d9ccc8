"""Stage: entities, one per real-world referent across every article of a comparison.

Mentions come from spaCy's NER, from proper-noun runs it missed, and from descriptions
built on role words ("the general", "the ministry"); :mod:`counterpoint.entity_cluster`
clusters them. Spelling variants are linked by romanisation-insensitive keys, by the
curated alias table ``data/aliases.tsv`` and by variants generated from Cyrillic
originals (``data/names_cyrillic.tsv``) with translitua (KMU 2010) and iuliia (both read
by :mod:`counterpoint.entity_data`). Across
languages, organisations and places that no spelling links are joined to their translation
(:func:`counterpoint.crossling.join_translations`), and the cases of a Cyrillic
organisation's name are keyed by their stems.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .crossling import (
    cyrillic_index,
    harmonise,
    has_cyrillic,
    join_translations,
    latin_name,
    oblique_stem,
    romanise,
    stem,
    stem_key,
)
from .entity_cluster import LOC, NORP, ORG, PER, Item, cluster
from .entity_data import Alias as Alias  # re-exported: callers reach the alias data through this stage
from .entity_data import alias_note, canonical_alias, cluster_config, role_classes, title_abbreviations
from .entity_data import alias_rows as alias_rows
from .entity_data import fold_key as _fold_key
from .mention_spans import formal_names, headline_noise, junk, name_runs, parenthesised, trimmed
from .mention_spans import same_spelling as _same_spelling
from .mention_spans import stem_of as _stem_of
from .model import Analysis, Entity, Mention, Span
from .resources import Resources, read_table
from .segment import text_of

# ---------------------------------------------------------------- the stage ----
# "PER" is natasha's person label (Russian and Ukrainian parses); spaCy's English never emits it.
NER_LABELS = {"PERSON": PER, "PER": PER, "ORG": ORG, "GPE": LOC, "LOC": LOC, "FAC": LOC, "NORP": NORP, "PROPN": ""}
OUT_TYPE = {PER: "PERSON", ORG: "ORG", LOC: "GPE", NORP: "NORP", "": "MISC"}
TYPE_LABEL = {"PERSON": PER, "ORG": ORG, "GPE": LOC, "LOC": LOC, "NORP": NORP}
TITLE_WINDOW = 10  # tokens before a name searched for its title ("French Defense Minister")


@dataclass(frozen=True)
class Candidate:
    """A mention found in one article, before clustering."""

    start: int  # character offsets in the article
    end: int
    item: Item
    spacy_label: str
    text: str  # the surface form, with a possessor the item's name leaves out
    weak: bool = False  # a lone capitalised sentence opener NER did not tag: kept only if linked
    normal: str = ""  # nominative form of a Cyrillic name (its display form); "" otherwise


@functools.lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Adjective -> folded country key ("french" -> "france")."""
    return {r["adjective"].lower(): _country_key(r["country"]) for r in read_table("demonyms.tsv")}


def _country_key(text: str) -> str:
    row = canonical_alias(text)
    return _fold_key(row.canonical if row else text)


def _role_of(tok: Any) -> str | None:
    """The role-lexicon entry a token starts or is ("prime minister", "commander-in-chief")."""
    classes = role_classes()
    nxt = tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else ""
    for cand in (f"{tok.lower_} {nxt}", tok.lower_, tok.lemma_.lower()):
        if cand in classes:
            return cand
    if tok.text[:1].isupper() and (full := title_abbreviations().get(tok.lower_)):  # "Gov.", not "gen" in prose
        return full
    if has_cyrillic(tok.text) and stem(tok.lower_) in classes:  # "директора": the lemmatiser left the case
        return stem(tok.lower_)
    return None


def _country_of(tok: Any) -> str | None:
    """Country key of a GPE name or a nationality adjective token, if it is one."""
    if tok.ent_type_ == "GPE":
        return _country_key(tok.text)
    return demonyms().get(tok.lower_)


def _title(doc: Any, start: int, stop_at_of: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Role words and countries ("@france") in the title before a name at token ``start``.

    Organisations stop at a preposition: in "Commander-in-Chief of Ukraine's Armed Forces
    Oleksandr Syrskyi" the title belongs to the person, not to the Armed Forces.
    """
    roles: list[str] = []
    countries: list[str] = []
    sent_start = doc[start].sent.start
    for k in range(start - 1, max(sent_start, start - TITLE_WINDOW) - 1, -1):
        tok = doc[k]
        if _complement(doc, k, start) or (stop_at_of and tok.pos_ == "ADP") or tok.pos_ in ("VERB", "AUX", "DET") or tok.text in (",", ";", ":", "(", '"', "“", "”") or tok.ent_type_ == "PERSON":
            break
        role = _role_of(tok)
        if role and "person" in role_classes()[role]:  # "union leader X": the union is not X
            roles.append(role)
        country = _country_of(tok)
        if country:
            countries.append(country)
    return tuple(roles), tuple(f"@{c}" for c in countries)


def _title_mention(doc: Any, name: Candidate, sents: Sequence[int]) -> Candidate | None:
    """The title in front of a person's name as a description of them ("Ukraine's top commander")."""
    span = doc.char_span(name.start, name.end, alignment_mode="expand")
    if span is None or name.item.label not in (PER, ""):
        return None
    left, role = None, None
    for k in range(span.start - 1, max(span.sent.start, span.start - TITLE_WINDOW) - 1, -1):
        tok = doc[k]
        # a determiner opens another noun phrase: "the inspector general report on the
        # handling of the FBI's Hillary Clinton ..." gives Clinton no title
        if _complement(doc, k, span.start) or tok.pos_ in ("VERB", "AUX", "DET") or tok.text in (",", ";", ":", "(", '"', "\u201c", "\u201d") or tok.ent_type_ == "PERSON":
            break
        found = _role_of(tok)
        if found and "person" in role_classes()[found]:
            left, role = k, role or found
        elif _country_of(tok) and role:
            left = k
    if left is None or role is None:
        return None
    s, e = doc[left].idx, doc[span.start - 1].idx + len(doc[span.start - 1].text)
    item = Item(
        doc=name.item.doc, group=name.item.group, order=s, sent=_sent_index(sents, s), text=text_of(doc)[s:e],
        head=role, kind="nominal", label=PER, partner=name.item.order,
    )
    return Candidate(s, e, item, "PERSON", text_of(doc)[s:e])


def _complement(doc: Any, k: int, start: int) -> bool:
    """Whether token ``k`` is a preposition right before a name, making the name a role's complement.

    "A spokesperson for Grassley", "an aide to Grassley": the role is someone else's, not
    the name's title (unlike "Secretary of State Mike Pompeo", where a name word intervenes).
    """
    return k == start - 1 and doc[k].pos_ == "ADP"


def _appositive_roles(root: Any) -> tuple[str, ...]:
    """Role words of an apposition: "Syrsky, the commander, ..." (head nouns only)."""
    out = []
    for child in root.children:
        if child.dep_ == "appos":
            role = _role_of(child)
            if role:
                out.append(role)
    return tuple(out)


def _possessor(doc: Any, start: int) -> tuple[int, str | None]:
    """Start and country of a possessive or adjectival country before an organisation name."""
    if start >= 2 and doc[start - 1].text in ("'s", "\u2019s") and doc[start - 2].ent_type_ == "GPE":
        k = start - 2
        while k > 0 and doc[k - 1].ent_iob_ == "I" and doc[k - 1].ent_type_ == "GPE":
            k -= 1
        while doc[k].ent_iob_ == "I" and k > 0:
            k -= 1
        return k, _country_key(doc[k : start - 1].text)
    if start >= 1 and doc[start - 1].lower_ in demonyms():
        return start - 1, demonyms()[doc[start - 1].lower_]
    return start, None


def nominative(doc: Any, start: int, end: int) -> str:
    """The dictionary form of a Cyrillic name over tokens [start, end).

    The Russian/Ukrainian parser leaves normal forms in ``doc.user_data["ent_normal"]``
    (keyed by character offsets); else token lemmas, capitalised like the text, stand in.
    """
    span = doc[start:end]
    normal = (doc.user_data or {}).get("ent_normal", {}).get((span.start_char, span.end_char))
    if normal:
        # left as written: cut endings no nominative has, or the key would carry the case
        return oblique_stem(str(normal)) if normal == span.text else str(normal)
    words = []
    for tok in span:
        lemma = tok.lemma_ if tok.lemma_ and has_cyrillic(tok.lemma_) else tok.text
        words.append(lemma[:1].upper() + lemma[1:] if tok.text[:1].isupper() else lemma)
    return " ".join(words)


def _name_item(doc: Any, aid: str, start: int, end: int, label: str, sents: Sequence[int],
               language: str = "en") -> Candidate:
    """A name mention over tokens [start, end): label corrected by the alias data.

    A Cyrillic name is clustered under its English or romanised form (Києві -> Kyiv,
    Сырского -> Syrskyi), so the English sieves and alias table link it across scripts.
    """
    if has_cyrillic(doc[start:end].text):
        while end - start > 1 and _role_of(doc[start]):
            start += 1  # "Головнокомандувач ЗСУ": the title is not part of the name
    span = doc[start:end]
    core, normal, known = span.text, "", None
    if has_cyrillic(core):
        normal = nominative(doc, start, end)
        core, known = latin_name(normal, language)
    row = canonical_alias(core)
    lab = TYPE_LABEL.get(row.type, label) if row else label
    if known and not row:
        lab = TYPE_LABEL.get(known, label)
    roles, countries = _title(doc, start, stop_at_of=lab not in (PER, ""))
    roles += _appositive_roles(span.root) + (row.roles if row else ())
    if lab in (LOC, NORP):
        roles, countries = (), ()
    if normal and lab == ORG:  # "Главнокомандующий ВСУ": a genitive, no "of" stops the title
        roles = tuple(r for r in roles if "person" not in role_classes().get(r, ()))
    modifiers: tuple[str, ...] = ()
    if lab in (ORG, "") and not row:
        new_start, country = _possessor(doc, start)
        if country:
            start, modifiers = new_start, (country,)
    if lab == "" and any("person" in role_classes().get(r, ()) for r in roles):
        lab = PER
    if normal and not known and not row and lab == ORG and " " in normal:
        # an organisation's words decline ("Государственной службы"): keyed by their stems
        core = romanise(stem_key(normal), language)
    item = Item(
        doc=aid, group="comparison", order=doc[start].idx, sent=_sent_index(sents, doc[start].idx),
        text=core, head=core.split()[-1].lower() if normal else span.root.lemma_.lower(), kind="name", label=lab,
        roles=roles + (countries if lab == PER or not modifiers else ()), modifiers=modifiers,
        subject=span.root.dep_ in ("nsubj", "nsubjpass"), plural=False,
    )
    s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    return Candidate(s, e, item, OUT_TYPE.get(lab, "MISC"), text_of(doc)[s:e], normal=normal)


def _sent_index(starts: Sequence[int], offset: int) -> int:
    import bisect

    return max(0, bisect.bisect_right(starts, offset) - 1)


def _ner_spans(doc: Any) -> list[tuple[int, int, str]]:
    """spaCy's entity spans, with a split person name repaired.

    The small model sometimes cuts "Oleksandr Syrskyi" into ORG "Oleksandr" and PERSON
    (or nothing) "Syrskyi": a lone proper noun glued to a following PERSON is taken as its
    first name, and one glued to untagged proper nouns becomes a name of unknown type
    ("PROPN"), which titles and names then type.
    """
    spans = [(e.start, e.end, e.label_) for e in doc.ents]
    tagged = {i for e in doc.ents for i in range(e.start, e.end)}
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if end - start == 1 and label in ("ORG", "GPE", "NORP") and _proper(doc[start]):
            stop = end
            while stop < len(doc) and stop not in tagged and _proper(doc[stop]) and doc[stop].sent == doc[start].sent:
                stop += 1
            if stop > end:
                end, label = stop, "PROPN"
        if out and label == "PERSON":
            p_start, p_end, p_label = out[-1]
            if (p_end == start and p_end - p_start == 1 and p_label != "PERSON" and _proper(doc[p_start])
                    and not doc[p_start].text.isupper()):  # an acronym (ВСУ, NATO) is no first name
                out[-1] = (p_start, end, "PERSON")
                continue
        out.append((start, end, label))
    return out


def _names(doc: Any, aid: str, sents: Sequence[int], language: str = "en") -> list[Candidate]:
    """NER names (minus organisation words inside a title) and proper-noun runs NER missed."""
    out: list[Candidate] = []
    noise = headline_noise(doc, _known_word)
    covered: set[int] = set(noise)
    lower = {t.text for t in doc if t.text.islower()}
    spans = [(s, e, label) for start, end, label in parenthesised(doc, _ner_spans(doc))
             for s, e in name_runs(start, end, noise)]
    for start, end, label in spans:
        covered.update(range(start, end))
        start, end = trimmed(doc, start, end, label, _role_of)
        if label not in NER_LABELS or junk(doc[start:end], label):
            continue
        root = doc[start:end].root
        if label != "PERSON" and root.dep_ == "compound" and root.head.i >= end and _role_of(root.head):
            continue  # "Defense" in "French Defense Minister" is part of a title
        out.append(_name_item(doc, aid, start, end, NER_LABELS[label], sents, language))
    k = 0
    while k < len(doc):
        if k in covered or not _proper(doc[k]):
            k += 1
            continue
        end = k
        while end < len(doc) and end not in covered and _proper(doc[end]) and doc[end].sent == doc[k].sent:
            end += 1
        first = k
        if end - k == 1 and doc[k].lower_ in lower and k > 0 and doc[k - 1].is_title and _role_of(doc[k - 1]):
            first = k - 1  # "the General Staff": a capitalised common noun after a title word
        elif end - k == 1 and doc[k].lower_ in lower and not doc[k].is_sent_start:
            k = end
            continue  # "Staff" alone, written "staff" elsewhere: not a name
        if junk(doc[first:end], ""):
            k = end
            continue
        cand = _name_item(doc, aid, first, end, "" if first == k else ORG, sents, language)
        if end - k == 1 and doc[k].is_sent_start:  # "Editor's note" or "Syrsky, who ..."
            cand = replace(cand, weak=True)
        out.append(cand)
        k = end
    return [c for c in out if not _common_opener(doc, c, lower)]


def _known_word(word: str) -> bool:
    """A headline word the alias data knows as a name ("GOP"), whatever its case there."""
    return canonical_alias(word) is not None


def _common_opener(doc: Any, cand: Candidate, lower: set[str]) -> bool:
    """A lone capitalised sentence opener the article also writes in lower case ("Ferry crossings")."""
    if " " in cand.text or canonical_alias(cand.text) or cand.text.lower() not in lower:
        return False
    before = text_of(doc)[max(0, cand.start - 40) : cand.start].rstrip(" \t")
    if not before:
        return cand.start < 40  # the text starts with it
    return before[-1] in "\n.!?\"'\u201c\u201d"


def _proper(tok: Any) -> bool:
    """A capitalised proper-noun token that is not a title word ("President")."""
    # a dotted abbreviation the alias data knows ("G.O.P.") is a name too
    return (tok.pos_ == "PROPN" and tok.text[:1].isupper() and (tok.is_alpha or _known_word(tok.text))
            and not _role_of(tok))


def _nominals(doc: Any, aid: str, sents: Sequence[int], names: Sequence[Candidate]) -> list[Candidate]:
    """Definite descriptions built on a role word: "the general", "Ukraine's top commander"."""
    taken = {(c.start, c.end) for c in names if c.item.label not in (LOC, NORP)}  # "the French leader"
    out = []
    try:
        chunks = list(doc.noun_chunks)
    except (NotImplementedError, ValueError):  # no noun-chunk rules for this language's parse
        return _bare_roles(doc, aid, sents, taken)
    for chunk in chunks:
        root = chunk.root
        role = _role_of(root)
        # "the Kakhovka hydroelectric plant": a facility named after a place (NER may call it anything)
        facility = bool(role) and "facility" in role_classes()[role or ""]
        if not role or root.tag_ in ("NNS", "NNPS") or (not facility and any(t.ent_type_ in ("PERSON", "ORG") for t in chunk)):
            continue
        if root.i + 1 < len(doc) and _proper(doc[root.i + 1]):
            continue  # a title in front of a name: the name's mention carries it
        first = chunk[0]
        countries = tuple(c for t in chunk if t.i != root.i and (c := _country_of(t)))
        if first.lower_ not in ("the", "this") and not countries:
            continue
        if "source" in role_classes()[role] and root.i - chunk.start != 1:
            continue  # only a bare "the statement" stands for its issuer
        start, end = chunk.start, root.i + 1
        s, e = doc[start].idx, root.idx + len(root.text)
        if any(a < e and s < b for a, b in taken) and not (facility and not any(a <= root.idx < b for a, b in taken)):
            continue
        person = "person" in role_classes().get(role, ())
        # a facility description with a proper noun in it names the facility, like a name
        named = facility and any(t.text[:1].isupper() for t in doc[start + 1 : root.i])
        item = Item(
            doc=aid, group="comparison", order=s, sent=_sent_index(sents, s), text=doc[start:end].text,
            head=role, kind="name" if named else "nominal", label=PER if person else ORG, modifiers=countries,
            subject=root.dep_ in ("nsubj", "nsubjpass"),
        )
        out.append(Candidate(s, e, item, "PERSON" if person else "ORG", text_of(doc)[s:e]))
    return out


def _bare_roles(doc: Any, aid: str, sents: Sequence[int], taken: set[tuple[int, int]]) -> list[Candidate]:
    """Person role nouns standing alone in a language without articles ("по словам директора").

    A role noun right before a name or an acronym is a title, which the name's mention carries.
    """
    out = []
    for tok in doc:
        role = _role_of(tok)
        if (not role or tok.pos_ != "NOUN" or "person" not in role_classes()[role]
                or "Plur" in tok.morph.get("Number")):
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and (nxt.pos_ == "PROPN" or nxt.text[:1].isupper()):
            continue
        s, e = tok.idx, tok.idx + len(tok.text)
        if any(a < e and s < b for a, b in taken):
            continue
        item = Item(doc=aid, group="comparison", order=s, sent=_sent_index(sents, s), text=tok.text,
                    head=role, kind="nominal", label=PER, subject=tok.dep_ in ("nsubj", "nsubj:pass"))
        out.append(Candidate(s, e, item, "PERSON", tok.text))
    return out


def mentions_for(analysis: Analysis, resources: Resources | None = None) -> list[Candidate]:
    """Every name and description of every article, in article order (the stage's input)."""
    out: list[Candidate] = []
    for art in analysis.articles:
        doc = analysis.parses.get(art.id)
        if doc is None:
            if resources is None:
                continue
            doc = resources.parse([art.text], language=art.language)[0]
        sents = [s.start_char for s in doc.sents]
        names = _names(doc, art.id, sents, art.language)
        titles = [t for c in names if (t := _title_mention(doc, c, sents))]
        out += sorted(names + titles + _nominals(doc, art.id, sents, names + titles), key=lambda c: c.start)
    return _formal(_harmonised(out, {a.id: a.language for a in analysis.articles}))


def _formal(cands: list[Candidate]) -> list[Candidate]:
    """Person names keyed by the formal given name the comparison also writes (Chuck -> Charles)."""
    people = [k for k, c in enumerate(cands) if c.item.kind == "name" and c.item.label in (PER, "")]
    found = formal_names([cands[k].item.text for k in people])
    out = list(cands)
    for n, text in found.items():
        c = out[people[n]]
        out[people[n]] = replace(c, item=replace(c.item, text=text))
    return out


def _harmonised(cands: list[Candidate], languages: dict[str, str]) -> list[Candidate]:
    """Cyrillic names the data does not know, romanised as other articles spell them.

    "Гнатюк" in a Russian text could be Gnatyuk (Russian system) or Hnatiuk (Ukrainian); when an
    English article of the comparison writes Hnatiuk, that is the key. Russian-language names
    also follow Ukrainian and Russian keys (the official romanisation English uses for
    Ukrainian names); Ukrainian ones follow Latin-script and Ukrainian ones, so no two sides
    swap. A name in an oblique case ("Гнатюка") follows a key its stem begins.
    """
    def words(follow: set[str]) -> list[str]:
        return [w for c in cands if c.item.kind == "name" and (not c.normal or languages.get(c.item.doc) in follow)
                for w in c.item.text.split()]

    tiers = {"uk": [words(set()), words({"uk"})], "ru": [words({"uk"}), words({"ru"})]}
    out = []
    for c in cands:
        pool = tiers.get(languages.get(c.item.doc, ""), tiers["ru"])
        if (any(pool) and c.normal and c.item.kind == "name" and not cyrillic_index().get(stem_key(c.normal))
                and not (c.item.label == ORG and " " in c.normal)):  # stem-keyed in _name_item
            key = " ".join(harmonise(c.normal.split(), pool, _same_spelling, _stem_of))
            c = replace(c, item=replace(c.item, text=key, head=key.split()[-1].lower()))
        out.append(c)
    return out


def resolve(items: Sequence[Item]) -> list[int]:
    """Cluster numbers for mention items with the project's data (timed by ``make bench``)."""
    return cluster(items, cluster_config())


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Find mentions in every article and resolve them into cross-article entities."""
    cands = mentions_for(analysis, resources)
    languages = {a.id: a.language or "en" for a in analysis.articles}
    labels = join_translations(cands, resolve([c.item for c in cands]), languages, resources.cross_embedder)
    groups: dict[int, list[Candidate]] = {}
    for cand, lab in zip(cands, labels, strict=True):
        groups.setdefault(lab, []).append(cand)
    order = {a.id: k for k, a in enumerate(analysis.articles)}
    built = []
    for members in groups.values():
        if not any(c.item.kind == "name" for c in members) or all(c.weak for c in members):
            continue  # a description nobody named, or a capitalised opener linked to nothing
        members.sort(key=lambda c: (order[c.item.doc], c.start))
        built.append(_entity(members))
    built.sort(key=lambda e: (order[e.mentions[0].span.article], e.mentions[0].span.start))
    entities = tuple(Entity(f"E{k + 1}", e.name, e.type, e.mentions) for k, e in enumerate(built))
    extras = dict(analysis.extras)
    extras["entities"] = _extras(entities)
    return analysis.update(entities=entities, extras=extras)


def _extras(entities: Sequence[Entity]) -> dict[str, Any]:
    """JSON-able per-entity surface forms per article, and why a variant is used (alias data)."""
    forms = {e.id: {art: list(fs) for art, fs in e.forms().items()} for e in entities}
    notes = {}
    for e in entities:
        for m in e.mentions:
            note = alias_note(m.text) if m.kind == "name" else None
            if note:
                notes[m.text] = note
    return {"forms": forms, "notes": notes}


def _entity(members: Sequence[Candidate]) -> Entity:
    """An Entity from its clustered mentions: canonical name, voted type, typed mentions."""
    names = [c for c in members if c.item.kind == "name"]
    rows = [r for c in names if (r := canonical_alias(c.item.text))]
    if rows:
        name, etype = rows[0].canonical, rows[0].type
    else:
        # Latin-script names first: in a mixed-language comparison the English or romanised
        # form reads for everyone; a Cyrillic-only entity shows its nominative form.
        name = max((_display(c.normal or c.text) for c in names), key=lambda t: (not has_cyrillic(t), len(t.split())))
        etype = _vote(names)
    mentions = tuple(
        Mention(Span(c.item.doc, c.start, c.end), c.text, etype, "name" if c.item.kind == "name" else "nominal")
        for c in members
    )
    return Entity("", name, etype, mentions)


def _display(text: str) -> str:
    words = re.sub(r"[\[\]{}]", "", text).split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _vote(names: Sequence[Candidate]) -> str:
    """The most common spaCy type; people titled as people win over an ORG mislabel."""
    counts: dict[str, int] = {}
    for c in names:
        counts[c.spacy_label] = counts.get(c.spacy_label, 0) + 1
    if any("person" in role_classes().get(r, ()) for c in names for r in c.item.roles):
        counts["PERSON"] = counts.get("PERSON", 0) + len(names)
    counts.pop("MISC", None)
    return max(counts, key=lambda k: counts[k]) if counts else "MISC"


def entity_for_span(analysis: Analysis, span: Span) -> Entity | None:
    """The entity with a mention overlapping ``span`` most (None when there is none)."""
    best, best_len = None, 0
    for ent in analysis.entities:
        for m in ent.mentions:
            if m.span.overlaps(span):
                ov = min(m.span.end, span.end) - max(m.span.start, span.start)
                if ov > best_len:
                    best, best_len = ent, ov
    return best
