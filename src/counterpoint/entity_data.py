"""Curated data behind entity resolution: the alias table, role classes, the sieve's configuration.

``data/aliases.tsv`` (variant, canonical form, type, note, source) plus variants romanised
from ``data/names_cyrillic.tsv`` with translitua (KMU 2010) and iuliia (Wikipedia scheme);
``data/roles.tsv`` and ``data/roles_slavic.tsv`` (role word -> classes such as person, facility).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .entity_cluster import Config, name_words
from .resources import read_table

UK_NOTE = "Ukrainian official romanisation (KMU 2010)"
RU_NOTE = "Russian transliteration (Wikipedia scheme)"


@dataclass(frozen=True)
class Alias:
    """One row of the alias data: a variant, its canonical form, type, note and source."""

    variant: str
    canonical: str
    type: str
    note: str
    source: str
    roles: tuple[str, ...] = ()  # role words describing the referent ("alliance" for NATO)


@functools.lru_cache(maxsize=1)
def alias_rows() -> tuple[Alias, ...]:
    """The alias table plus romanised variants of the Cyrillic names (table rows win)."""
    import iuliia
    import translitua

    rows: list[Alias] = []
    for r in read_table("names_cyrillic.tsv"):
        canonical = translitua.translit(r["uk"])
        russian = iuliia.WIKIPEDIA.translate(r["ru"])
        src = f"{r['source']}; romanised by translitua / iuliia"
        rows.append(Alias(canonical, canonical, r["type"], UK_NOTE, src))
        rows.append(Alias(russian, canonical, r["type"], RU_NOTE, src))
        if r["type"] == "PERSON" and " " in canonical:
            rows.append(Alias(canonical.split()[-1], canonical, r["type"], UK_NOTE, src))
            rows.append(Alias(russian.split()[-1], canonical, r["type"], RU_NOTE, src))
    table = [
        Alias(r["variant"], r["canonical"], r["type"], r["note"], r["source"],
              tuple(w for w in (r.get("roles") or "").split(",") if w))
        for r in read_table("aliases.tsv")
    ]
    explicit = {fold_key(a.variant) for a in table}
    return tuple([a for a in rows if fold_key(a.variant) not in explicit] + table)


def fold_key(text: str) -> str:
    """A name's lookup key: its content words, folded."""
    return " ".join(name_words(text))


@functools.lru_cache(maxsize=1)
def _alias_index() -> dict[str, Alias]:
    return {fold_key(a.variant): a for a in alias_rows()}


def canonical_alias(form: str) -> Alias | None:
    """The alias row of a surface form, if the data knows it."""
    return _alias_index().get(fold_key(form))


def alias_note(form: str) -> str | None:
    """Why a surface form is used (e.g. 'Russian-derived exonym'), from the alias data."""
    row = canonical_alias(form)
    return row.note if row else None


@functools.lru_cache(maxsize=1)
def role_classes() -> dict[str, frozenset[str]]:
    """Role word -> classes (data/roles.tsv, Russian/Ukrainian roles_slavic.tsv); repeated words take the union."""
    out: dict[str, set[str]] = {}
    for r in read_table("roles.tsv") + read_table("roles_slavic.tsv"):
        out.setdefault(r["word"].lower(), set()).update(c for c in r["classes"].split(",") if c)
    return {k: frozenset(v) for k, v in out.items()}


def cluster_config() -> Config:
    """The sieve configuration with the project's data: aliases and role classes."""
    aliases = {fold_key(a.variant): fold_key(a.canonical) for a in alias_rows()}
    return Config(role_classes=role_classes(), aliases=aliases)


@functools.lru_cache(maxsize=1)
def title_abbreviations() -> dict[str, str]:
    """Abbreviated title -> role word ("gov." -> "governor"; data/title_abbreviations.tsv), roles.tsv words only."""
    known = role_classes()
    out = {}
    for r in read_table("title_abbreviations.tsv"):
        if r["role"] in known:
            out[r["abbreviation"]] = r["role"]
            out[r["abbreviation"].rstrip(".")] = r["role"]
    return out
