"""The pipeline: named stages, each ``run(analysis, resources) -> analysis``.

A stage declares what it needs and what it adds; :func:`run_pipeline` checks the order
before running anything, so a misconfigured pipeline fails with a list of valid options
instead of an AttributeError halfway through.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import PipelineError
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
        Stage("align", "align", ("claims", "entities", "times"), ("alignments", "unique", "coverage", "same_story")),
        Stage("conflicts", "conflicts", ("alignments", "times"), ("alignments",)),
        Stage("quotes", "quotes", ("sentences", "entities"), ("quotes", "quote_matches")),
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
) -> Analysis:
    """Run the named stages in order over an Analysis."""
    for stage in check(names):
        if on_stage:
            on_stage(stage.name)
        analysis = stage.load()(analysis, resources)
    return analysis
