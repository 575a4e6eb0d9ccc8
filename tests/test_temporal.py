"""Time expressions: news-convention resolution against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from counterpoint import ingest, temporal
from counterpoint.model import Analysis, Span, TimeExpression
from counterpoint.pipeline import run_pipeline
from counterpoint.resources import Resources

FRI = dt.date(2024, 5, 31)  # a Friday


def day(y: int, m: int, d: int) -> tuple[dt.date, dt.date, str]:
    return (dt.date(y, m, d), dt.date(y, m, d), "day")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Monday", day(2024, 5, 27)),  # the most recent Monday before publication
        ("on Monday", day(2024, 5, 27)),
        ("Friday evening", day(2024, 5, 31)),  # the publication day itself
        ("last Friday", day(2024, 5, 24)),
        ("May 27", day(2024, 5, 27)),
        ("27 May", day(2024, 5, 27)),
        ("yesterday", day(2024, 5, 30)),
        ("three days ago", day(2024, 5, 28)),
    ],
)
def test_days_resolve_against_publication(text: str, expected: tuple[dt.date, dt.date, str]) -> None:
    assert temporal.resolve(text, FRI) == expected


def test_ranges_carry_their_granularity() -> None:
    assert temporal.resolve("in late May", FRI) == (dt.date(2024, 5, 21), dt.date(2024, 5, 31), "month")
    assert temporal.resolve("February", FRI) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    assert temporal.resolve("last week", FRI) == (dt.date(2024, 5, 20), dt.date(2024, 5, 26), "week")
    # A month after publication is last year's, since reports look back.
    assert temporal.resolve("December", FRI)[:2] == (dt.date(2023, 12, 1), dt.date(2023, 12, 31))


def test_future_clause_looks_ahead() -> None:
    assert temporal.resolve("Monday", FRI, future=True) == day(2024, 6, 3)
    assert temporal.resolve("next Tuesday", FRI) == day(2024, 6, 4)


def test_a_named_day_after_publication_is_its_nearest_occurrence() -> None:
    mid_nov = dt.date(2026, 11, 18)
    assert temporal.resolve("1 December", mid_nov) == day(2026, 12, 1)  # next fortnight, not last year
    assert temporal.resolve("1 December", FRI) == day(2023, 12, 1)  # six months back beats six ahead
    assert temporal.resolve("June 20", FRI) == day(2024, 6, 20)  # three weeks ahead vs eleven months back
    assert temporal.resolve("June 20", FRI, future=True) == day(2024, 6, 20)
    assert temporal.resolve("June 5", FRI) == day(2024, 6, 5)  # within a week: this year as before


def test_without_publication_only_absolute_dates_resolve() -> None:
    assert temporal.resolve("on Monday", None) == (None, None, "unknown")
    assert temporal.resolve("May 27", None) == (None, None, "unknown")
    assert temporal.resolve("May 27, 2024", None) == day(2024, 5, 27)
    assert temporal.resolve("2023", None) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31), "year")


def _t(text: str, published: dt.date | None) -> TimeExpression:
    start, end, gran = temporal.resolve(text, published)
    return TimeExpression(Span("a", 0, len(text)), text, start, end, gran)  # type: ignore[arg-type]


def test_monday_and_may_27_are_the_same_day() -> None:
    # RT (published Friday 31 May 2024) "on Monday" vs KI (published 28 May) "on May 27".
    assert temporal.overlap(_t("on Monday", FRI), _t("on May 27", dt.date(2024, 5, 28))) is True
    assert temporal.overlap(_t("on Tuesday", FRI), _t("on May 27", dt.date(2024, 5, 28))) is False
    assert temporal.overlap(_t("in late May", FRI), _t("on May 27", FRI)) is True
    # Unresolved: no verdict either way.
    assert temporal.overlap(_t("on Monday", None), _t("on May 27", FRI)) is None


@pytest.mark.slow
def test_stage_finds_dates_not_durations(resources: Resources) -> None:
    text = (
        "The minister said on Friday evening that troops had served there for three years.\n"
        "Talks began in late May and resumed last week."
    )
    art = ingest.make_article(text, article_id="a", published=FRI)
    an = run_pipeline(Analysis(articles=(art,)), resources, ["segment", "times"])
    found = {t.text: (t.start, t.granularity) for t in an.times}
    assert found["Friday evening"] == (dt.date(2024, 5, 31), "day")
    assert found["late May"] == (dt.date(2024, 5, 21), "month")
    assert found["last week"] == (dt.date(2024, 5, 20), "week")
    assert not any("three years" in t for t in found)
    first = an.sentences["a"][0].span
    assert [t.text for t in temporal.times_in(an, first)] == ["Friday evening"]
