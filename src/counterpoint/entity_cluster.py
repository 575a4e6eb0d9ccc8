"""Mention clustering core: one cluster per real-world referent, across documents.

Input is a flat list of :class:`Item` (from spaCy NER, from ECB+ gold mentions, from
anything); output is one cluster number per item. Passes run from most to least precise
(a multi-pass sieve in the spirit of Lee et al. 2013), each over *blocks* built from keys
(normalised name, surname skeleton, acronym, head lemma), so the cost stays near-linear
in the number of mentions: no pass compares all pairs. The name passes are here; the
description and pronoun passes are in :mod:`counterpoint.entity_anaphora`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

PER, ORG, LOC, NORP, TIME = "PER", "ORG", "LOC", "NORP", "TIME"
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
CORP_SUFFIXES = frozenset({"inc", "co", "corp", "corporation", "ltd", "llc", "plc", "company", "group", "sa", "ag"})
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof", "sir", "dame", "rev", "fr", "st", "jr", "sr"})
# Function words initialisms skip, English and romanised Russian/Ukrainian prepositions and
# conjunctions (Державна служба з надзвичайних ситуацій is ДСНС).
ACRONYM_STOP = frozenset({"of", "the", "and", "for", "in", "on", "de", "du", "&",
                          "z", "iz", "zi", "po", "v", "u", "na", "i", "ta", "dlia", "dlya", "pry", "pri"})
DIGRAPHS = ("shch", "ch", "sh", "zh", "kh", "ts")  # one Cyrillic letter each: ГСЧС -> GSChS


@dataclass(frozen=True)
class Item:
    """One mention to cluster, whatever produced it.

    ``group`` is the blocking scope (a comparison, an ECB+ topic): items of different
    groups never merge. ``order`` orders items inside a document (token or character
    offset). ``roles`` are descriptive words attached to the mention in its sentence
    (titles, appositions: "president", "general", "company"); ``modifiers`` are
    country/possessor keys ("france") that distinguish otherwise equal names.
    """

    doc: str
    group: str
    order: int
    sent: int
    text: str
    head: str
    kind: str = "name"  # name | nominal | pronoun
    label: str = ""  # PER, ORG, LOC, NORP, TIME or "" when unknown
    roles: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    subject: bool = False
    plural: bool = False
    partner: int | None = None  # ``order`` of a mention this one is syntactically equated with


@dataclass(frozen=True)
class Config:
    """Knobs of the sieve (tuned on the ECB+ dev split)."""

    pronoun_window: int = 2  # sentences back a pronoun may reach
    nominal_window: int = 2  # sentences back a nominal may reach by its head word
    role_window: int = 6  # ... and by a role class ("the French leader"), a stricter match
    first_name_ratio: float = 0.75  # skeleton similarity for transliterated first names
    cross_doc_nominals: bool = True  # merge unlinked nominals by head lemma within a group
    role_classes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)  # folded variant -> canonical


# ---------------------------------------------------------------- normalisation ----
@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free, straight apostrophes, hyphens glued ("T - Mobile" -> "t-mobile")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def name_words(text: str) -> list[str]:
    """Content words of a name: no leading determiner, possessive or company suffix."""
    return list(_name_words(text))


@lru_cache(maxsize=65536)
def _name_words(text: str) -> tuple[str, ...]:
    words = re.findall(r"[\w][\w\-.&']*", fold(text).replace("'s ", " ").removesuffix("'s"))
    words = [w.strip(".'") for w in words if w.strip(".'")]
    while words and words[0] in DETERMINERS:
        words.pop(0)
    while len(words) > 1 and words[0] in HONORIFICS:  # "Dr. Regina Benjamin" is Regina Benjamin
        words.pop(0)
    while len(words) > 1 and words[-1] in HONORIFICS:
        words.pop()
    while len(words) > 1 and words[-1] in CORP_SUFFIXES:
        words.pop()
    if len(words) > 2 and words[1] == "of" and words[0] in {"department", "ministry"}:
        words = words[2:] + [words[0]]  # "Department of Justice" is "Justice Department"
    return tuple(words)


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A romanisation-insensitive key: Syrsky/Syrskyi -> sirski, Zelensky/Zelenskyy -> zelenski."""
    w = fold(word).replace("'", "")
    for a, b in (("kh", "h"), ("zh", "z"), ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ph", "f"), ("w", "v")):
        w = w.replace(a, b)
    w = re.sub(r"[yj]", "i", w)
    w = re.sub(r"([a-z])\1+", r"\1", w)  # doubled letters: Odessa/Odesa, Zelenskyy
    return w


def acronyms(words: Sequence[str]) -> set[str]:
    """Initialisms of a multi-word name, with and without function words."""
    if len(words) < 2:
        return set()
    full = "".join(w[0] for w in words if w[0].isalnum())
    content = "".join(w[0] for w in words if w not in ACRONYM_STOP and w[0].isalnum())
    romanised = "".join(next((d for d in DIGRAPHS if w.startswith(d)), w[0])
                        for w in words if w not in ACRONYM_STOP and w[0].isalnum())
    return {a for a in (full, content, romanised) if len(a) >= 2}


def similarity(a: str, b: str) -> float:
    """Normalised Indel similarity in [0, 1] (rapidfuzz's ratio / 100)."""
    from rapidfuzz.fuzz import ratio

    return float(ratio(a, b)) / 100.0


# ---------------------------------------------------------------- union-find ----
@dataclass
class Facts:
    """What the sieves ask about a cluster, kept up to date on every union."""

    labels: set[str]
    modifiers: set[str]  # country keys: organisation modifiers plus "@france" in titles
    words: set[str]  # name words, heads and roles: what a description may match
    roles: set[str]
    firsts: set[str]  # first words of multi-word names
    first_seen: dict[str, int]  # document -> earliest order
    named: bool

    @classmethod
    def of(cls, it: Item) -> Facts:
        """The facts of a one-item cluster."""
        words = name_words(it.text) if it.kind == "name" else []
        return cls(
            labels={it.label} - {""},
            modifiers=set(it.modifiers) | {r[1:] for r in it.roles if r.startswith("@")},
            words=set(it.roles) | {it.head} | set(words),
            roles=set(it.roles),
            firsts={words[0]} if len(words) >= 2 else set(),
            first_seen={it.doc: it.order},
            named=it.kind == "name",
        )

    def absorb(self, other: Facts) -> None:
        """Take in the facts of a cluster merged into this one."""
        for mine, theirs in ((self.labels, other.labels), (self.modifiers, other.modifiers),
                             (self.words, other.words), (self.roles, other.roles), (self.firsts, other.firsts)):
            mine |= theirs
        for doc, order in other.first_seen.items():
            self.first_seen[doc] = min(order, self.first_seen.get(doc, order))
        self.named = self.named or other.named


class Clusters:
    """Union-find over item indices with the per-cluster facts the sieves consult."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = items
        self.parent = list(range(len(items)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(items))}
        self.facts: dict[int, Facts] = {i: Facts.of(it) for i, it in enumerate(items)}

    def find(self, i: int) -> int:
        """The root of i's cluster (with path halving)."""
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        """Merge the clusters of i and j; the larger keeps its root and absorbs the facts."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.facts[a].absorb(self.facts.pop(b))

    def of(self, i: int) -> list[Item]:
        """The items of i's cluster."""
        return [self.items[k] for k in self.members[self.find(i)]]

    def labels(self, i: int) -> set[str]:
        """NER labels seen in i's cluster."""
        return self.facts[self.find(i)].labels

    def modifiers(self, i: int) -> set[str]:
        """Country keys of i's cluster."""
        return self.facts[self.find(i)].modifiers

    def words(self, i: int) -> set[str]:
        """Name words, heads and roles of i's cluster."""
        return self.facts[self.find(i)].words

    def has_name(self, i: int) -> bool:
        """Whether i's cluster holds a name (not only descriptions or pronouns)."""
        return self.facts[self.find(i)].named

    def person_like(self, i: int, person_roles: frozenset[str]) -> bool:
        """Whether i's cluster is a person: PER label, or a person title and no place/time label."""
        facts = self.facts[self.find(i)]
        if PER in facts.labels:
            return True
        if facts.labels & {LOC, NORP, TIME}:
            return False
        return bool(facts.roles & person_roles)


def compatible_types(a: set[str], b: set[str]) -> bool:
    """Whether two clusters' NER labels allow a link that only partial evidence supports.

    spaCy's small model mislabels people as ORG often enough that PER/ORG must not stop
    a link; place or nationality versus person is a real difference. Full-name and
    alias matches ignore labels altogether.
    """
    if not a or not b or a & b:
        return True
    return (a | b) <= {PER, ORG}


def modifiers_agree(a: set[str], b: set[str]) -> bool:
    """Country modifiers agree when either side has none or they share one."""
    return not a or not b or bool(a & b)


# ---------------------------------------------------------------- the sieve ----
def cluster(items: Sequence[Item], config: Config | None = None) -> list[int]:
    """Cluster numbers (0..k-1, by first item) for items; equal number = same referent."""
    cfg = config or Config()
    cl = Clusters(items)
    names = [i for i, it in enumerate(items) if it.kind == "name"]
    keys = {i: name_key(items[i].text, cfg.aliases) for i in names}
    _exact_names(cl, names, keys)
    _nominals_named(cl, names, keys, cfg)
    _acronyms(cl, names, keys)
    _surnames(cl, names, keys, cfg)
    _partial_names(cl, names, keys, cfg)
    _name_heads(cl, names, keys, cfg)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(items)), key=lambda k: (items[k].doc, items[k].order)):
        by_doc[items[i].doc].append(i)
    # Imported here: those passes work on this module's Clusters, so a top-level import would be circular.
    from .entity_anaphora import cross_doc_nominals, partners, resolve_in_document

    for doc_items in by_doc.values():
        partners(cl, doc_items)
        resolve_in_document(cl, doc_items, cfg)
    if cfg.cross_doc_nominals:
        cross_doc_nominals(cl)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(cl.find(i), len(numbers)) for i in range(len(items))]


def name_key(text: str, aliases: Mapping[str, str]) -> str:
    """The blocking key of a name: alias-canonical, romanisation-insensitive words."""
    key = " ".join(name_words(text))
    key = aliases.get(key, key)
    return " ".join(skeleton(w) for w in key.split())


def _exact_names(cl: Clusters, names: Iterable[int], keys: Mapping[int, str]) -> None:
    """Same key, same group: one referent, unless modifiers (France's / Ukraine's) differ."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in names:
        if keys[i]:
            blocks[(cl.items[i].group, keys[i])].append(i)
    for members in blocks.values():
        by_mod: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in members:
            by_mod[tuple(sorted(cl.items[i].modifiers))].append(i)
        for same in by_mod.values():
            for j in same[1:]:
                cl.union(same[0], j)
        marked = [m for m in by_mod if m]
        if () in by_mod and len(marked) == 1:
            cl.union(by_mod[()][0], by_mod[marked[0]][0])
        elif () in by_mod:  # "The Defense Ministry" after France's and Ukraine's: nearest
            in_doc: dict[str, list[int]] = defaultdict(list)
            for m in marked:
                for j in by_mod[m]:
                    in_doc[cl.items[j].doc].append(j)
            for i in by_mod[()]:
                it = cl.items[i]
                prior = [j for j in in_doc.get(it.doc, ()) if cl.items[j].order < it.order]
                if prior:
                    cl.union(i, max(prior, key=lambda j: cl.items[j].order))


def _nominals_named(cl: Clusters, names: Sequence[int], keys: Mapping[int, str], cfg: Config) -> None:
    """A description worded exactly like a name of its group ("the navy", "Navy") is that name."""
    index: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i in names:
        if " " in keys[i] or not cl.items[i].label:  # one-word keys need a type: "Police" headlines
            index[(cl.items[i].group, keys[i])].add(cl.find(i))
    for i, it in enumerate(cl.items):
        if it.kind != "nominal" or it.plural:
            continue
        roots = {cl.find(r) for r in index.get((it.group, name_key(it.text, cfg.aliases)), ())}
        if len(roots) == 1:
            cl.union(i, roots.pop())


def _acronyms(cl: Clusters, names: Sequence[int], keys: Mapping[int, str]) -> None:
    """NATO = North Atlantic Treaty Organization, HP = Hewlett-Packard: unique expansions only."""
    index: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i in names:
        words = name_words(cl.items[i].text)
        split = [p for w in words for p in w.split("-") if p]
        if all(len(p) == 1 for p in split):
            continue  # "H-P" is itself an initialism, not a second expansion of "HP"
        for acr in acronyms(words) | acronyms(split):
            index[(cl.items[i].group, acr)].add(cl.find(i))
    for i in names:
        words = name_words(cl.items[i].text)
        short = words[0].replace(".", "").replace("-", "") if len(words) == 1 else ""
        if not 2 <= len(short) <= 6:
            continue
        roots = {cl.find(j) for j in index.get((cl.items[i].group, short), ())}
        if len(roots) == 1:
            cl.union(i, roots.pop())


def first_names_agree(a: str, b: str, ratio: float = 0.75) -> bool:
    """Whether two first names may be one person's: an initial that fits, or a close spelling."""
    a, b = a.strip("."), b.strip(".")
    if len(a) == 1 or len(b) == 1:
        return a[:1] == b[:1]
    return similarity(skeleton(a), skeleton(b)) >= ratio


def _surnames(cl: Clusters, names: Sequence[int], keys: Mapping[int, str], cfg: Config) -> None:
    """Aleksandr Syrsky = Oleksandr Syrskyi: same surname skeleton, compatible first names."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in names:
        words = keys[i].split()
        if len(words) >= 2 and cl.items[i].label in (PER, ORG, ""):
            blocks[(cl.items[i].group, words[-1])].append(i)
    for members in blocks.values():
        firsts: dict[str, int] = {}
        for i in members:
            first = keys[i].split()[0]
            for other, j in firsts.items():
                if first_names_agree(first, other, cfg.first_name_ratio) and modifiers_agree(
                    cl.modifiers(i), cl.modifiers(j)
                ):
                    cl.union(i, j)
            firsts.setdefault(first, i)


def _partial_names(cl: Clusters, names: Sequence[int], keys: Mapping[int, str], cfg: Config) -> None:
    """Syrsky -> Aleksandr Syrsky, T-Mobile -> T-Mobile USA: only unambiguous completions."""
    person_roles = frozenset(w for w, cls in cfg.role_classes.items() if "person" in cls)
    suffix: dict[tuple[str, str], set[int]] = defaultdict(set)
    prefix: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i in names:
        words = keys[i].split()
        if len(words) >= 2:
            group = cl.items[i].group
            # A last word completes people's names (Syrsky); for organisations it is usually a
            # common noun whose first word is what distinguishes them (the House, White House).
            if cl.person_like(i, person_roles) or cl.items[i].label == "":
                suffix[(group, words[-1])].add(cl.find(i))
            # "Russian Communists" is a group of Russians, "House Intelligence Committee" a
            # unit of the House: a nationality, or a role word after the first, names a part.
            if cl.items[i].label not in (PER, NORP) and name_words(cl.items[i].text)[-1] not in cfg.role_classes:
                prefix[(group, words[0])].add(cl.find(i))
    for i in names:
        words = keys[i].split()
        if len(words) != 1:
            continue
        it = cl.items[i]
        if any(" " in keys.get(j, "") for j in cl.members[cl.find(i)]):
            continue  # completed already (by this name elsewhere): "House" takes one full name, not two
        ext = prefix.get((it.group, words[0]), set()) if it.label != NORP else set()
        cands = {cl.find(j) for j in suffix.get((it.group, words[0]), set()) | ext}
        cands = {
            c for c in cands
            if c != cl.find(i) and compatible_types(cl.labels(i), cl.labels(c))
            and modifiers_agree(cl.modifiers(i), cl.modifiers(c))
        }
        if len(cands) > 1:  # two people share the surname: take the one this document named
            local = [c for c in cands if cl.facts[c].first_seen.get(it.doc, it.order) < it.order]
            cands = set(local[:1]) if len(local) == 1 else set()
        if len(cands) == 1:
            cl.union(i, cands.pop())


def _name_heads(cl: Clusters, names: Sequence[int], keys: Mapping[int, str], cfg: Config) -> None:
    """Surgeon General = U.S. Surgeon General: names sharing a head word, barring conflicts.

    Two people whose names share the last word but not the first (Matt Smith, John
    Smith), or organisations with different country modifiers, stay apart.
    """
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    person_roles = frozenset(w for w, cls in cfg.role_classes.items() if "person" in cls)
    for i in names:
        if not (cl.items[i].head and keys[i]):
            continue
        if " " not in keys[i] and not cl.person_like(i, person_roles):
            continue  # a bare head word ('House') says too little to join 'White House'
        blocks[(cl.items[i].group, skeleton(cl.items[i].head))].append(i)
    for members in blocks.values():
        for i in members[1:]:
            a, b = cl.find(members[0]), cl.find(i)
            if a != b and _names_agree(cl, a, b, cfg) and compatible_types(cl.labels(a), cl.labels(b)):
                cl.union(a, b)


def _names_agree(cl: Clusters, a: int, b: int, cfg: Config) -> bool:
    """No person-name conflict (different first names), no modifier conflict, and for
    anything else one name extending the other.

    A shared head word says little about places and organisations: North/South Carolina,
    Social/Border Security, House Intelligence/Democratic Campaign Committee. Only a
    name that adds words to another (Surgeon General, U.S. Surgeon General) is the same.
    """
    if not modifiers_agree(cl.modifiers(a), cl.modifiers(b)):
        return False
    firsts_a, firsts_b = cl.facts[cl.find(a)].firsts, cl.facts[cl.find(b)].firsts
    if PER in cl.labels(a) | cl.labels(b):
        if firsts_a and firsts_b:
            return any(first_names_agree(x, y, cfg.first_name_ratio) for x in firsts_a for y in firsts_b)
        return True
    return _one_extends_other(_name_sets(cl, a, cfg), _name_sets(cl, b, cfg))


def _name_sets(cl: Clusters, i: int, cfg: Config) -> list[frozenset[str]]:
    """The word sets (romanisation-insensitive keys) of the fullest names in i's cluster.

    A bare "House" already completed to "House of Representatives" is no evidence that
    "White House" extends it.
    """
    # distinct sets only: a cluster of 300 "Trump" mentions has one or two, and callers compare all pairs
    sets = {frozenset(name_key(it.text, cfg.aliases).split()) for it in cl.of(i) if it.kind == "name"}
    full = [s for s in sets if len(s) >= 2]
    return full or list(sets)


def _one_extends_other(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> bool:
    return any(x and y and (_within(x, y) or _within(y, x)) for x in a for y in b)


def _within(x: frozenset[str], y: frozenset[str]) -> bool:
    """Every word of x is in y, itself or as its abbreviation ("Mt" for "Mount")."""
    return x <= y or all(w in y or any(_abbreviates(w, v) for v in y) for w in x)


def _abbreviates(short: str, word: str) -> bool:
    """Mt/Mount, St/Street, Ft/Fort: a shorter word of the same first letter, its letters in order."""
    if not 2 <= len(short) < len(word) or short[0] != word[0]:
        return False
    rest = iter(word)
    return all(c in rest for c in short)
