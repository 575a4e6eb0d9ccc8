"""Markdown report: sections present, untrusted text neutralised, extras used when present."""

from __future__ import annotations

from typing import Any

from counterpoint.report.markdown import md_escape, render


def doc() -> dict[str, Any]:
    t1 = 'Evil <script>alert(1)</script> | pipe `code` *bold* [link](javascript:x) said "we go".'
    t2 = "Plain text about the same event, reported on Monday."
    span = {"article": "a", "start": 0, "end": 10, "text": t1[:10]}
    return {
        "schema": "counterpoint.comparison/1",
        "articles": [
            {"id": "a", "outlet": "Outlet <A>", "title": None, "published": None, "language": "en", "text": t1},
            {"id": "b", "outlet": None, "title": None, "published": "2025-01-01", "language": "en", "text": t2},
        ],
        "same_story": {"score": 0.8, "verdict": True, "why": "close"},
        "entities": [],
        "alignments": [{"relation": "conflict", "score": 0.5, "a": span,
                        "b": {"article": "b", "start": 0, "end": 5, "text": "Plain"}, "why": "number: 3 vs 4"}],
        "unique": [{"article": "a", "start": 0, "end": len(t1), "text": t1}],
        "quotes": [{"id": "Q1", "article": "a", "start": 0, "end": 5, "text": "we go",
                    "speaker": {"entity": None, "name": "<b>Mayor</b>"}}],
        "quote_matches": [],
        "framing": [{"article": "a", "start": 0, "end": 4, "text": "Evil", "kind": "loaded", "note": "judgement"}],
        "extras": {"framing": {"profiles": {"a": {"counts": {"loaded": 1}, "sources": ["Reuters (news agency)"]}}}},
    }


def test_untrusted_text_cannot_inject_markup() -> None:
    md = render(doc())
    assert "<script>" not in md and "<b>" not in md
    assert "[link\\](javascript" in md  # brackets escaped: no link forms
    assert "\\<script\\>" in md and "\\|" in md


def test_sections_and_profile() -> None:
    md = render(doc())
    for heading in ("# Comparison: Outlet \\<A\\> vs b", "## Claims in conflict (1)", "### Only in Outlet \\<A\\> (1)",
                    "## Quotes", "**Voices**", "## Framing", "**Profile:** loaded 1", "Reuters (news agency)"):
        assert heading in md, heading
    assert "number: 3 vs 4" in md


def test_md_escape_flattens_newlines() -> None:
    assert md_escape("a\n# b") == "a \\# b"
