"""Ingest: every input kind, front matter, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from counterpoint import ingest
from counterpoint.errors import InputError

BODY = "The council voted on Tuesday to close the old bridge. Repairs will take two years."


def test_front_matter_sets_metadata_and_is_removed(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(f"---\noutlet: Daily Wire Service\npublished: 2025-03-14\ntitle: Bridge shut\n---\n{BODY}\n")
    art = ingest.load(p)
    assert (art.id, art.outlet, art.title) == ("a", "Daily Wire Service", "Bridge shut")
    assert art.published == dt.date(2025, 3, 14)
    assert art.text == BODY


def test_plain_text_without_front_matter_keeps_everything(tmp_path: Path) -> None:
    p = tmp_path / "plain.txt"
    p.write_text("---not front matter\n" + BODY)
    art = ingest.load(p)
    assert art.text.startswith("---not front matter") and art.outlet is None


def test_json_input(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"text": BODY, "outlet": "Wire", "published": "2024-05-31T10:00:00Z", "url": "https://e.org/x"}))
    art = ingest.load(p)
    assert art.outlet == "Wire" and art.published == dt.date(2024, 5, 31) and art.url == "https://e.org/x"


def test_html_input_extracts_main_text_and_metadata(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{BODY} Paragraph {i} adds more detail about the works.</p>" for i in range(4))
    html = (
        "<html><head><title>Bridge closes | Town Crier</title>"
        '<meta property="og:site_name" content="Town Crier">'
        '<meta property="article:published_time" content="2025-02-01"></head>'
        f"<body><nav>Home | Sport | Weather</nav><article><h1>Bridge closes</h1>{paragraphs}</article>"
        "<footer>Copyright</footer></body></html>"
    )
    p = tmp_path / "page.html"
    p.write_text(html)
    art = ingest.load(p)
    assert "old bridge" in art.text and "Copyright" not in art.text and "Weather" not in art.text
    assert art.outlet == "Town Crier" and art.published == dt.date(2025, 2, 1)


def test_non_utf8_encoding_is_detected(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    text = "Le maire a annoncé la fermeture du pont. Les travaux dureront deux années entières, a-t-il précisé."
    p.write_bytes(text.encode("cp1252"))
    assert ingest.load(p).text == text


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"---\noutlet: X\n---\n   \n", "empty"),
    ],
)
def test_bad_files_raise_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        ingest.load(p)


def test_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    p.write_bytes(b"word " * (ingest.MAX_BYTES // 5 + 10))
    with pytest.raises(InputError, match="limit"):
        ingest.load(p)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest.load(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        ingest.load(tmp_path)


def test_html_without_article(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><body><nav>Home</nav></body></html>")
    with pytest.raises(InputError, match="no article text"):
        ingest.load(p)


def test_bad_json_and_bad_date(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        ingest.load(p)
    p.write_text(json.dumps({"text": BODY, "published": "last week"}))
    with pytest.raises(InputError, match="not a date"):
        ingest.load(p)


def test_unreachable_url_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="could not fetch|does not resolve"):
        ingest.load("http://127.0.0.1:9/nothing-listens-here")


def test_private_addresses_refused_when_asked() -> None:
    for url in ("http://127.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::1]/"):
        with pytest.raises(InputError, match="refusing"):
            ingest.check_public(url)
    with pytest.raises(InputError, match="only http"):
        ingest.check_public("file:///etc/passwd")


def test_url_redirects_to_private_host_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs on every hop: a public URL redirecting to loopback is refused."""
    seen: list[str] = []

    def fake_check(url: str) -> None:
        seen.append(url)
        if "127.0.0.1" in url:
            raise InputError(f"{url}: refusing to fetch a private, loopback or link-local address")

    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://127.0.0.1/secret"})

    real_client = httpx.Client
    monkeypatch.setattr(ingest, "check_public", fake_check)
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=httpx.MockTransport(handler), **kw))
    with pytest.raises(InputError, match="refusing"):
        ingest.fetch_url("http://public.example/story", allow_private=False)
    assert seen == ["http://public.example/story", "http://127.0.0.1/secret"]


def test_language_guess() -> None:
    assert ingest.guess_language("Президент заявил во вторник") == "ru"
    assert ingest.guess_language("Президент заявив у вівторок, що їхня") == "uk"
    assert ingest.guess_language(BODY) == "en"


def test_normalise_keeps_offsets_consistent() -> None:
    art = ingest.make_article("  Line one.  \r\nLine two.\r\n", article_id="n")
    assert art.text == "Line one.\nLine two."
