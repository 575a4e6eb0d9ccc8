"""HTML report (placeholder until the side-by-side report lands): escaped text only."""

from __future__ import annotations

import html
import json
from typing import Any


def render(doc: dict[str, Any]) -> str:
    """A minimal self-contained page; every piece of article text is escaped."""
    body = html.escape(json.dumps(doc, ensure_ascii=False, indent=2))
    return f"<!doctype html><meta charset='utf-8'><title>counterpoint</title><pre>{body}</pre>"
