"""The data model: frozen dataclasses shared by every stage; imports nothing of ours.

Every finding carries a :class:`Span` ``(article, start, end)`` into the article's text,
``end`` exclusive, offsets in code points, so ``article.text[start:end]`` is the evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

SCHEMA_VERSION = "counterpoint.comparison/1"

Relation = Literal["shared", "related", "conflict"]
RELATIONS: tuple[str, ...] = ("shared", "related", "conflict")


@dataclass(frozen=True, order=True)
class Span:
    """A character range in one article: ``text[start:end]``."""

    article: str
    start: int
    end: int

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def overlaps(self, other: Span) -> bool:
        return (
            self.article == other.article
            and self.start < other.end
            and other.start < self.end
        )

    def contains(self, other: Span) -> bool:
        return (
            self.article == other.article
            and self.start <= other.start
            and other.end <= self.end
        )


@dataclass(frozen=True)
class Article:
    """One news article as ingested: clean text plus metadata."""

    id: str
    text: str
    outlet: str | None = None
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    language: str = "en"
    source: str | None = None  # where it came from: a path or URL

    def __post_init__(self) -> None:
        # Python callers often pass "2026-03-03"; a datetime is a date too, but compares badly with one.
        value: object = self.published
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise ValueError(f"Article {self.id!r}: published must be a date or 'YYYY-MM-DD', not {value!r}") from None
        elif isinstance(value, dt.datetime):
            value = value.date()
        elif value is not None and not isinstance(value, dt.date):
            raise TypeError(f"Article {self.id!r}: published must be a date or 'YYYY-MM-DD', not {type(value).__name__}")
        object.__setattr__(self, "published", value)

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True)
class Sentence:
    """A sentence; never splits a quotation in half."""

    span: Span
    text: str
    index: int  # position in its article, 0-based
    paragraph: int = 0


@dataclass(frozen=True)
class Claim:
    """One fact-bearing unit: a sentence or one independent clause of it."""

    id: str
    span: Span
    text: str
    sentence: int  # index of the sentence it comes from


@dataclass(frozen=True)
class Mention:
    """A reference to a person, place or organisation in one article."""

    span: Span
    text: str
    label: str  # PERSON, GPE, ORG, LOC, NORP, ...
    kind: Literal["name", "nominal", "pronoun"] = "name"


@dataclass(frozen=True)
class Entity:
    """One real-world referent resolved across all articles."""

    id: str
    name: str
    type: str
    mentions: tuple[Mention, ...]

    def forms(self) -> dict[str, tuple[str, ...]]:
        """Surface forms per article, in order of first use, names only."""
        out: dict[str, list[str]] = {}
        for m in self.mentions:
            if m.kind != "name":
                continue
            forms = out.setdefault(m.span.article, [])
            if m.text not in forms:
                forms.append(m.text)
        return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class TimeExpression:
    """A date expression resolved against its article's publication date."""

    span: Span
    text: str
    start: dt.date | None  # resolved day (or first day of a range)
    end: dt.date | None = None  # last day of a range, inclusive
    granularity: Literal["day", "week", "month", "year", "unknown"] = "day"


@dataclass(frozen=True)
class Alignment:
    """A link between two claims of different articles."""

    relation: str  # one of RELATIONS
    a: Span
    b: Span
    score: float
    why: str
    dimension: str | None = None  # for conflicts: status, number, date, negation, ...


@dataclass(frozen=True)
class Quote:
    """A quoted or reported statement with its (resolved) speaker."""

    id: str
    span: Span
    text: str
    kind: Literal["direct", "partial", "reported"] = "direct"
    speaker_entity: str | None = None
    speaker_name: str | None = None
    speaker_span: Span | None = None
    cue: str | None = None


@dataclass(frozen=True)
class QuoteMatch:
    """The same statement rendered by two outlets."""

    a: str  # quote id
    b: str
    score: float
    why: str = ""


@dataclass(frozen=True)
class FramingMark:
    """A framing marker: a naming choice, a loaded term, a cited source, ..."""

    span: Span
    text: str
    kind: str  # naming, loaded, sourcing, hedge, emphasis
    note: str
    entity: str | None = None


@dataclass(frozen=True)
class SameStory:
    """Whether the articles report one event, how strongly, and why in words."""

    score: float
    verdict: bool
    why: str = ""
    cut: float = 0.0  # the score the verdict needs


@dataclass(frozen=True)
class Analysis:
    """The working state a pipeline passes from stage to stage (spaCy's ``Doc`` role).

    Each stage returns a new Analysis with its own fields filled in (``dataclasses.replace``).
    ``parses`` holds per-article spaCy ``Doc`` objects; they are a cache, not output.
    """

    articles: tuple[Article, ...]
    parses: Mapping[str, Any] = field(default_factory=dict)
    sentences: Mapping[str, tuple[Sentence, ...]] = field(default_factory=dict)
    claims: Mapping[str, tuple[Claim, ...]] = field(default_factory=dict)
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    unique: tuple[Span, ...] = ()
    coverage: Mapping[str, float] = field(default_factory=dict)
    same_story: SameStory | None = None
    quotes: tuple[Quote, ...] = ()
    quote_matches: tuple[QuoteMatch, ...] = ()
    framing: tuple[FramingMark, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)  # stage-specific JSON-able data
    warnings: tuple[str, ...] = ()

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(f"no article {article_id!r}; have {[a.id for a in self.articles]}")

    def text_of(self, span: Span) -> str:
        return self.article(span.article).slice(span)

    def update(self, **changes: Any) -> Analysis:
        return replace(self, **changes)
