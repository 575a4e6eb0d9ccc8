"""Shared fixtures: models loaded once per test session, the example pair, the demo pair."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from counterpoint import ingest
from counterpoint.model import Analysis, Article
from counterpoint.pipeline import DEFAULT, run_pipeline
from counterpoint.resources import Resources, default

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "demo" / "pair"


@pytest.fixture(scope="session")
def resources() -> Resources:
    return default()


@pytest.fixture(scope="session")
def example_articles() -> tuple[Article, ...]:
    """The real example pair from ../shared (skipped where ../shared is absent)."""
    rt, ki = SHARED / "examples" / "rt.txt", SHARED / "examples" / "kyivindependent.txt"
    if not rt.exists():
        pytest.skip("../shared/examples not present")
    return (ingest.load(rt), ingest.load(ki))


@pytest.fixture(scope="session")
def demo_articles() -> tuple[Article, ...]:
    return tuple(ingest.load(p) for p in sorted(DEMO.glob("*.txt")))


@pytest.fixture(scope="session")
def analyse(resources: Resources) -> Callable[..., Analysis]:
    """analyse(articles, upto="quotes") runs the default pipeline up to and including a stage."""
    cache: dict[tuple[object, ...], Analysis] = {}

    def run(articles: tuple[Article, ...], upto: str = DEFAULT[-1]) -> Analysis:
        names = DEFAULT[: DEFAULT.index(upto) + 1]
        key = (tuple(a.text for a in articles), names)
        if key not in cache:
            cache[key] = run_pipeline(Analysis(articles=tuple(articles)), resources, names)
        return cache[key]

    return run


def make_article(text: str, aid: str = "a", **meta: object) -> Article:
    return ingest.make_article(text, article_id=aid, **meta)
