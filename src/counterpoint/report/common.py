"""Helpers every renderer shares: labels, grouping, voices."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


def article_labels(doc: dict[str, Any]) -> dict[str, str]:
    """Display label per article id: the outlet when known and unique, else the id."""
    outlets = Counter(a.get("outlet") for a in doc["articles"] if a.get("outlet"))
    out = {}
    for a in doc["articles"]:
        o = a.get("outlet")
        out[a["id"]] = o if o and outlets[o] == 1 else a["id"]
    return out


def relation_groups(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for al in doc.get("alignments", []):
        groups[al["relation"]].append(al)
    for rows in groups.values():
        rows.sort(key=lambda al: -al.get("score", 0))
    return groups


def short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def voices(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Per article and speaker: how often and how much they are quoted."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for q in doc.get("quotes", []):
        sp = q.get("speaker") or {}
        key = sp.get("entity") or sp.get("name") or "unattributed"
        row = rows.setdefault(
            (q["article"], key),
            {"article": q["article"], "speaker": key, "name": sp.get("name") or "unattributed", "count": 0, "chars": 0,
             "words": 0},
        )
        row["count"] += 1
        row["chars"] += len(q.get("text", ""))
        row["words"] += len(q.get("text", "").split())
        row["statements"] = row["count"]
    where: dict[str, set[str]] = defaultdict(set)
    for art, key in rows:
        where[key].add(art)
    for (_art, key), row in rows.items():
        row["only_here"] = len(where[key]) == 1 and len(doc["articles"]) > 1 and key != "unattributed"
    return sorted(rows.values(), key=lambda r: (r["article"], -r["count"], -r["chars"]))
