"""Coverage: which outlet covered which story, and blind spots by outlet group.

Near-duplicates (wire copies) never count: a story covered by one agency text reprinted by
five outlets is one report. Groups come from a user TOML file (see
``docs/outlet-groups.example.toml``)::

    [groups]
    left = ["CNN", "HuffPost"]
    right = ["Fox News", "Breitbart"]

A blind spot is a story covered by at least ``min_outlets`` grouped outlets, all of them in
one group. Outlets match case-insensitively, ignoring punctuation.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

_PUNCT = re.compile(r"[^\w]+", re.U)
PALETTE = ("#3b6fb6", "#c0392b", "#7f8c8d", "#27ae60", "#8e44ad", "#d35400")


@dataclass(frozen=True)
class Coverage:
    """Outlet x story counts of independent articles, and blind spots."""

    outlets: tuple[str, ...]
    stories: tuple[dict[str, Any], ...]
    matrix: tuple[tuple[int, ...], ...]  # [outlet][story]
    groups: dict[str, str]  # outlet -> group
    blind_spots: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlets": list(self.outlets),
            "stories": [{"id": s["id"], "label": s["label"], "first_date": s["first_date"]} for s in self.stories],
            "matrix": [list(r) for r in self.matrix],
            "groups": self.groups,
            "blind_spots": list(self.blind_spots),
        }


def load_groups(path: str | Path) -> dict[str, list[str]]:
    """Outlet groups from a TOML file with a ``[groups]`` table of name -> list of outlets."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"--groups {path}: cannot read ({exc})") from None
    groups = data.get("groups")
    if not isinstance(groups, dict) or not all(
        isinstance(v, list) and all(isinstance(o, str) for o in v) for v in groups.values()
    ):
        raise InputError(f"--groups {path}: expected a [groups] table of name = [\"Outlet\", ...]")
    return {str(k): list(v) for k, v in groups.items()}


def outlet_key(name: str) -> str:
    return _PUNCT.sub(" ", name.lower()).strip()


def coverage(stories: list[dict[str, Any]], groups: dict[str, list[str]] | None = None, min_outlets: int = 2) -> Coverage:
    """Build the matrix and blind spots from :func:`counterpoint.corpus.db.stories` output."""
    lookup = {outlet_key(o): g for g, names in (groups or {}).items() for o in names}
    outlets = sorted({a["outlet"] for s in stories for a in s["articles"] if a["outlet"] and a["duplicate_of"] is None})
    col = {o: i for i, o in enumerate(outlets)}
    matrix = [[0] * len(stories) for _ in outlets]
    for j, s in enumerate(stories):
        for a in s["articles"]:
            if a["outlet"] and a["duplicate_of"] is None:
                matrix[col[a["outlet"]]][j] += 1
    of_outlet = {o: lookup[outlet_key(o)] for o in outlets if outlet_key(o) in lookup}
    blind = []
    for s in stories:
        grouped = {o for o in s["outlets"] if o in of_outlet}
        covering = {of_outlet[o] for o in grouped}
        if len(grouped) >= min_outlets and len(covering) == 1 and len(lookup) and len(set(of_outlet.values())) > 1:
            (only,) = covering
            blind.append({"story": s["id"], "label": s["label"], "only": only, "outlets": sorted(grouped),
                          "missing": sorted(set((groups or {}).keys()) - {only})})
    return Coverage(tuple(outlets), tuple(stories), tuple(tuple(r) for r in matrix), of_outlet, tuple(blind))


def to_svg(cov: Coverage, max_stories: int = 60, max_outlets: int = 40) -> str:
    """A heat-map of the busiest stories and outlets; outlet names coloured by group."""
    stories = list(range(min(len(cov.stories), max_stories)))
    totals = [sum(r[j] for j in stories) for r in cov.matrix]
    rows = sorted(range(len(cov.outlets)), key=lambda i: (-totals[i], cov.outlets[i]))[:max_outlets]
    group_names = sorted(set(cov.groups.values()))
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(group_names)}
    cell, left, top = 14, 180, 110
    width, height = left + cell * len(stories) + 20, top + cell * len(rows) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="10">',
           '<title>Coverage: outlets x stories (independent articles)</title>']
    for j in stories:
        s = cov.stories[j]
        x = left + j * cell + cell / 2
        label = html.escape(f"{s['id']} {(s['label'] or '')[:40]}")
        out.append(f'<text transform="translate({x},{top - 4}) rotate(-60)">{label}</text>')
    for r, i in enumerate(rows):
        name = cov.outlets[i]
        fill = colour.get(cov.groups.get(name, ""), "#333")
        y = top + r * cell
        out.append(f'<text x="{left - 4}" y="{y + cell - 3}" text-anchor="end" fill="{fill}">{html.escape(name[:30])}</text>')
        for j in stories:
            n = cov.matrix[i][j]
            shade = "#eee" if n == 0 else ("#9ecae1" if n == 1 else "#3182bd")
            out.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{shade}"><title>{html.escape(name)}: {n}</title></rect>')
    legend_y = top + len(rows) * cell + 20
    for k, g in enumerate(group_names):
        out.append(f'<text x="{left + k * 90}" y="{legend_y}" fill="{colour[g]}">&#9632; {html.escape(g)}</text>')
    out.append("</svg>")
    return "\n".join(out)
