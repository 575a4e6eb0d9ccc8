"""The contract JSON (``../shared/eval/CONTRACT.md``) of an Analysis.

The field names the evaluator reads are fixed; everything else here is ours to extend.
``counterpoint/schema/comparison.schema.json`` describes the document and the tests validate
every rendered comparison against it.
"""

from __future__ import annotations

from typing import Any

from ..model import SCHEMA_VERSION, Analysis, Span


def span(an: Analysis, s: Span) -> dict[str, Any]:
    return {"article": s.article, "start": s.start, "end": s.end, "text": an.text_of(s)}


def to_dict(an: Analysis) -> dict[str, Any]:
    """The whole comparison as plain JSON-able data."""
    same = an.same_story
    return {
        "schema": SCHEMA_VERSION,
        "articles": _articles(an),
        "same_story": {
            "score": round(same.score, 4) if same else 0.0,
            "verdict": bool(same.verdict) if same else False,
            "why": same.why if same else "",
        },
        "entities": _entities(an),
        "claims": [
            dict(span(an, c.span), id=c.id, sentence=c.sentence)
            for a in an.articles
            for c in an.claims.get(a.id, ())
        ],
        "times": _times(an),
        "alignments": _alignments(an),
        "unique": [span(an, u) for u in an.unique],
        "quotes": _quotes(an),
        "quote_matches": [
            {"a": m.a, "b": m.b, "score": round(m.score, 4), "why": m.why} for m in an.quote_matches
        ],
        "framing": [
            {**span(an, f.span), "kind": f.kind, "note": f.note, "entity": f.entity} for f in an.framing
        ],
        "extras": dict(an.extras),
        "warnings": list(an.warnings),
    }


def _articles(an: Analysis) -> list[dict[str, Any]]:
    """Each article with its text, coverage and sentence offsets."""
    return [
        {
            "id": a.id,
            "outlet": a.outlet,
            "title": a.title,
            "published": a.published.isoformat() if a.published else None,
            "language": a.language,
            "url": a.url,
            "text": a.text,
            "coverage": round(an.coverage.get(a.id, 0.0), 4),
            "sentences": [
                {"start": s.span.start, "end": s.span.end, "paragraph": s.paragraph}
                for s in an.sentences.get(a.id, ())
            ],
        }
        for a in an.articles
    ]


def _entities(an: Analysis) -> list[dict[str, Any]]:
    """Each entity with its forms per article and its mentions."""
    return [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "forms": {k: list(v) for k, v in e.forms().items()},
            "mentions": [dict(span(an, m.span), label=m.label, kind=m.kind) for m in e.mentions],
        }
        for e in an.entities
    ]


def _times(an: Analysis) -> list[dict[str, Any]]:
    """Each time expression with its resolved interval."""
    return [
        {
            **span(an, t.span),
            "resolved": t.start.isoformat() if t.start else None,
            "resolved_end": t.end.isoformat() if t.end else None,
            "granularity": t.granularity,
        }
        for t in an.times
    ]


def _alignments(an: Analysis) -> list[dict[str, Any]]:
    """Each aligned pair of claims, its relation and why."""
    return [
        {
            "relation": al.relation,
            "score": round(al.score, 4),
            "a": span(an, al.a),
            "b": span(an, al.b),
            "why": al.why,
            **({"dimension": al.dimension} if al.dimension else {}),
        }
        for al in an.alignments
    ]


def _quotes(an: Analysis) -> list[dict[str, Any]]:
    """Each quotation with its speaker (entity, name, and where the speaker is named)."""
    names = {e.id: e.name for e in an.entities}
    return [
        {
            "id": q.id,
            **span(an, q.span),
            "kind": q.kind,
            "cue": q.cue,
            "speaker": (
                {
                    "entity": q.speaker_entity,
                    "name": names.get(q.speaker_entity or "", q.speaker_name),
                    **({"span": span(an, q.speaker_span)} if q.speaker_span else {}),
                }
                if (q.speaker_entity or q.speaker_name)
                else None
            ),
        }
        for q in an.quotes
    ]
