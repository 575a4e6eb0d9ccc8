"""Stage placeholder: entities (being written)."""

from __future__ import annotations

from .model import Analysis
from .resources import Resources


def run(analysis: Analysis, resources: Resources) -> Analysis:
    """Return the analysis unchanged (first version pending)."""
    return analysis
