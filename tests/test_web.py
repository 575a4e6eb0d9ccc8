"""The web app through FastAPI's TestClient: API, errors, limits, CSP, permalinks, serve."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from counterpoint.model import Alignment, Analysis, Article, SameStory, Span  # noqa: E402
from counterpoint.report.jsonout import to_dict  # noqa: E402
from counterpoint.web import jobs  # noqa: E402
from counterpoint.web.app import CSP, create_app  # noqa: E402

A = "The ferry strike ended on Thursday after a 6 percent raise.\nAbout 1,200 workers walked out on Monday."
B = "The port authority gave in on Thursday with a 6 percent raise.\nRoughly 900 workers joined the walkout."


def first_lines(art: Article) -> tuple[Span, Span]:
    lines = art.text.split("\n")
    first = Span(art.id, 0, len(lines[0]))
    second_start = len(lines[0]) + 1
    return first, Span(art.id, second_start, second_start + len(lines[1]) if len(lines) > 1 else len(art.text))


def stub_compare(articles: Sequence[Article], on_stage: Callable[[str], None]) -> dict[str, Any]:
    """A deterministic stand-in for the pipeline: first lines shared, second lines in conflict."""
    on_stage("align")
    a, b = articles[0], articles[1]
    (a1, a2), (b1, b2) = first_lines(a), first_lines(b)
    an = Analysis(
        articles=tuple(articles),
        alignments=(
            Alignment("shared", a1, b1, 0.8, "both report the raise"),
            Alignment("conflict", a2, b2, 0.7, "1,200 workers vs 900 workers", "number"),
        ),
        same_story=SameStory(0.9, True, "same strike"),
    )
    return to_dict(an)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app = create_app(tmp_path / "c.db", compare=stub_compare, timeout=20)
    with TestClient(app) as c:
        yield c


def body(*texts: str, **extra: Any) -> dict[str, Any]:
    return {"articles": [{"text": t, **extra} for t in texts]}


def test_compare_returns_contract_json_with_id_and_stores_it(client: TestClient) -> None:
    r = client.post("/api/compare", json={"articles": [{"text": A, "outlet": "Harbour Daily", "id": "hd"},
                                                       {"text": B, "published": "2025-03-14"}]})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["schema"] == "counterpoint.comparison/1"
    assert [a["id"] for a in doc["articles"]] == ["hd", "article-2"]
    assert doc["articles"][0]["outlet"] == "Harbour Daily" and doc["articles"][1]["published"] == "2025-03-14"
    assert {al["relation"] for al in doc["alignments"]} == {"shared", "conflict"}
    assert re.fullmatch(r"[0-9a-f]{12}", doc["id"]) and doc["permalink"] == f"/c/{doc['id']}"
    stored = client.get(f"/api/comparisons/{doc['id']}")
    assert stored.status_code == 200 and stored.json()["alignments"] == doc["alignments"]
    assert [c["id"] for c in client.get("/api/comparisons").json()] == [doc["id"]]


def test_permalink_renders_the_report_escaped(client: TestClient) -> None:
    evil = "<script>window.__pwned=1</script><img src=x onerror=alert(1)> " + A
    cid = client.post("/api/compare", json=body(evil, B)).json()["id"]
    page = client.get(f"/c/{cid}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "<img" not in page.text and "<script>" not in page.text  # only <script src=...> tags
    assert re.search(r'class="badge b-conflict"', page.text)
    assert "1,200 workers vs 900 workers" in page.text
    frag = client.get(f"/c/{cid}/fragment").text
    assert frag.lstrip().startswith('<div class="cp-report') and "&lt;script&gt;" in frag


def test_csp_and_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/docs", "/static/app.js", "/api/comparisons", "/api/comparisons/000000000000"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
    policy = dict(p.strip().split(" ", 1) for p in CSP.split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    index = client.get("/").text
    assert "<script>" not in index and "<style>" not in index and " style=" not in index


def test_downloaded_report_carries_its_own_hash_policy(client: TestClient) -> None:
    cid = client.post("/api/compare", json=body(A, B)).json()["id"]
    r = client.get(f"/c/{cid}/report.html")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "'sha256-" in r.headers["content-security-policy"] and "'self'" not in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("payload", "code", "fragment"),
    [
        ({"articles": [{"text": A}]}, 422, "at least 2"),
        ({"articles": [{"text": A}] * 9}, 422, "at most 8"),
        ({"nope": 1}, 422, "articles"),
        ({"articles": [{"text": A}, {"text": "   "}]}, 400, "article 2: empty"),
        ({"articles": [{"text": A}, {"text": B, "url": "https://example.org"}]}, 400, "not both"),
        ({"articles": [{"text": A}, {"text": B, "published": "soon"}]}, 400, "not a date"),
        ({"articles": [{"text": A}, {"url": "http://127.0.0.1:9/x"}]}, 400, "refusing to fetch a private"),
        ({"articles": [{"text": A}, {"url": "http://169.254.169.254/latest"}]}, 400, "link-local"),
        ({"articles": [{"text": A}, {"url": "file:///etc/passwd"}]}, 400, "no such file"),
    ],
)
def test_error_responses_are_json_with_a_message(client: TestClient, payload: dict[str, Any], code: int, fragment: str) -> None:
    r = client.post("/api/compare", json=payload)
    assert r.status_code == code, r.text
    assert fragment in r.json()["error"]


def test_malformed_json_and_unknown_ids(client: TestClient) -> None:
    r = client.post("/api/compare", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"].startswith("invalid request")
    for path in ("/api/comparisons/abcdefabcdef", "/api/comparisons/../../etc", "/c/nothere", "/api/jobs/zz"):
        r = client.get(path)
        assert r.status_code == 404 and "error" in r.json(), path
    assert client.get("/static/app.py").status_code == 404


def test_request_size_limit(tmp_path: Path) -> None:
    app = create_app(tmp_path / "c.db", compare=stub_compare, max_body=2000)
    with TestClient(app) as c:
        r = c.post("/api/compare", json=body(A * 20, B))
        assert r.status_code == 413 and "limit" in r.json()["error"]

        def chunks() -> Any:  # no Content-Length: the streamed body is counted
            for _ in range(10):
                yield b" " * 500

        r = c.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_time_limit_gives_504(tmp_path: Path) -> None:
    release = threading.Event()

    def slow(articles: Sequence[Article], on_stage: Callable[[str], None]) -> dict[str, Any]:
        release.wait(5)
        on_stage("late")  # the abandoned job stops here
        return stub_compare(articles, on_stage)

    app = create_app(tmp_path / "c.db", compare=slow, timeout=0.3)
    with TestClient(app) as c:
        r = c.post("/api/compare", json=body(A, B))
        release.set()
        assert r.status_code == 504 and "longer than" in r.json()["error"]
        assert c.get("/api/comparisons").json() == []


def test_jobs_report_stages_then_the_stored_id(client: TestClient) -> None:
    r = client.post("/api/jobs", json=body(A, B))
    assert r.status_code == 202 and r.json()["status"] in ("running", "done")
    job = r.json()["job"]
    for _ in range(100):
        state = client.get(f"/api/jobs/{job}").json()
        if state["status"] != "running":
            break
        time.sleep(0.05)
    assert state["status"] == "done"
    assert client.get(f"/api/comparisons/{state['id']}").status_code == 200


def test_failed_job_reports_the_input_error(client: TestClient) -> None:
    job = client.post("/api/jobs", json=body(A, "x")).json()["job"]
    for _ in range(100):
        state = client.get(f"/api/jobs/{job}").json()
        if state["status"] != "running":
            break
        time.sleep(0.05)
    assert state["status"] == "error" and state["code"] == 400 and "no words" in state["error"]


def test_uploaded_html_and_json_files_are_parsed(client: TestClient) -> None:
    html = f"<html><head><title>Ferry</title></head><body><article><p>{A}</p></article></body></html>"
    r = client.post("/api/compare", json={"articles": [
        {"text": html, "filename": "ferry.html"},
        {"text": '{"text": "' + B.replace("\n", "\\n") + '", "outlet": "Tribune"}', "filename": "tribune.json"},
    ]})
    assert r.status_code == 200, r.text
    arts = r.json()["articles"]
    assert [a["id"] for a in arts] == ["ferry", "tribune"]
    assert "<p>" not in arts[0]["text"] and "6 percent raise" in arts[0]["text"]
    assert arts[1]["outlet"] == "Tribune"


def test_docs_page_and_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/compare", "/api/comparisons/{cid}", "/api/jobs"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/compare" in docs.text and "ArticleIn" in docs.text
    assert "cdn" not in docs.text.lower()


def test_to_article_refuses_private_urls_after_redirects(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's URLs go through ingest with allow_private=False (checked again per redirect there)."""
    seen: list[tuple[str, bool]] = []

    def fake_load(url: str, *, article_id: str | None = None, allow_private: bool = True) -> Article:
        seen.append((url, allow_private))
        return Article(id=article_id or "x", text=A)

    monkeypatch.setattr("counterpoint.ingest.load", fake_load)
    jobs.to_article(jobs.ArticleInput(url=" https://example.org/a "), 1)
    assert seen == [("https://example.org/a", False)]


def test_serve_command_is_registered() -> None:
    from counterpoint.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--db" in result.output and "--port" in result.output


def test_multipart_file_upload(client: TestClient) -> None:
    files = [("files", ("harbour.txt", A.encode(), "text/plain")),
             ("files", ("tribune.txt", B.encode("utf-16"), "text/plain"))]
    r = client.post("/api/compare/files", files=files)
    assert r.status_code == 200, r.text
    assert [a["id"] for a in r.json()["articles"]] == ["harbour", "tribune"]
    assert r.json()["articles"][1]["text"] == B  # decoded from UTF-16 by its BOM
    one = client.post("/api/compare/files", files=files[:1])
    assert one.status_code == 422 and "2 to 8 files" in one.json()["error"]
    binary = client.post("/api/compare/files", files=[files[0], ("files", ("x.bin", b"\x00\x01" * 50, "application/octet-stream"))])
    assert binary.status_code == 400 and "binary" in binary.json()["error"]
