"""counterpoint: how different news outlets report the same story.

>>> from counterpoint import compare
>>> result = compare(["a.txt", "b.txt"])  # doctest: +SKIP
>>> result.to_json(), result.to_markdown(), result.to_html()  # doctest: +SKIP
"""

from __future__ import annotations

from .api import Comparison, compare
from .errors import CounterpointError, InputError, PipelineError, TimeLimitError
from .ingest import load as load_article
from .model import SCHEMA_VERSION, Article, Span

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Comparison",
    "CounterpointError",
    "InputError",
    "PipelineError",
    "TimeLimitError",
    "Span",
    "compare",
    "load_article",
]
