"""HTML report: the articles side by side with every finding highlighted in their full text.

Rendered from the contract JSON (so stored comparisons render the same way) through Jinja2
templates with autoescaping on: article text only ever reaches the page as escaped segments.

Spans overlap (claims, entity mentions, quotes, framing marks), so each article's text is cut
at every span boundary and each segment carries the classes of everything that covers it.
A *unit* is one distinct claim span (from alignments or ``unique``); shared alignments join
units into colour groups, so the same fact has the same colour and label on every side.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .common import article_labels, short, voices

TEMPLATES = Path(__file__).resolve().parent / "templates"
PALETTE = 10  # colour classes g0..g9 in report.css; groups beyond that reuse colours, never labels
RELATION_ORDER = ("conflict", "shared", "related")  # display priority when a unit has several
RELATION_LABEL = {"shared": "S", "related": "R", "conflict": "C"}
QUOTE_MARKS = "\"'“”„«»‘’‚‹›"
RELATION_TEXT = {"shared": "same fact", "related": "related", "conflict": "conflict"}


@dataclass
class Unit:
    """One claim span of one article and everything it is linked to."""

    uid: str
    article: str
    start: int
    end: int
    relations: set[str] = field(default_factory=set)
    partners: list[str] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    group: int | None = None
    unique: bool = False

    @property
    def main(self) -> str | None:
        return next((r for r in RELATION_ORDER if r in self.relations), None)


@cache
def asset(name: str) -> str:
    """The text of a packaged template asset (report.css, report.js)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=2)
def environment(strict: bool = True) -> Any:
    """The Jinja2 environment over report/templates, autoescaping every template.

    ``strict`` makes a missing variable an error (the report's own data); the web pages,
    which render optional OpenAPI fields, use the lenient one.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["short"] = short
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    return env


def render(doc: dict[str, Any], *, standalone: bool = True, asset_base: str = "/static/") -> str:
    """The whole comparison as one HTML page.

    ``standalone`` inlines CSS and JS (a self-contained file, guarded by a meta CSP with
    their hashes); otherwise the page links ``asset_base + report.css/report.js`` so a web
    server can send a strict Content-Security-Policy without inline code.
    """
    css, js = asset("report.css"), asset("report.js")
    return environment().get_template("report.html.j2").render(
        r=view(doc),
        standalone=standalone,
        css=css,
        js=js,
        csp=f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; img-src data:",
        asset_base=asset_base,
    )


def render_fragment(doc: dict[str, Any]) -> str:
    """Only the report's markup (no page, no assets), for a page that already loads them."""
    return environment().get_template("report_body.html.j2").render(r=view(doc))


def view(doc: dict[str, Any]) -> dict[str, Any]:
    """Everything the templates show, computed once from the contract JSON."""
    label = article_labels(doc)
    units, alignments = build_units(doc)
    texts = {a["id"]: a.get("text", "") for a in doc["articles"]}
    return {
        "title": " vs ".join(label[a["id"]] for a in doc["articles"]),
        "same": _same(doc.get("same_story")),
        "warnings": [str(w) for w in doc.get("warnings", [])],
        "articles": [
            {
                "index": i,
                "id": a["id"],
                "label": label[a["id"]],
                "title": a.get("title"),
                "published": a.get("published"),
                "url": safe_url(a.get("url")),
                "lang": lang_tag(a.get("language")),
                "segments": segments(a, i, doc, units.get(a["id"], [])),
                "units": units.get(a["id"], []),
            }
            for i, a in enumerate(doc["articles"])
        ],
        "counts": {rel: sum(1 for al in alignments if al["relation"] == rel) for rel in RELATION_ORDER}
        | {"unique": len(doc.get("unique", []))},
        "alignments": alignments,
        "entities": legend(doc, label),
        "quotes": quote_rows(doc, label),
        "voices": voice_rows(doc, label),
        "framing": framing_view(doc, label),
        "coverage": coverage(doc, texts, label),
        "labels": label,
    }


def _same(same: Any) -> dict[str, Any]:
    """The same-story verdict with every field present (older or hand-made documents lack some)."""
    if not isinstance(same, dict):
        return {}
    return {"score": float(same.get("score") or 0.0), "verdict": bool(same.get("verdict")), "why": str(same.get("why") or "")}


def lang_tag(value: Any) -> str:
    """A BCP 47 language tag safe for a ``lang`` attribute ('en' when missing or malformed)."""
    text = str(value or "")
    return text if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", text) else "en"


def safe_url(url: Any) -> str | None:
    """The URL if it is plain http(s); anything else (javascript:, data:) is dropped."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


def build_units(doc: dict[str, Any]) -> tuple[dict[str, list[Unit]], list[dict[str, Any]]]:
    """Units per article (sorted by offset) and the alignment rows with their labels."""
    label = article_labels(doc)
    index = {a["id"]: i for i, a in enumerate(doc["articles"])}
    # Screen readers and fonts pick the script's rules from lang: each passage keeps its own.
    langs = {a["id"]: lang_tag(a.get("language")) for a in doc["articles"]}
    by_span: dict[tuple[str, int, int], Unit] = {}

    def unit(side: dict[str, Any]) -> Unit | None:
        if side.get("article") not in index:
            return None
        key = (side["article"], int(side["start"]), int(side["end"]))
        if key not in by_span:
            by_span[key] = Unit(f"cp{index[key[0]]}-{len(by_span)}", *key)
        return by_span[key]

    rows: list[dict[str, Any]] = []
    counter: dict[str, int] = defaultdict(int)
    links: list[tuple[Unit, Unit]] = []
    for al in doc.get("alignments", []):
        ua, ub = unit(al["a"]), unit(al["b"])
        rel = al.get("relation", "related")
        if ua is None or ub is None or rel not in RELATION_LABEL:
            continue
        counter[rel] += 1
        tag = f"{RELATION_LABEL[rel]}{counter[rel]}"
        for me, other in ((ua, ub), (ub, ua)):
            me.relations.add(rel)
            me.partners.append(other.uid)
            me.reasons.append({"relation": rel, "other": label[other.article], "why": al.get("why", ""),
                               "score": al.get("score", 0.0), "dimension": al.get("dimension")})
            if rel != "shared":
                me.labels.append(tag)
        if rel == "shared":
            links.append((ua, ub))
        rows.append({**al, "why": al.get("why") or "", "tag": tag, "ua": ua.uid, "ub": ub.uid,
                     "la": label[ua.article], "lb": label[ub.article],
                     "lang_a": langs.get(ua.article, "en"), "lang_b": langs.get(ub.article, "en")})
    for u in doc.get("unique", []):
        un = unit(u)
        if un is not None:
            un.unique = True
    _colour_groups(links)
    out: dict[str, list[Unit]] = defaultdict(list)
    for un in by_span.values():
        if un.group is not None:
            un.labels.insert(0, f"S{un.group + 1}")
        out[un.article].append(un)
    for lst in out.values():
        lst.sort(key=lambda u: (u.start, -u.end))
    groups = {un.uid: un.group for un in by_span.values()}
    for row in rows:
        if row["relation"] == "shared":
            row["tag"] = f"S{(groups[row['ua']] or 0) + 1}"
            row["group"] = (groups[row["ua"]] or 0) % PALETTE
    return dict(out), rows


def _colour_groups(links: list[tuple[Unit, Unit]]) -> None:
    """Connected components of shared links, numbered in reading order of the first article."""
    parent: dict[str, str] = {}
    units: dict[str, Unit] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        for u in (a, b):
            parent.setdefault(u.uid, u.uid)
            units[u.uid] = u
        parent[find(a.uid)] = find(b.uid)
    comps: dict[str, list[Unit]] = defaultdict(list)
    for uid, u in units.items():
        comps[find(uid)].append(u)
    order = sorted(comps.values(), key=lambda us: min((u.uid.split("-")[0], u.start) for u in us))
    for n, members in enumerate(order):
        for u in members:
            u.group = n


def segments(article: dict[str, Any], index: int, doc: dict[str, Any], units: list[Unit]) -> list[dict[str, Any]]:
    """The article text cut at every annotation boundary, each piece with its annotations."""
    text: str = article.get("text", "")
    aid = article["id"]
    n = len(text)
    marks: list[tuple[int, int, str, Any]] = [(u.start, u.end, "unit", u) for u in units]
    for k, e in enumerate(doc.get("entities", [])):
        marks += [(m["start"], m["end"], "ent", (k, e["id"])) for m in e.get("mentions", []) if m["article"] == aid]
    marks += [(f["start"], f["end"], "frame", f) for f in doc.get("framing", []) if f["article"] == aid]
    marks += [(q["start"], q["end"], "quote", (k, q)) for k, q in enumerate(doc.get("quotes", [])) if q["article"] == aid]
    marks += [(t["start"], t["end"], "time", t) for t in doc.get("times", []) if t.get("article") == aid]
    marks = [(max(0, int(s)), min(n, int(e)), kind, obj) for s, e, kind, obj in marks if int(s) < int(e)]
    cuts = sorted({0, n, *(s for s, _, _, _ in marks), *(e for _, e, _, _ in marks)})
    starts: dict[int, list[int]] = defaultdict(list)
    for k, (s, _, _, _) in enumerate(marks):
        starts[s].append(k)
    active: set[int] = set()
    out = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        active = {k for k in active if marks[k][1] > lo} | set(starts.get(lo, ()))
        if lo >= hi:
            continue
        here = [marks[k] for k in sorted(active)]
        opening = [m[3] for m in here if m[2] == "unit" and m[0] == lo]
        out.append(_segment(text[lo:hi], here, opening, index, lo))
    return out


def _segment(text: str, here: list[tuple[int, int, str, Any]], opening: list[Unit], index: int, lo: int) -> dict[str, Any]:
    """One piece of text: its CSS classes, data attributes and the badges that open there."""
    units: list[Unit] = [m[3] for m in here if m[2] == "unit"]
    cls = ["seg"]
    rels = {r for u in units for r in u.relations}
    cls += [f"r-{r}" for r in RELATION_ORDER if r in rels]
    group = next((u.group for u in units if u.group is not None), None)
    if group is not None:
        cls.append(f"g{group % PALETTE}")
    if any(u.unique for u in units):
        cls.append("r-unique")
    ents = [m[3] for m in here if m[2] == "ent"]
    frames = [m[3] for m in here if m[2] == "frame"]
    quotes = [m[3] for m in here if m[2] == "quote"]
    if ents:
        cls.append("ent")
    if frames:
        cls += ["frame"] + [f"fk-{_kind(f.get('kind'))}" for f in frames]
    if quotes:
        cls.append("quote")
    times = [m[3] for m in here if m[2] == "time"]
    if times:
        cls.append("time")
    notes = [f"{f.get('kind')}: {f.get('note') or ''}".strip(": ") for f in frames]
    notes += [f"date: {_when(t)}" for t in times]
    return {
        "text": text,
        "cls": " ".join(dict.fromkeys(cls)),
        "units": " ".join(u.uid for u in units if u.relations),
        "ents": " ".join(e[1] for e in ents),
        "title": "; ".join(notes),
        "anchors": [f"cp-q{k}" for k, q in quotes if q["start"] == lo],
        "opening": opening,
    }


def _when(t: dict[str, Any]) -> str:
    """A resolved time expression as a reader would say it: a day, or a range."""
    start, end = t.get("resolved"), t.get("resolved_end")
    if not start:
        return "not resolved"
    return f"{start} to {end}" if end and end != start else str(start)


def _kind(kind: Any) -> str:
    k = str(kind or "other").lower()
    return k if k.isalnum() else "other"


def legend(doc: dict[str, Any], label: dict[str, str]) -> list[dict[str, Any]]:
    """Entities seen more than once or in several articles, with each outlet's naming."""
    rows = []
    arts = [a["id"] for a in doc["articles"]]
    for e in doc.get("entities", []):
        mentions = e.get("mentions", [])
        where = {m["article"] for m in mentions}
        if len(where) < 2 and len(mentions) < 2:
            continue
        forms = e.get("forms") or _forms(mentions)
        cells = [list(forms.get(a, [])) for a in arts]
        distinct = {f for c in cells for f in c}
        rows.append({
            "id": e["id"], "name": e.get("name", ""), "type": e.get("type", ""), "cells": cells,
            "differs": len(where) > 1 and len({tuple(sorted(c)) for c in cells if c}) > 1 and len(distinct) > 1,
            "count": len(mentions),
        })
    rows.sort(key=lambda r: (-len([c for c in r["cells"] if c]), -r["count"]))
    return rows[:60]


def _forms(mentions: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Names per article from the mentions, for documents without ``forms``."""
    out: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        text = m.get("text", "")
        if m.get("kind", "name") == "name" and text and text not in out[m["article"]]:
            out[m["article"]].append(text)
    return out


def quote_rows(doc: dict[str, Any], label: dict[str, str]) -> list[dict[str, Any]]:
    """Quotes with speaker and the matching statements from other outlets."""
    quotes = doc.get("quotes", [])
    by_id = {q.get("id"): (k, q) for k, q in enumerate(quotes)}
    matches: dict[str, list[tuple[int, dict[str, Any], float]]] = defaultdict(list)
    for m in doc.get("quote_matches", []):
        for me, other in ((m.get("a"), m.get("b")), (m.get("b"), m.get("a"))):
            if other in by_id:
                k, q = by_id[other]
                matches[me].append((k, q, float(m.get("score", 0.0))))
    rows = []
    for k, q in enumerate(quotes):
        sp = q.get("speaker") or {}
        rows.append({
            "anchor": f"cp-q{k}", "id": q.get("id", ""), "outlet": label.get(q["article"], q["article"]),
            "speaker": sp.get("name") or "unattributed", "kind": q.get("kind") or "",
            "text": q.get("text", "").strip().strip(QUOTE_MARKS).strip(),
            "matches": [{"anchor": f"cp-q{j}", "id": o.get("id", ""), "outlet": label.get(o["article"], ""),
                         "score": s} for j, o, s in matches.get(q.get("id"), [])],
        })
    return rows


def voice_rows(doc: dict[str, Any], label: dict[str, str]) -> list[dict[str, Any]]:
    """The quotes stage's voices (``extras.quotes.voices``) when it gives them, else our own count."""
    given = ((doc.get("extras") or {}).get("quotes") or {}).get("voices")
    ok = isinstance(given, list) and all(isinstance(r, dict) and "article" in r for r in given)
    rows: list[dict[str, Any]] = given if ok and isinstance(given, list) else voices(doc)
    names = {e.get("id"): e.get("name") for e in doc.get("entities", [])}
    out = []
    for r in rows:
        count = r.get("statements", r.get("count"))
        size = f"{r['words']} words" if isinstance(r.get("words"), int) else (
            f"{r['chars']} characters" if isinstance(r.get("chars"), int) else "")
        notes = [f"{k}: {r[k]}" for k in ("role", "country") if isinstance(r.get(k), str) and r[k]]
        if isinstance(r.get("direct"), int) and isinstance(count, int) and r["direct"] < count:
            notes.append(f"{count - r['direct']} reported")
        out.append({
            "outlet": label.get(r["article"], str(r["article"])),
            "name": names.get(r.get("entity")) or r.get("name") or r.get("voice") or r.get("speaker") or "unattributed",
            "count": count if isinstance(count, int) else "", "size": size,
            "only_here": bool(r.get("only_here")), "notes": notes,
        })
    return out


def framing_view(doc: dict[str, Any], label: dict[str, str]) -> dict[str, Any]:
    """Framing marks as a kind-by-outlet table, plus the framing stage's profiles if any."""
    arts = [a["id"] for a in doc["articles"]]
    table: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {a: [] for a in arts})
    for f in doc.get("framing", []):
        if f.get("article") in arts:
            table[str(f.get("kind") or "other")][f["article"]].append(f)
    kinds = [
        {"kind": kind, "slug": _kind(kind),
         "cells": [{"count": len(marks), "terms": list(dict.fromkeys(short(m.get("text", ""), 70) for m in marks))[:12],
                    "notes": list(dict.fromkeys(m.get("note") or "" for m in marks if m.get("note")))[:4]}
                   for marks in (per[a] for a in arts)]}
        for kind, per in sorted(table.items())
    ]
    return {"kinds": kinds, "profiles": profiles(doc, label)}


def profiles(doc: dict[str, Any], label: dict[str, str]) -> list[dict[str, Any]]:
    """``extras.framing.profiles`` flattened to (outlet, [(key, value)]) for display."""
    raw = ((doc.get("extras") or {}).get("framing") or {}).get("profiles")
    items: list[tuple[str, Any]] = []
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list):
        items = [(r.get("article", ""), r) for r in raw if isinstance(r, dict)]
    out = []
    for aid, prof in items:
        pairs = _flatten(prof) if isinstance(prof, dict) else [("", _fmt(prof))]
        skip = ("article", "outlet", "headline", "title")
        shown = [(k.replace("_", " ").replace(".", ": "), short(v, 220)) for k, v in pairs
                 if k not in skip and v not in ("", "0")]
        out.append({"outlet": label.get(str(aid), str(aid)), "pairs": shown[:24]})
    return out


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and not prefix:
            pairs += _flatten(v, key + ".")
        else:
            pairs.append((key, _fmt(v)))
    return pairs


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v[:12])
    if isinstance(v, dict) and "name" in v:  # a named item with details: "Reuters (agency)"
        rest = [_fmt(x) for k, x in v.items() if k != "name" and x not in (None, "")]
        return f"{v['name']} ({', '.join(rest)})" if rest else str(v["name"])
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_fmt(x)}" for k, x in list(v.items())[:12])
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def coverage(doc: dict[str, Any], texts: dict[str, str], label: dict[str, str]) -> list[dict[str, Any]]:
    """Share of each article's characters that is shared, otherwise linked, or unique."""
    paint: dict[str, bytearray] = {aid: bytearray(len(t)) for aid, t in texts.items()}
    spans: list[tuple[int, dict[str, Any]]] = [(1, u) for u in doc.get("unique", [])]
    for al in doc.get("alignments", []):
        level = 3 if al.get("relation") == "shared" else 2
        spans += [(level, al["a"]), (level, al["b"])]
    for level, s in sorted(spans, key=lambda p: p[0]):
        buf = paint.get(s.get("article", ""))
        if buf is not None:
            lo, hi = max(0, int(s["start"])), min(len(buf), int(s["end"]))
            if lo < hi:
                buf[lo:hi] = bytes([level]) * (hi - lo)
    rows = []
    for aid, buf in paint.items():
        total = max(1, sum(1 for ch in texts[aid] if not ch.isspace()))
        counts = [sum(1 for ch, lv in zip(texts[aid], buf, strict=True) if lv == level and not ch.isspace()) for level in (3, 2, 1)]
        shared, linked, uniq = (c / total for c in counts)
        rows.append({"id": aid, "label": label[aid], "shared": shared, "linked": linked, "unique": uniq})
    return rows
