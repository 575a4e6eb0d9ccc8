"""Sieve passes for descriptions and pronouns: each takes a referent by position and type.

Separate from :mod:`counterpoint.entity_cluster` because these passes read word order,
sentence distance and syntax (appositions, subjects), where the name passes there match
blocking keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial

from .entity_cluster import (
    LOC,
    ORG,
    PER,
    TIME,
    Clusters,
    Config,
    Item,
    compatible_types,
    fold,
    modifiers_agree,
)

# Pronoun classes: what kind of antecedent each can take.
PRON_MALE_FEMALE = frozenset(
    {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
)
PRON_IT = frozenset({"it", "its", "itself"})
PRON_THEY = frozenset({"they", "them", "their", "theirs", "themselves"})
PRON_FIRST_SG = frozenset({"i", "me", "my", "mine", "myself"})
PRON_FIRST_PL = frozenset({"we", "us", "our", "ours", "ourselves"})
PRON_REL_PERSON = frozenset({"who", "whom", "whose"})
PRON_REL_THING = frozenset({"which", "that"})
PRON_LOC = frozenset({"there", "here", "where"})
PRON_TIME = frozenset({"then", "when"})


def partners(cl: Clusters, doc_items: Sequence[int]) -> None:
    """Appositions and copular predicates: "Anthony LaCalamita, an accountant" is one referent.

    Two names in apposition are more often a list than one referent, and two descriptions
    in a headline are often misparsed, so only a name of a person or organisation and a
    description of the same number are joined.
    """
    at = {cl.items[i].order: i for i in doc_items}
    for i in doc_items:
        partner = cl.items[i].partner
        if partner is None or partner not in at:
            continue
        a, b = cl.items[i], cl.items[at[partner]]
        if {a.kind, b.kind} != {"name", "nominal"} or a.plural != b.plural:
            continue
        if (a if a.kind == "name" else b).label not in (PER, ORG, ""):
            continue
        if compatible_types({a.label} - {""}, {b.label} - {""}) and TIME not in (a.label, b.label):
            cl.union(i, at[partner])


def resolve_in_document(cl: Clusters, doc_items: Sequence[int], cfg: Config) -> None:
    """Nominals, unmarked ambiguous names and pronouns take a preceding antecedent."""
    person_roles = frozenset(w for w, cls in cfg.role_classes.items() if "person" in cls)
    for pos, i in enumerate(doc_items):
        it = cl.items[i]
        if it.kind == "pronoun":
            fits = partial(_pronoun_fits, cl, it, person_roles=person_roles)
            j = _antecedent(cl, doc_items, pos, cfg.pronoun_window, fits)
            if j is None:  # "We will ...," AMD said: a speaker after the quote
                j = _following(cl, doc_items, pos, fits)
        elif it.kind == "nominal" and not cl.has_name(i):  # an apposition already named it
            j = _antecedent(cl, doc_items, pos, cfg.nominal_window, partial(_head_fits, cl, it))
            if j is None:
                j = _antecedent(cl, doc_items, pos, cfg.role_window, partial(_class_fits, cl, it, cfg=cfg))
        else:
            continue
        if j is not None:
            cl.union(i, j)


def _antecedent(cl: Clusters, doc_items: Sequence[int], pos: int, window: int, fits: Callable[[int], bool]) -> int | None:
    """The most salient earlier item that fits: nearest sentence, then subjects, then nearest."""
    it = cl.items[doc_items[pos]]
    best: tuple[int, int, int] | None = None
    best_j = None
    for back in range(pos - 1, -1, -1):
        j = doc_items[back]
        cand = cl.items[j]
        dist = it.sent - cand.sent
        if dist > window:
            break
        if cand.kind == "pronoun" and it.kind != "pronoun":
            continue
        if cl.find(j) == cl.find(doc_items[pos]) or not fits(j):
            continue
        rank = (dist, 0 if (cand.subject or dist == 0) else 1, -cand.order)
        if best is None or rank < best:
            best, best_j = rank, j
    return best_j


def _following(cl: Clusters, doc_items: Sequence[int], pos: int, fits: Callable[[int], bool]) -> int | None:
    it = cl.items[doc_items[pos]]
    for j in doc_items[pos + 1 :]:
        cand = cl.items[j]
        if cand.sent != it.sent:
            return None
        if cand.kind != "pronoun" and fits(j):
            return j
    return None


def _head_fits(cl: Clusters, it: Item, j: int) -> bool:
    """A description fits a cluster that used its head word: 'the ministry' -> Defense Ministry."""
    root = cl.find(j)
    return (
        it.plural == cl.items[j].plural
        and it.head in cl.words(root)
        and modifiers_agree(set(it.modifiers), cl.modifiers(root))
        and description_fits(it.label, cl.labels(root))
    )


def description_fits(label: str, labels: set[str]) -> bool:
    """A description's type comes from its role word (reliable): "the union" is no person."""
    if not label or not labels:
        return True
    if label == ORG:
        return PER not in labels
    return compatible_types({label}, labels)


GENERIC_CLASSES = frozenset({"person", "organisation", "facility"})  # kinds, not referents: a dam is no plant


def _class_fits(cl: Clusters, it: Item, j: int, *, cfg: Config) -> bool:
    """'the general' fits a cluster titled commander: role words share a class (data).

    The class ``source`` ("the statement") stands for whoever issued it: the named
    subject of an earlier sentence.
    """
    mine = cfg.role_classes.get(it.head, frozenset()) - GENERIC_CLASSES
    root = cl.find(j)
    if not mine or not cl.has_name(root) or not modifiers_agree(set(it.modifiers), cl.modifiers(root)):
        return False
    if not description_fits(it.label, cl.labels(root)) or it.plural != cl.items[j].plural:
        return False
    if "source" in mine:
        return cl.items[j].subject and cl.items[j].kind == "name"
    theirs: set[str] = set()
    for w in cl.words(root):
        theirs |= cfg.role_classes.get(w, frozenset())
    return bool(mine & theirs)


def _pronoun_fits(cl: Clusters, it: Item, j: int, *, person_roles: frozenset[str]) -> bool:
    word = fold(it.text)
    cand = cl.items[j]
    root = cl.find(j)
    person = cl.person_like(root, person_roles)
    labels = cl.labels(root)
    if word in PRON_REL_PERSON or word in PRON_REL_THING:
        if cand.sent != it.sent or it.order - cand.order > 12:
            return False
    if word in PRON_FIRST_SG:  # "I" in a quotation: the speaker, which may come later
        return False
    if word in PRON_MALE_FEMALE or word in PRON_REL_PERSON:
        return person and not cand.plural
    if word in PRON_IT or word in PRON_REL_THING:
        return not person and not cand.plural and TIME not in labels
    if word in PRON_THEY or word in PRON_FIRST_PL:
        return cand.plural or (ORG in labels and not person)
    if word in PRON_LOC:
        return LOC in labels
    if word in PRON_TIME:
        return TIME in labels
    return False


def cross_doc_nominals(cl: Clusters) -> None:
    """Unnamed descriptions with the same head and number in one group ("the man", "the Oklahoma man").

    They join the one named cluster described with that head word (or named with it:
    "Surgeon General") when there is exactly one, else each other. Predicate overlap and
    head-word embeddings were tried as further evidence on the ECB+ dev split and did not help.
    """
    named: dict[tuple[str, str, bool], set[int]] = defaultdict(set)
    unnamed: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for root in list(cl.members):
        its = cl.of(root)
        is_named = any(it.kind == "name" for it in its)
        heads = {(it.head, it.plural) for it in its if it.kind == "nominal" or (is_named and it.kind == "name")}
        if is_named:  # titles and appositions: "actor Matt Smith" is "the actor" elsewhere
            heads |= {(r, False) for it in its for r in it.roles if not r.startswith("@")}
        for h, plural in heads:
            key = (its[0].group, h, plural)
            (named[key].add(root) if is_named else unnamed[key].append(root))
    for key, roots in unnamed.items():
        targets = named.get(key, set()) if not key[2] else set()
        anchor = next(iter(targets)) if len(targets) == 1 else roots[0]
        for r in roots:
            if modifiers_agree(cl.modifiers(anchor), cl.modifiers(r)):
                cl.union(anchor, r)
