"""Framing by naming: where outlets spell one entity differently, in one script or across scripts.

Separate from :mod:`counterpoint.framing` because it works on resolved entities and their
transliterations (:mod:`counterpoint.crossling`), not on one article's parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .crossling import latin_view, needs_cross
from .model import Analysis, Entity, FramingMark

LANGUAGE_NAMES = {"uk": "Ukrainian", "ru": "Russian", "en": "English"}


def norm_name(text: str) -> str:
    """A name for lookup: lower-case, no possessive 's, no leading 'the'."""
    text = re.sub(r"['’]s$", "", text.strip().lower())
    return re.sub(r"^the\s+", "", text)


def _name_tokens(form: str) -> set[str]:
    return {w for w in re.findall(r"\w+", norm_name(form).replace(".", "")) if len(w) > 1}


def _skeleton(word: str) -> str:
    """Consonant skeleton: transliterations of one name differ mostly in vowels (Kiev, Kyiv)."""
    cons = re.sub(r"[aeiouy]", "", word.lower())
    return re.sub(r"(.)\1+", r"\1", cons)


def spelling_variants(a: str, b: str) -> bool:
    """True when two name tokens look like spellings of one name (Syrsky/Syrskyi, Kiev/Kyiv)."""
    from rapidfuzz import fuzz

    if a == b:
        return False
    sa, sb = _skeleton(a), _skeleton(b)
    return (len(sa) >= 2 and sa == sb) or fuzz.ratio(a, b) >= 80


def _alias_note(form: str) -> str | None:
    try:
        from .entities import alias_note
    except ImportError:  # entities may be mid-rewrite; naming still works without notes
        return None
    try:
        return alias_note(form)
    except Exception:  # a data problem there must not stop the report
        return None


def naming_marks(analysis: Analysis) -> list[FramingMark]:
    """Mark every mention whose spelling differs between outlets, on each side."""
    outlets = {a.id: a.outlet or a.id for a in analysis.articles}
    languages = {a.id: a.language for a in analysis.articles}
    marks: list[FramingMark] = []
    for ent in analysis.entities:
        forms = ent.forms()
        if len(forms) < 2:
            continue
        for aid, own in forms.items():
            others = {o: f for o, f in forms.items() if o != aid}
            if needs_cross(languages.values()):
                variant = _cross_script_forms(own, others, outlets, languages, aid)
            else:
                variant = _variant_forms(own, others, outlets)
            marks += _mark_forms(ent, aid, variant)
    return marks


def _variant_forms(
    own: Sequence[str], others: dict[str, tuple[str, ...]], outlets: dict[str, str]
) -> dict[str, str]:
    """Own forms that another outlet spells differently -> note."""
    out: dict[str, str] = {}
    for form in own:
        toks = _name_tokens(form)
        for other, oforms in others.items():
            otoks = set().union(*(_name_tokens(f) for f in oforms))
            pairs = [(t, o) for t in toks - otoks for o in otoks - toks if spelling_variants(t, o)]
            by_alias = _alias_note(form) if not pairs and (toks - otoks) else None
            if not pairs and not by_alias:
                continue
            theirs = _closest_form(oforms, {o for _, o in pairs}) if pairs else oforms[0]
            reason = _alias_note(form) or by_alias or "a different spelling of the same name"
            out[form] = f"{form!r}: {reason}; {outlets[other]} writes {theirs!r}"
    return out


def _cross_script_forms(own: Sequence[str], others: dict[str, tuple[str, ...]], outlets: dict[str, str],
                        languages: dict[str, str], aid: str) -> dict[str, str]:
    """Like :func:`_variant_forms`, comparing forms in any script through their Latin view.

    Київ (uk) and Kyiv (en) are one naming; Kiev (en) against Київ is the exonym. The note
    quotes the other outlet's form in its own script.
    """
    out: dict[str, str] = {}
    for form in own:
        view, stem = latin_view(form, languages.get(aid, ""))
        toks = _name_tokens(view)
        for other, oforms in others.items():
            views = {f: latin_view(f, languages.get(other, "")) for f in oforms}
            otoks = set().union(*(_name_tokens(v) for v, _ in views.values()))
            stems = {t for v, stem in views.values() if stem for t in _name_tokens(v)}
            # a stem (an inflected name the data does not know) matches the spelling it begins
            mine = {t for t in toks - otoks if not any(t.startswith(s) for s in stems)
                    and not (stem and any(o.startswith(t) for o in otoks))}
            pairs = [(t, o) for t in mine for o in otoks - toks if spelling_variants(t, o)]
            note = _alias_note(form) or (f"{LANGUAGE_NAMES.get(languages.get(aid, ''), 'Cyrillic')} form of {view}"
                                         if view != form and not stem else None)
            if not pairs and not (note and mine):
                continue
            theirs = next((f for f, (v, _) in views.items() if _name_tokens(v) & {o for _, o in pairs}), oforms[0])
            out[form] = f"{form!r}: {note or 'a different spelling of the same name'}; {outlets[other]} writes {theirs!r}"
    return out


def _closest_form(forms: Sequence[str], tokens: set[str]) -> str:
    return max(forms, key=lambda f: (len(_name_tokens(f) & tokens), -len(_name_tokens(f))))


def _mark_forms(ent: Entity, aid: str, variant: dict[str, str]) -> list[FramingMark]:
    return [
        FramingMark(m.span, m.text, "naming", variant[m.text], ent.id)
        for m in ent.mentions
        if m.span.article == aid and m.kind == "name" and m.text in variant
    ]
