"""The public Python API: :func:`compare` and its typed result, :class:`Comparison`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Analysis, Article
from .pipeline import DEFAULT, run_pipeline
from .resources import Resources, default


@dataclass(frozen=True)
class Comparison:
    """The result of comparing articles; renders as contract JSON, Markdown or HTML."""

    analysis: Analysis

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.analysis.articles

    def to_dict(self) -> dict[str, Any]:
        from .report.jsonout import to_dict

        return to_dict(self.analysis)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        from .report.markdown import render

        return render(self.to_dict())

    def to_html(self) -> str:
        from .report.html import render

        return render(self.to_dict())


def compare(
    inputs: Sequence[str | Path | Article],
    *,
    resources: Resources | None = None,
    stages: Sequence[str] = DEFAULT,
    on_stage: Callable[[str], None] | None = None,
    time_limit: float | None = None,
) -> Comparison:
    """Compare two or more articles (paths, URLs or Article objects) about one event.

    >>> compare(["a.txt", "b.txt"]).to_json()  # doctest: +SKIP
    """
    from . import ingest

    articles = [a if isinstance(a, Article) else ingest.load(a) for a in inputs]
    articles, warnings = check_articles(articles)
    analysis = Analysis(articles=tuple(articles), warnings=tuple(warnings))
    return Comparison(run_pipeline(analysis, resources or default(), stages, on_stage, time_limit))


def check_articles(articles: Iterable[Article]) -> tuple[list[Article], list[str]]:
    """Refuse fewer than two articles and empty or non-text ones; make ids unique; warn about identical texts."""
    arts = list(articles)
    if len(arts) < 2:
        raise InputError(f"need at least two articles to compare, got {len(arts)}")
    warnings: list[str] = []
    seen: dict[str, int] = {}
    texts: dict[str, str] = {}
    out = []
    for a in arts:
        if not isinstance(a.text, str):
            hint = "; decode it first, or pass the file's path" if isinstance(a.text, bytes | bytearray) else ""
            raise InputError(f"article {a.id!r}: text must be str, not {type(a.text).__name__}{hint}")
        if not a.text.strip():
            raise InputError(f"article {a.id!r} has no text")
        aid = a.id
        if aid in seen:
            seen[aid] += 1
            aid = f"{a.id}-{seen[a.id]}"
            warnings.append(f"two articles share the id {a.id!r}; the second is called {aid!r}")
            from dataclasses import replace

            a = replace(a, id=aid)
        else:
            seen[aid] = 1
        if a.text in texts:
            warnings.append(f"{aid!r} has the same text as {texts[a.text]!r}: everything will align")
        texts.setdefault(a.text, aid)
        out.append(a)
    return out, warnings
