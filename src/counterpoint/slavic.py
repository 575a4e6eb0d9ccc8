"""Russian and Ukrainian parsing: natasha's tokens, UD syntax and NER as a spaCy ``Doc``.

Placeholder seam (filled in by the multilingual work, issue 12).
"""

from __future__ import annotations

from typing import Any


def parse(resources: Any, text: str, language: str) -> Any:
    """A spaCy Doc of ``text`` in ``language`` ('ru' or 'uk')."""
    raise NotImplementedError(f"no {language} pipeline yet")
