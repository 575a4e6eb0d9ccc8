"""Markdown report from the contract JSON (so stored comparisons render the same way)."""

from __future__ import annotations

from typing import Any

from .common import article_labels, relation_groups, short, voices


def md_escape(text: str) -> str:
    """Neutralise Markdown and HTML in untrusted article text for a table cell or line."""
    text = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def render(doc: dict[str, Any]) -> str:
    """The whole comparison as a Markdown document."""
    label = article_labels(doc)
    same = doc.get("same_story") or {}
    out = ["# Comparison: " + " vs ".join(md_escape(label[a["id"]]) for a in doc["articles"]), ""]
    verdict = "same story" if same.get("verdict") else "different stories"
    out += [f"**Verdict:** {verdict} (score {same.get('score', 0):.2f}). {md_escape(same.get('why', ''))}", ""]
    out += ["| article | outlet | published | shared coverage |", "|---|---|---|---|"]
    for a in doc["articles"]:
        out.append(
            f"| {md_escape(a['id'])} | {md_escape(a.get('outlet') or '—')} | {a.get('published') or '—'} "
            f"| {a.get('coverage', 0):.0%} |"
        )
    groups = relation_groups(doc)
    for rel, title in (("shared", "Facts both report"), ("conflict", "Claims in conflict"), ("related", "Related claims")):
        rows = groups.get(rel, [])
        if not rows:
            continue
        out += ["", f"## {title} ({len(rows)})", ""]
        for al in rows:
            out.append(
                f"- **{label[al['a']['article']]}**: “{md_escape(short(al['a']['text']))}”  \n"
                f"  **{label[al['b']['article']]}**: “{md_escape(short(al['b']['text']))}”  \n"
                f"  _{md_escape(al.get('why', ''))}_ (score {al.get('score', 0):.2f})"
            )
    out += ["", "## Only one outlet reports", ""]
    for a in doc["articles"]:
        items = [u for u in doc.get("unique", []) if u["article"] == a["id"]]
        out.append(f"### Only in {md_escape(label[a['id']])} ({len(items)})")
        out += [f"{k}. {md_escape(short(u['text']))} `[{u['start']}:{u['end']}]`" for k, u in enumerate(items, 1)]
        out.append("")
    out += _entities(doc, label) + _quotes(doc, label) + _framing(doc, label)
    return "\n".join(out).rstrip() + "\n"


def _entities(doc: dict[str, Any], label: dict[str, str]) -> list[str]:
    ents = [e for e in doc.get("entities", []) if len({m["article"] for m in e["mentions"]}) > 1 or len(e["mentions"]) > 1]
    if not ents:
        return []
    arts = [a["id"] for a in doc["articles"]]
    out = ["## Who and where", "", "| entity | type | " + " | ".join(md_escape(label[a]) for a in arts) + " |"]
    out.append("|---|---|" + "---|" * len(arts))
    for e in ents[:40]:
        forms = e.get("forms", {})
        cells = [md_escape(", ".join(forms.get(a, [])) or "—") for a in arts]
        out.append(f"| {md_escape(e['name'])} | {e['type']} | " + " | ".join(cells) + " |")
    return out + [""]


def _quotes(doc: dict[str, Any], label: dict[str, str]) -> list[str]:
    quotes = doc.get("quotes", [])
    if not quotes:
        return []
    out = ["## Quotes", "", "| outlet | speaker | quote |", "|---|---|---|"]
    for q in quotes:
        who = (q.get("speaker") or {}).get("name") or "unattributed"
        out.append(f"| {md_escape(label[q['article']])} | {md_escape(who)} | {md_escape(short(q['text'], 160))} |")
    by_id = {q["id"]: q for q in quotes}
    matches = doc.get("quote_matches", [])
    if matches:
        out += ["", "**The same statement, as each outlet renders it:**", ""]
        for m in matches:
            qa, qb = by_id.get(m["a"]), by_id.get(m["b"])
            if qa and qb:
                out.append(f"- “{md_escape(short(qa['text']))}” ↔ “{md_escape(short(qb['text']))}” ({m['score']:.2f})")
    out += ["", "**Voices** (who each outlet quotes):", "",
            "| outlet | voice | role | statements | words | only this outlet |", "|---|---|---|---|---|---|"]
    for row in _voice_rows(doc):
        role = " ".join(x for x in (row.get("country"), row.get("role")) if x) or "—"
        out.append(
            f"| {md_escape(label[row['article']])} | {md_escape(row['name'])} | {md_escape(role)} "
            f"| {row['statements']} | {row['words']} | {'yes' if row['only_here'] else ''} |"
        )
    return out + [""]


def _voice_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The quotes stage's voice rows when present, else counts derived from the quotes."""
    rows = ((doc.get("extras") or {}).get("quotes") or {}).get("voices")
    if rows:
        return list(rows)
    return voices(doc)


def _profile(profile: dict[str, Any]) -> list[str]:
    counts = ", ".join(f"{k} {v}" for k, v in (profile.get("counts") or {}).items())
    out = [f"- **Profile:** {md_escape(counts) or 'no marks'}"]
    for key, title in (("sources", "sources cited"), ("top_loaded", "loaded terms"), ("hedges", "hedges"),
                       ("naming", "naming")):
        if profile.get(key):
            out.append(f"- **{title.capitalize()}:** " + "; ".join(md_escape(x) for x in profile[key]))
    if profile.get("leads_with_unique"):
        out.append("- **Leads with a fact the other outlets do not report.**")
    return out


def _framing(doc: dict[str, Any], label: dict[str, str]) -> list[str]:
    marks = doc.get("framing", [])
    profiles = ((doc.get("extras") or {}).get("framing") or {}).get("profiles") or {}
    if not marks and not profiles:
        return []
    out = ["## Framing", ""]
    for a in doc["articles"]:
        mine = [f for f in marks if f["article"] == a["id"]]
        if not mine and a["id"] not in profiles:
            continue
        out.append(f"### {md_escape(label[a['id']])}")
        if a["id"] in profiles:
            out += _profile(profiles[a["id"]]) + [""]
        for f in mine:
            out.append(f"- *{f['kind']}*: “{md_escape(f['text'])}” — {md_escape(f.get('note', ''))}")
        out.append("")
    return out
