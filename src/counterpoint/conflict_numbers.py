"""The number dimension of conflicts: the same count of the same thing, intervals that do not meet.

Separate from ``conflict_rules`` because reading quantities (qualifiers, scale words, units
across English, Russian and Ukrainian) is a parser of its own; the rule on top is short.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from . import temporal
from .conflict_base import Finding, View, cues
from .resources import read_table
from .segment import ents_in

ROUND_WIDEN = 0.1  # "about 150" covers at least 150 +/- 10 %
SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
         "trillion": 1e12, "hundred": 1e2, "dozen": 12}
WORDS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}

@dataclass(frozen=True)
class Quantity:
    """A number in a claim: value, rounding step, qualifier, what it counts, for which event."""

    text: str
    value: float
    step: float  # the place of its last written digit (150,000 -> 10,000)
    kind: str  # exact, approx, lower, upper
    unit: str
    event: str
    fluid: bool = False  # a figure of movement (prices, indices) that changes by the hour
    partial: bool = False  # one of coordinated counts ("two fires inside and one outside")

    def interval(self, coarse: bool) -> tuple[float, float]:
        """The values it allows; ``coarse`` when the other side is written more precisely.

        A rounder figure may be truncated ("75 percent" for 75.88 %), so it allows a whole
        step either way; between equally precise figures, 12 and 13 must not meet.
        """
        half = self.step if coarse else 0.49 * self.step
        lo, hi = self.value - half, self.value + half
        if self.kind == "lower":
            return lo, math.inf
        if self.kind == "upper":
            return 0.0, hi
        if self.kind == "approx":
            # "roughly 900": a round figure, off by up to its last digit or ROUND_WIDEN.
            width = max(self.step, self.value * ROUND_WIDEN)
            return self.value - width, self.value + width
        return lo, hi


def parse_number(text: str) -> tuple[float, float] | None:
    """(value, step of the last written digit) of '150,000', '1.5 million', '$20', 'three', '12%'."""
    t = text.lower().replace(",", "").replace("$", " ").replace("€", " ").replace("£", " ")
    t = re.sub(r"(\d)(bn|m|k)\b", r"\1 \2", t.replace("%", " "))
    words = [w for w in t.split() if w not in ("a", "an", "about", "some")]
    value, step, scale = None, 1.0, 1.0
    for w in words:
        if re.fullmatch(r"\d+(\.\d+)?", w) and value is None:
            value = float(w)
            if "." in w:
                step = 10.0 ** -len(w.split(".")[1])
            else:
                stripped = w.rstrip("0")
                step = 10.0 ** (len(w) - len(stripped)) if stripped else 1.0
        elif w in WORDS and value is None:
            value = WORDS[w]
        elif w in SCALE:
            scale *= SCALE[w]
            if value is None:
                value = 1.0
        elif w == "k":
            scale *= 1e3
    if value is None:
        return None
    return value * scale, step * scale


def quantities(v: View) -> list[Quantity]:
    """Numbers of a claim with their qualifier, unit and governing verb."""
    out: list[Quantity] = []
    for ent in _number_spans(v.sent):
        parsed = parse_number(ent.text)
        unit = _unit(ent)
        if parsed is None or not unit:
            continue
        near = {t.lemma_.lower() for t in (ent.root, *ent.root.ancestors)} | {
            t.lower_ for t in ent.doc[max(0, ent.start - 2) : ent.start]}
        fluid = bool(near & cues()["change"])
        head = ent.root.head
        partial = any(c.dep_ == "conj" for c in head.children) or head.dep_ == "conj"
        kind, cue = _qualifier(ent)
        text = ent.text if not cue or cue in ent.text.lower() else f"{cue} {ent.text}"
        out.append(Quantity(text, parsed[0], parsed[1], kind, unit, verb_of(ent.root), fluid, partial))
    return out


def _number_spans(sent: Any) -> list[Any]:
    """Numeric entities, plus counts the entity recogniser missed ('Roughly 900 workers')."""
    spans = ents_in(sent, ("CARDINAL", "MONEY", "PERCENT", "QUANTITY"))
    i = sent.start
    while i < sent.end:
        tok = sent.doc[i]
        if not tok.like_num or tok.ent_type_:
            i += 1
            continue
        j = i
        while j + 1 < sent.end and sent.doc[j + 1].like_num and not sent.doc[j + 1].ent_type_:
            j += 1
        if sent.doc[j].dep_ == "nummod":
            spans.append(sent.doc[i : j + 1])
        i = j + 1
    # "one-in-three chance", "2 out of 3 donors": odds, not counts of the noun.
    ratios = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in RATIO.finditer(sent.text)]
    return [sp for sp in spans if not any(lo < sp.end_char and sp.start_char < hi for lo, hi in ratios)]


_NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(WORDS, key=len, reverse=True)) + ")"
RATIO = re.compile(rf"\b{_NUM}(?:\s*-\s*|\s+)(?:in|out\s+of)(?:\s*-\s*|\s+){_NUM}\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _count_nouns() -> list[tuple[str, str]]:
    """(stem, English unit) for every Russian and Ukrainian stem of ``data/count_nouns.tsv``."""
    return [(stem.strip(), row["unit"]) for row in read_table("count_nouns.tsv")
            for col in ("ru", "uk") for stem in row[col].split(",") if stem.strip()]


@functools.lru_cache(maxsize=4096)
def unit_keys(unit: str) -> frozenset[str]:
    """English units a counted noun stands for: itself if Latin, else by its longest stem."""
    if not re.search(r"[\u0400-\u04ff]", unit):
        return frozenset({unit})
    hits = [(len(stem), en) for stem, en in _count_nouns() if unit.startswith(stem)]
    best = max((n for n, _ in hits), default=0)
    return frozenset(en for n, en in hits if n == best) or frozenset({unit})


def same_unit(a: str, b: str) -> bool:
    """Two counts count one thing ("homes" / "домов" / "будинків")."""
    return a == b or bool(unit_keys(a) & unit_keys(b))


def _qualifier(ent: Any) -> tuple[str, str]:
    """(kind, cue): exact, approx ('about'), lower ('at least') or upper ('up to')."""
    doc = ent.doc
    before = " ".join(t.lower_ for t in doc[max(0, ent.start - 3) : ent.start])
    inside = " ".join(t.lower_ for t in ent if not t.like_num)
    context = f" {before} {inside} "
    for kind in ("lower", "upper", "approx"):
        for c in sorted(cues()[kind], key=len, reverse=True):
            if f" {c} " in context[-len(c) - 14 :]:
                return kind, c
    return "exact", ""


def _unit(ent: Any) -> str:
    """What a number counts: currency, percent, or the noun it modifies."""
    if ent.label_ == "MONEY":
        sym = re.sub(r"[\d.,\s]|million|billion|thousand|about|some", "", ent.text.lower())
        return f"money:{sym or 'money'}"
    if ent.label_ == "PERCENT":
        return "percent"
    root = ent.root
    if root.dep_ in ("nummod", "quantmod", "compound") and root.head.pos_ in ("NOUN", "PROPN"):
        lemma = root.head.lemma_.lower()
        return "" if lemma in ("year", "month", "day", "week", "hour", "time") else lemma
    return ""


def verb_of(tok: Any) -> str:
    """The act a number belongs to: its nearest verb, else a predicative root."""
    for t in [tok, *tok.ancestors]:
        if t.pos_ == "VERB":
            return str(t.lemma_.lower())
    # Russian/Ukrainian impersonal passives ("затоплено", "підтоплено") are tagged ADJ.
    root = [tok, *tok.ancestors][-1]
    return str(root.lemma_.lower()) if root.pos_ == "ADJ" and root.dep_ == "ROOT" else ""


def _language(v: View) -> str:
    return str(v.sent.doc.user_data.get("language", "en")) if hasattr(v.sent.doc, "user_data") else "en"


def _same_act(x: Quantity, y: Quantity, a: View, b: View) -> bool:
    """Both counts belong to one act; across languages any two named acts may (no shared lemmas)."""
    if not (x.event and y.event):
        return False
    return x.event == y.event or _language(a) != _language(b)


def number_conflict(a: View, b: View, same_event: bool = False) -> Finding | None:
    """One quantity of one thing for one event, given as intervals that do not meet.

    Figures of movement (share prices, indices) are compared only when both claims are
    dated to the same day: reports taken hours apart legitimately differ.
    """
    same_day = any(temporal.overlap(x, y) for x in a.times for y in b.times)
    qa, qb = quantities(a), quantities(b)
    for x in qa:
        same = [y for y in qb if same_unit(x.unit, y.unit)]
        mates = [z for z in qa if z.unit == x.unit]
        if len(same) != 1 or len(mates) != 1:
            continue  # several counts of one unit: cannot tell which matches which
        y = same[0]
        if ((x.fluid or y.fluid) and not same_day) or x.partial or y.partial:
            continue
        if same_event and not (_same_act(x, y, a, b) and _same_places(a, b)):
            continue
        x_lo, x_hi = x.interval(coarse=x.step > y.step)
        y_lo, y_hi = y.interval(coarse=y.step > x.step)
        if x_hi < y_lo or y_hi < x_lo:
            what = x.unit.split(":")[0] if x.unit.startswith("money") else x.unit
            return Finding("number", f"'{x.text}'", f"'{y.text}'", f"the same count of {what}")
    return None


def _same_places(a: View, b: View) -> bool:
    """Both claims name the same places, or none (a count for one village vs for the region)."""
    pa = {e.text.lower() for e in ents_in(a.sent, ("GPE", "LOC", "FAC"))}
    pb = {e.text.lower() for e in ents_in(b.sent, ("GPE", "LOC", "FAC"))}
    return pa == pb
