"""Stage placeholder: entities (being written)."""

from __future__ import annotations

from .model import Analysis, Entity, Span
from .resources import Resources


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Return the analysis unchanged (first version pending)."""
    return analysis


def entity_for_span(analysis: Analysis, span: Span) -> Entity | None:
    """The entity with a mention overlapping ``span`` most (None when there is none)."""
    best, best_len = None, 0
    for ent in analysis.entities:
        for m in ent.mentions:
            if m.span.overlaps(span):
                ov = min(m.span.end, span.end) - max(m.span.start, span.start)
                if ov > best_len:
                    best, best_len = ent, ov
    return best


def alias_note(form: str) -> str | None:
    """Why a surface form is used (e.g. 'Russian-derived exonym'), from the alias data."""
    return None
