"""The pipeline: named stages, each ``run(analysis, resources) -> analysis``.

A stage declares what it needs and what it adds; :func:`run_pipeline` checks the order
before running anything, so a misconfigured pipeline fails with a list of valid options
instead of an AttributeError halfway through.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import PipelineError, TimeLimitError
from .model import Analysis
from .resources import Resources


@dataclass(frozen=True)
class Stage:
    name: str
    module: str
    needs: tuple[str, ...]
    adds: tuple[str, ...]

    def load(self) -> Callable[[Analysis, Resources], Analysis]:
        mod = importlib.import_module(f"counterpoint.{self.module}")
        return mod.run  # type: ignore[no-any-return]


STAGES: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage("segment", "segment", ("articles",), ("parses", "sentences")),
        Stage("entities", "entities", ("parses", "sentences"), ("entities",)),
        Stage("claims", "claims", ("sentences",), ("claims",)),
        Stage("times", "temporal", ("parses",), ("times",)),
        # before align, which reads a quotation's speaker as the agent of its "I" (optional there)
        Stage("quotes", "quotes", ("sentences", "entities"), ("quotes", "quote_matches")),
        Stage("align", "align", ("claims", "entities", "times"), ("alignments", "unique", "coverage", "same_story")),
        Stage("conflicts", "conflicts", ("alignments", "times"), ("alignments", "same_story")),
        Stage("framing", "framing", ("entities", "alignments", "quotes"), ("framing",)),
    )
}
DEFAULT: tuple[str, ...] = tuple(STAGES)


def check(names: Sequence[str]) -> list[Stage]:
    """The Stage objects for names, in order; raises PipelineError if one is unknown or early."""
    have = {"articles"}
    stages = []
    for name in names:
        if name not in STAGES:
            raise PipelineError(f"unknown stage {name!r}; valid stages: {', '.join(STAGES)}")
        stage = STAGES[name]
        missing = [n for n in stage.needs if n not in have]
        if missing:
            raise PipelineError(f"stage {name!r} needs {', '.join(missing)}, which no earlier stage adds")
        have.update(stage.adds)
        stages.append(stage)
    return stages


def run_pipeline(
    analysis: Analysis,
    resources: Resources,
    names: Sequence[str] = DEFAULT,
    on_stage: Callable[[str], None] | None = None,
    time_limit: float | None = None,
) -> Analysis:
    """Run the named stages in order; stop with TimeLimitError once time_limit seconds are spent.

    The limit is checked between stages (a stage is never interrupted halfway), so a run ends
    at most one stage after its limit, with a clear error instead of an open-ended wait.
    """
    start = time.monotonic()
    for stage in check(names):
        spent = time.monotonic() - start
        if time_limit is not None and spent > time_limit:
            raise TimeLimitError(f"comparison stopped before stage {stage.name!r}: {spent:.0f} s spent, limit {time_limit:.0f} s")
        if on_stage:
            on_stage(stage.name)
        analysis = stage.load()(analysis, resources)
    return analysis
