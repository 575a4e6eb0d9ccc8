"""HTML report: escaping, overlapping spans, groups, panels, and the inline-asset CSP."""

from __future__ import annotations

import base64
import hashlib
import html as htmlmod
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from counterpoint.report import html as report

A_TEXT = (
    "The ferry strike ended on Thursday after a 6 percent raise, union leader Marta Oksanen said.\n"
    "About 1,200 workers walked out on Monday.\n"
    "\"Patience pays,\" Oksanen told reporters. Tickets <b>rose</b> & fell.\n"
    "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned=2\">"
)
B_TEXT = (
    "Valmera's port authority gave in on Thursday, granting crews a 6 percent raise.\n"
    "Roughly 900 workers joined the walkout, according to the port authority.\n"
    "Union boss Marta Oksanen said \"patience pays\".\n"
    "The islands were cut off for three days."
)


def span(text: str, article: str, fragment: str) -> dict[str, Any]:
    start = text.index(fragment)
    return {"article": article, "start": start, "end": start + len(fragment), "text": fragment}


def fixture_doc() -> dict[str, Any]:
    """A hand-made contract document with overlapping spans of every kind."""
    a1 = span(A_TEXT, "a", A_TEXT.splitlines()[0])
    a2 = span(A_TEXT, "a", A_TEXT.splitlines()[1])
    b1 = span(B_TEXT, "b", B_TEXT.splitlines()[0])
    b2 = span(B_TEXT, "b", B_TEXT.splitlines()[1])
    b3 = span(B_TEXT, "b", B_TEXT.splitlines()[2])
    a3 = span(A_TEXT, "a", "\"Patience pays,\" Oksanen told reporters.")
    return {
        "schema": "counterpoint.comparison/1",
        "articles": [
            {"id": "a", "outlet": "Harbour <Daily>", "title": "Strike ends", "published": "2025-03-14",
             "language": "en", "url": "javascript:alert(1)", "text": A_TEXT, "coverage": 0.5},
            {"id": "b", "outlet": "Coastal Tribune", "title": None, "published": None,
             "language": "en", "url": "https://example.org/b", "text": B_TEXT, "coverage": 0.6},
        ],
        "same_story": {"score": 0.9, "verdict": True, "why": "same strike, same day"},
        "entities": [
            {"id": "E1", "name": "Marta Oksanen", "type": "PERSON",
             "forms": {"a": ["Marta Oksanen", "Oksanen"], "b": ["Marta Oksanen"]},
             "mentions": [span(A_TEXT, "a", "Marta Oksanen"), span(B_TEXT, "b", "Marta Oksanen"),
                          {**span(A_TEXT, "a", "Oksanen told"), "end": A_TEXT.index("Oksanen told") + 7, "text": "Oksanen"}]},
        ],
        "alignments": [
            {"relation": "shared", "score": 0.83, "a": a1, "b": b1, "why": "both: 6 percent raise on Thursday"},
            {"relation": "conflict", "score": 0.7, "a": a2, "b": b2, "why": "1,200 workers <vs> 900 workers",
             "dimension": "number"},
            {"relation": "related", "score": 0.5, "a": a3, "b": b3, "why": "same quote, different wording"},
        ],
        "unique": [span(A_TEXT, "a", A_TEXT.splitlines()[3]), span(B_TEXT, "b", B_TEXT.splitlines()[3])],
        "quotes": [
            {"id": "Q1", **span(A_TEXT, "a", "\"Patience pays,\""), "kind": "direct",
             "speaker": {"entity": "E1", "name": "Marta Oksanen"}},
            {"id": "Q2", **span(B_TEXT, "b", "\"patience pays\""), "kind": "partial",
             "speaker": {"entity": "E1", "name": "Marta Oksanen"}},
        ],
        "quote_matches": [{"a": "Q1", "b": "Q2", "score": 0.91, "why": "same words"}],
        "framing": [
            {**span(A_TEXT, "a", "strike ended"), "kind": "loaded", "note": "a <loaded> verb", "entity": None},
            {**span(B_TEXT, "b", "gave in"), "kind": "loaded", "note": "capitulation", "entity": None},
        ],
        "extras": {"framing": {"profiles": {"a": {"loaded": 1, "tone": {"neg": 0.2}}, "b": {"loaded": 1}}}},
        "warnings": ["a <warning>"],
    }


class TagCounter(HTMLParser):
    """Collects tags and the text inside the article columns."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "div" and "cp-text" in (dict(attrs).get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def parsed(page: str) -> TagCounter:
    p = TagCounter()
    p.feed(page)
    return p


def seg_text(page: str) -> str:
    """The article text as shown: every segment, without the badges' labels."""
    body = re.sub(r"<button [^>]*class=\"badge[^>]*>.*?</button>", "", page, flags=re.S)
    body = re.sub(r"<span class=\"badge[^>]*>(<span[^>]*>[^<]*</span>)*</span>", "", body)
    return "".join(parsed(body).text)


def test_article_text_is_escaped_and_payload_inert() -> None:
    page = report.render(fixture_doc())
    tags = parsed(page).tags
    # Our own single <script> (the inline report code) and no element the article text made.
    assert [t for t, _ in tags if t == "script"] == ["script"]
    assert not any(t == "img" for t, _ in tags)
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "Tickets &lt;b&gt;rose&lt;/b&gt; &amp; fell." in page
    assert "Harbour &lt;Daily&gt;" in page
    assert "javascript:" not in page  # a non-http(s) source URL is dropped
    assert 'href="https://example.org/b"' in page


def test_segments_reassemble_each_article_exactly() -> None:
    doc = fixture_doc()
    view = report.view(doc)
    for art, a in zip(doc["articles"], view["articles"], strict=True):
        assert "".join(s["text"] for s in a["segments"]) == art["text"]
    shown = htmlmod.unescape(seg_text(report.render(doc)))
    assert shown == A_TEXT + B_TEXT


def test_overlapping_spans_get_every_class() -> None:
    view = report.view(fixture_doc())
    segs = view["articles"][0]["segments"]
    name = next(s for s in segs if s["text"] == "Marta Oksanen")
    assert {"r-shared", "ent"} <= set(name["cls"].split())
    assert name["ents"] == "E1"
    loaded = next(s for s in segs if s["text"] == "strike ended")
    assert {"r-shared", "frame", "fk-loaded"} <= set(loaded["cls"].split())
    assert "a <loaded> verb" in loaded["title"]
    quote = next(s for s in segs if "Patience pays" in s["text"])
    assert {"r-related", "quote"} <= set(quote["cls"].split())
    assert "cp-q0" in quote["anchors"]
    tail = next(s for s in segs if "<script>" in s["text"])
    assert "r-unique" in tail["cls"].split()


def test_shared_sides_share_colour_group_and_label() -> None:
    view = report.view(fixture_doc())
    first = [u for a in view["articles"] for u in a["units"] if "shared" in u.relations]
    assert len(first) == 2 and first[0].group == first[1].group == 0
    assert first[0].labels == first[1].labels == ["S1"]
    assert first[0].partners == [first[1].uid] and first[1].partners == [first[0].uid]
    conflict = [u for a in view["articles"] for u in a["units"] if u.main == "conflict"]
    assert [u.labels for u in conflict] == [["C1"], ["C1"]]
    assert {row["tag"] for row in view["alignments"]} == {"S1", "C1", "R1"}


def test_colour_groups_are_connected_components() -> None:
    doc = fixture_doc()
    a1 = doc["alignments"][0]["a"]
    b3 = span(B_TEXT, "b", B_TEXT.splitlines()[3])
    doc["alignments"].append({"relation": "shared", "score": 0.6, "a": a1, "b": b3, "why": "x"})
    view = report.view(doc)
    groups = {u.group for a in view["articles"] for u in a["units"] if "shared" in u.relations}
    assert groups == {0}  # a1 joins b1 and b3: one fact, one colour


def test_conflict_reason_is_rendered_for_hover_and_focus() -> None:
    page = report.render(fixture_doc())
    button = re.search(r'<button type="button" [^>]*class="badge b-conflict"[^>]*>', page)
    assert button is not None
    described = re.search(r'aria-describedby="([^"]+)"', button.group(0))
    assert described is not None
    why = re.search(r'<div id="' + re.escape(described.group(1)) + r'">(.*?)</div>', page, re.S)
    assert why is not None and "1,200 workers &lt;vs&gt; 900 workers" in why.group(1)
    assert "(number)" in why.group(1)


def test_panels_legend_quotes_voices_framing_coverage() -> None:
    page = report.render(fixture_doc())
    assert re.search(r'data-ent="E1"[^>]*>Marta Oksanen</button> <span class="tag t-differs"', page)
    assert "Marta Oksanen, Oksanen" in page
    assert re.search(r"<td>Harbour &lt;Daily&gt;</td><td>Marta Oksanen</td><td>direct</td>", page)
    assert 'href="#cp-q1">Coastal Tribune Q2</a> (0.91)' in page
    assert "<h3>Voices</h3>" in page
    assert "<dt>tone: neg</dt><dd>0.20</dd>" in page
    assert "a &lt;loaded&gt; verb" in page
    svg = re.search(r"<svg class=\"cp-chart\".*?</svg>", page, re.S)
    assert svg is not None and svg.group(0).count('class="bar-shared"') == 2


def test_coverage_counts_non_space_characters_by_priority() -> None:
    doc = fixture_doc()
    cov = {c["id"]: c for c in report.view(doc)["coverage"]}
    line0 = A_TEXT.splitlines()[0]
    nonspace = sum(not ch.isspace() for ch in A_TEXT)
    assert cov["a"]["shared"] == pytest.approx(sum(not ch.isspace() for ch in line0) / nonspace)
    assert 0 < cov["a"]["unique"] < 1 and cov["a"]["shared"] + cov["a"]["linked"] + cov["a"]["unique"] <= 1


def test_inline_assets_match_the_meta_csp_hashes() -> None:
    page = report.render(fixture_doc())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = htmlmod.unescape(csp.group(1))
    assert "default-src 'none'" in policy
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    # Nothing external: no linked files, no sources, no remote CSS (the one href is the article's source link).
    tags = parsed(page).tags
    assert not [t for t, a in tags if t in ("link", "iframe", "object", "embed") or "src" in a]
    assert "@import" not in page and "url(http" not in page
    assert [a["href"] for t, a in tags if t == "a" and (a.get("href") or "").startswith("http")] == ["https://example.org/b"]


def test_linked_mode_and_fragment() -> None:
    doc = fixture_doc()
    page = report.render(doc, standalone=False, asset_base="/static/")
    assert '<link rel="stylesheet" href="/static/report.css">' in page
    assert "<style>" not in page and "<script>" not in page
    frag = report.render_fragment(doc)
    assert frag.lstrip().startswith('<div class="cp-report') and "<html" not in frag


def test_minimal_document_renders() -> None:
    doc = {"schema": "counterpoint.comparison/1",
           "articles": [{"id": "x", "text": "One."}, {"id": "y", "text": "Two."}]}
    page = report.render(doc)
    assert "No passages were linked" in page and "No quotes were found" in page


def test_out_of_range_offsets_are_clipped() -> None:
    doc = fixture_doc()
    doc["framing"].append({"article": "a", "start": len(A_TEXT) - 3, "end": len(A_TEXT) + 50,
                           "text": "", "kind": "odd kind!", "note": ""})
    segs = report.view(doc)["articles"][0]["segments"]
    assert "".join(s["text"] for s in segs) == A_TEXT
    assert "fk-other" in segs[-1]["cls"]


def test_voices_from_the_quotes_stage_are_preferred() -> None:
    doc = fixture_doc()
    doc["extras"]["quotes"] = {"voices": [
        {"article": "a", "outlet": None, "voice": "E1", "entity": "E1", "name": "Marta Oksanen", "role": "union leader",
         "country": None, "statements": 3, "direct": 2, "words": 41, "quotes": ["Q1"], "only_here": True},
    ]}
    rows = report.view(doc)["voices"]
    assert rows == [{"outlet": "Harbour <Daily>", "name": "Marta Oksanen", "count": 3, "size": "41 words",
                     "only_here": True, "notes": ["role: union leader", "1 reported"]}]
    page = report.render(doc)
    assert "only this outlet quotes them</span> role: union leader; 1 reported" in page


def test_framing_profiles_are_flattened_readably() -> None:
    doc = fixture_doc()
    doc["extras"]["framing"] = {"profiles": {"a": {"outlet": "X", "counts": {"loaded": 2, "hedge": 0},
                                                   "sources": [{"name": "Reuters", "kind": "agency"}]}}}
    prof = report.view(doc)["framing"]["profiles"]
    assert prof == [{"outlet": "Harbour <Daily>", "pairs": [("counts: loaded", "2"), ("sources", "Reuters (agency)")]}]


def test_three_articles_share_one_colour_group_across_a_chain() -> None:
    texts = {"x": "Alpha fact here.", "y": "Alpha fact there.", "z": "Alpha fact everywhere."}
    arts = [{"id": k, "text": t} for k, t in texts.items()]
    full = {k: {"article": k, "start": 0, "end": len(t), "text": t} for k, t in texts.items()}
    doc = {"schema": "counterpoint.comparison/1", "articles": arts, "alignments": [
        {"relation": "shared", "score": 0.9, "a": full["x"], "b": full["y"], "why": "same"},
        {"relation": "shared", "score": 0.9, "a": full["y"], "b": full["z"], "why": "same"},
    ]}
    view = report.view(doc)
    units = [u for a in view["articles"] for u in a["units"]]
    assert [u.group for u in units] == [0, 0, 0] and {tuple(u.labels) for u in units} == {("S1",)}
    middle = view["articles"][1]["units"][0]
    assert len(middle.partners) == 2 and len(middle.reasons) == 2
    assert len(view["coverage"]) == 3 and all(c["shared"] == 1.0 for c in view["coverage"])


def test_contract_minimal_document_renders() -> None:
    """Only the fields CONTRACT.md fixes (no why, forms, kind, extras): still a full report."""
    doc = fixture_doc()
    doc["same_story"] = {"score": 0.91, "verdict": True}
    for al in doc["alignments"]:
        al.pop("why")
    for e in doc["entities"]:
        e.pop("forms")
    for q in doc["quotes"]:
        q.pop("kind")
    for key in ("extras", "warnings", "quote_matches"):
        doc.pop(key)
    for a in doc["articles"]:
        for key in ("coverage", "url", "title", "published", "language"):
            a.pop(key)
    page = report.render(doc)
    assert "✓ Same story" in page and "no reason given" in page
    assert page.count('class="badge b-conflict"') == 2
    assert "<td>Marta Oksanen, Oksanen</td>" in page  # naming from the mentions


def test_time_expressions_carry_their_resolved_dates() -> None:
    doc = fixture_doc()
    doc["times"] = [{**span(A_TEXT, "a", "Thursday"), "resolved": "2025-03-13", "resolved_end": None, "granularity": "day"},
                    {**span(A_TEXT, "a", "Monday"), "resolved": None, "resolved_end": None, "granularity": "unknown"}]
    segs = report.view(doc)["articles"][0]["segments"]
    thursday = next(s for s in segs if s["text"] == "Thursday")
    assert "time" in thursday["cls"].split() and thursday["title"] == "date: 2025-03-13"
    assert next(s for s in segs if s["text"] == "Monday")["title"] == "date: not resolved"


def test_each_article_and_linked_passage_keeps_its_own_language() -> None:
    doc = fixture_doc()
    doc["articles"][1]["language"] = "uk"
    doc["articles"][0]["language"] = 'en" onmouseover="x'  # hostile metadata falls back to en
    page = report.render(doc)
    assert re.search(r'<article class="cp-art" lang="uk"', page)
    assert re.search(r'<article class="cp-art" lang="en"', page)
    assert "onmouseover" not in page
    # The link table shows each side in its own language.
    assert re.search(r'<span lang="uk">Valmera&#39;s port authority gave in', page)
