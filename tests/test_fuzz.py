"""Property tests: any input ends in an Article/result or an InputError, never a traceback."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpoint import ingest, segment
from counterpoint.errors import InputError

QUOTE_CHARS = "\"“”«»„‘’'"
texty = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
quotey = st.text(alphabet=st.sampled_from(list(QUOTE_CHARS + "ab .,\n")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_any_bytes(raw: bytes) -> None:
    try:
        out = ingest.decode(raw, "fuzz")
    except InputError as exc:
        assert str(exc).startswith("fuzz:")
    else:
        assert isinstance(out, str)


@settings(max_examples=300, deadline=None)
@given(texty)
def test_make_article_any_text(text: str) -> None:
    try:
        art = ingest.make_article(text, article_id="f")
    except InputError:
        return
    assert art.text and art.text == art.text.strip()


@settings(max_examples=300, deadline=None)
@given(quotey)
def test_quote_regions_are_ordered_and_in_bounds(text: str) -> None:
    regions = segment.quote_regions(text)
    last = 0
    for s, e in regions:
        assert last <= s < e <= len(text)
        last = e


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->",
                                 "<![CDATA[", "]]>", "&amp;", "&#0;", "<b", ">", "text of a story. "]), max_size=200))
def test_malformed_html_never_crashes(parts: list[str]) -> None:
    try:
        ingest.from_html("".join(parts), article_id="h")
    except InputError:
        pass


def test_deeply_nested_html_is_an_error_or_article() -> None:
    html = "<div>" * 50_000 + "A story about the council vote on the bridge, told at length. " * 5 + "</div>" * 50_000
    try:
        art = ingest.from_html(html, article_id="deep")
    except InputError:
        return
    assert "council vote" in art.text


def test_ten_megabyte_single_line_is_refused_cleanly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "line.txt"
    p.write_bytes(b"a" * 10_000_000)
    with pytest.raises(InputError, match="limit"):
        ingest.load(p)
    with pytest.raises(InputError, match="limit"):
        ingest.make_article("word " * 2_000_000, article_id="big")


def test_gzip_bomb_over_http_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small compressed body that inflates past the cap stops at the cap."""
    import httpx

    bomb = gzip.compress(b"<p>" + b"A" * (ingest.MAX_BYTES * 4) + b"</p>")
    assert len(bomb) < ingest.MAX_BYTES // 50

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bomb, headers={"content-encoding": "gzip", "content-type": "text/html"})

    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=httpx.MockTransport(handler), **kw))
    with pytest.raises(InputError, match="limit"):
        ingest.fetch_url("http://example.test/bomb")


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.sampled_from(list("abcdef XYZ.,;:!?\n\"“”«»'’()0123456789-")), min_size=0, max_size=300),
                min_size=2, max_size=3))
def test_compare_on_random_text_gives_result_or_clear_error(texts: list[str]) -> None:
    from counterpoint import compare

    try:
        arts = [ingest.make_article(t, article_id=f"r{k}") for k, t in enumerate(texts)]
        doc = compare(arts).to_dict()
    except InputError:
        return
    texts_by_id = {a["id"]: a["text"] for a in doc["articles"]}
    for al in doc["alignments"]:
        for side in (al["a"], al["b"]):
            assert texts_by_id[side["article"]][side["start"] : side["end"]] == side["text"]


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;">]>',
        '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>',
    ],
)
def test_hostile_feeds_are_refused_as_a_recorded_skip(doctype: str) -> None:
    from counterpoint.corpus.sources import feed_items

    feed = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><item><title>&c;</title></item></channel></rss>'
    items = list(feed_items(feed.encode(), "hostile.rss"))
    assert len(items) == 1 and items[0].error and "unsafe XML" in items[0].error
