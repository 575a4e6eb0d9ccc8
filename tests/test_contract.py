"""The comparison JSON: valid against the packaged JSON Schema, every span checkable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources as ilr
from typing import Any

import jsonschema
import pytest

from counterpoint import compare

SCHEMA = json.loads((ilr.files("counterpoint") / "schema" / "comparison.schema.json").read_text())


def spans(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for e in doc["entities"]:
        yield from e["mentions"]
    for al in doc["alignments"]:
        yield al["a"]
        yield al["b"]
    yield from doc["unique"]
    yield from doc["quotes"]
    yield from doc["framing"]
    yield from doc.get("claims", [])
    yield from doc.get("times", [])


@pytest.mark.slow
@pytest.mark.parametrize("pair", ["demo_articles", "example_articles"])
def test_output_validates_and_spans_point_at_their_text(pair: str, request: pytest.FixtureRequest) -> None:
    doc = json.loads(compare(request.getfixturevalue(pair)).to_json())
    jsonschema.validate(doc, SCHEMA)
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    n = 0
    for s in spans(doc):
        assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
        n += 1
    assert n > 0
    ids = {e["id"] for e in doc["entities"]}
    for q in doc["quotes"]:
        if q["speaker"] and q["speaker"]["entity"]:
            assert q["speaker"]["entity"] in ids


def test_schema_rejects_a_wrong_relation() -> None:
    span = {"article": "a", "start": 0, "end": 1, "text": "x"}
    doc = {
        "schema": "counterpoint.comparison/1",
        "articles": [
            {"id": i, "outlet": None, "title": None, "published": None, "language": "en", "text": "x"} for i in "ab"
        ],
        "same_story": {"score": 1.0, "verdict": True},
        "entities": [], "unique": [], "quotes": [], "quote_matches": [], "framing": [],
        "alignments": [{"relation": "agrees", "score": 1, "a": span, "b": span, "why": ""}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
    doc["alignments"][0]["relation"] = "shared"
    jsonschema.validate(doc, SCHEMA)
