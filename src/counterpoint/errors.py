"""Small named exceptions; every one carries a message fit for one line on stderr."""

from __future__ import annotations


class CounterpointError(Exception):
    """Base of every error counterpoint raises on purpose."""


class InputError(CounterpointError, ValueError):
    """An input could not be turned into an article (empty, binary, too large, unreachable...)."""


class PipelineError(CounterpointError):
    """A pipeline was configured wrongly (unknown stage, missing prerequisite)."""


class TimeLimitError(CounterpointError):
    """A comparison ran past its time limit."""
