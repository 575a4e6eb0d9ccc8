"""Corpus: many articles -> database -> stories -> N-way comparisons (first version pending)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Article


def story_articles(db: str | Path, story_id: str) -> list[Article]:
    """The articles of one stored story, ready for :func:`counterpoint.compare`."""
    raise InputError("corpus support is not built yet")
