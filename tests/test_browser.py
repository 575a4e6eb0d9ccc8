"""The web app in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

Set ``COUNTERPOINT_SCREENSHOT=docs/screenshot.png`` to save the report of the demo pair.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from counterpoint.model import Alignment, Analysis, Article, SameStory, Span
from counterpoint.report.jsonout import to_dict

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ("<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
           "<a id=jsurl href=\"javascript:window.__pwned=3\">click</a>"
           "<style>body{display:none !important}</style><div style=\"position:fixed;inset:0\" id=cover>x</div>")
A = ("The ferry strike ended on Thursday after a 6 percent raise, union leader Marta Oksanen said.\n"
     "About 1,200 workers walked out on Monday.\n" + PAYLOAD + " Tickets <b>rose</b>.")
B = ("Valmera's port authority gave in on Thursday, granting crews a 6 percent raise.\n"
     "Roughly 900 workers joined the walkout, according to the port authority.")


def _needs_browser() -> Any:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")


def stub_compare(articles: Sequence[Article], on_stage: Callable[[str], None]) -> dict[str, Any]:
    """Deterministic findings: first lines are the same fact, second lines conflict."""
    on_stage("align")
    time.sleep(0.3)  # long enough for the page to show its progress state
    spans = []
    for art in articles[:2]:
        first, second = art.text.split("\n")[:2]
        spans.append((Span(art.id, 0, len(first)), Span(art.id, len(first) + 1, len(first) + 1 + len(second))))
    (a1, a2), (b1, b2) = spans
    an = Analysis(articles=tuple(articles), same_story=SameStory(0.9, True, "same strike"), alignments=(
        Alignment("shared", a1, b1, 0.8, "both report the 6 percent raise"),
        Alignment("conflict", a2, b2, 0.7, "1,200 workers vs 900 workers", "number"),
    ))
    return to_dict(an)


def _serve(tmp: Path, compare: Any) -> Iterator[str]:
    import uvicorn

    from counterpoint.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(tmp / "browser.db", compare=compare, timeout=120)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = _needs_browser()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def stub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _needs_browser()
    yield from _serve(tmp_path_factory.mktemp("web"), stub_compare)


def _until(check: Callable[[], bool], seconds: float = 10) -> None:
    """Poll from Python: the page's CSP rightly forbids the string eval wait_for_function uses."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _compare(page: Any, base: str, texts: Sequence[str]) -> None:
    page.goto(base + "/")
    for k, text in enumerate(texts):
        if k >= 2:
            page.click("#add-card")
        page.locator(".card textarea").nth(k).fill(text)
    page.click("#submit")
    page.wait_for_selector("#status:not([hidden])", timeout=5000)
    page.wait_for_selector("#result [data-cp-report][data-cp-ready]", timeout=110_000)


def test_paste_submit_highlights_reasons_and_inert_payload(browser: Any, stub_server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _compare(page, stub_server, [A, B])

    # Aligned spans are highlighted on both sides, in the same colour.
    shared = page.locator("#result .seg.r-shared")
    assert shared.count() >= 2
    cols = page.locator("#result .cp-art")
    left = cols.nth(0).locator(".seg.r-shared").first
    right = cols.nth(1).locator(".seg.r-shared").first
    bg = "el => getComputedStyle(el).backgroundColor"
    assert left.evaluate(bg) == right.evaluate(bg) != "rgba(0, 0, 0, 0)"
    assert cols.nth(0).locator(".badge.b-shared").inner_text() == cols.nth(1).locator(".badge.b-shared").inner_text()

    # The conflict's reason appears on hover...
    tip = page.locator("#result .cp-tip")
    cols.nth(0).locator(".seg.r-conflict").first.hover()
    assert tip.is_visible() and "1,200 workers vs 900 workers" in tip.inner_text()
    assert page.locator("#result .seg.r-conflict.hl").count() >= 2  # both sides light up
    page.mouse.move(0, 0)
    page.keyboard.press("Escape")

    # ...and on keyboard focus; Enter jumps to the counterpart in the other article.
    badge = cols.nth(0).locator(".badge.b-conflict")
    badge.focus()
    assert tip.is_visible() and "1,200 workers vs 900 workers" in tip.inner_text()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.getAttribute('data-unit')")
    assert focused == cols.nth(1).locator(".badge.b-conflict").get_attribute("data-unit")

    page.keyboard.press("ArrowUp")  # the label above it in the same article
    assert page.evaluate("document.activeElement.textContent") == cols.nth(1).locator(".badge.b-shared").inner_text()

    # A filter hides a relation's labels.
    page.locator("input[data-cp-filter=conflict]").uncheck()
    assert not badge.is_visible()

    # The article's <script> and <img onerror> stayed text.
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#result img").count() == 0
    assert "<script>window.__pwned = 1</script>" in cols.nth(0).locator(".cp-text").inner_text()
    # No javascript: link, injected style or overlay element exists; the page stays visible.
    assert page.locator("#jsurl, #cover, #result style").count() == 0
    assert page.evaluate("getComputedStyle(document.body).display") != "none"

    # The permalink reloads the stored comparison, still inert.
    assert "/c/" in page.url
    page.reload()
    page.wait_for_selector("#result [data-cp-report][data-cp-ready]")
    assert page.evaluate("window.__pwned") is None and page.locator("#result img").count() == 0
    assert page.locator("#result .badge.b-conflict").count() == 2
    assert not errors, errors
    page.close()


def test_error_is_shown_for_an_empty_article(browser: Any, stub_server: str) -> None:
    page = browser.new_page()
    page.goto(stub_server + "/")
    page.locator(".card textarea").nth(0).fill(A)
    page.click("#submit")
    alert = page.locator("#error")
    assert alert.is_visible() and "Article 2 is empty" in alert.inner_text()
    page.locator(".card textarea").nth(1).fill("x")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])")
    _until(lambda: "no words" in page.locator("#error").inner_text())
    page.close()


@pytest.mark.slow
def test_real_pipeline_report_in_the_page(browser: Any, tmp_path: Path) -> None:
    """The demo pair through the real pipeline; what the page shows matches the stored JSON."""
    import json
    import urllib.request

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "demo" / "pair").glob("*.txt"))]
    from counterpoint.web.jobs import pipeline_compare

    for base in _serve(tmp_path, pipeline_compare):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _compare(page, base, texts)
        cid = page.url.rsplit("/", 1)[-1]
        with urllib.request.urlopen(f"{base}/api/comparisons/{cid}") as resp:  # noqa: S310 - loopback
            doc = json.load(resp)
        rels = {al["relation"] for al in doc["alignments"]}
        for rel in ("shared", "related", "conflict"):
            assert (page.locator(f"#result .seg.r-{rel}").count() > 0) == (rel in rels)
        assert page.locator("#result .cp-art").count() == 2
        assert page.locator("#result .cp-chart rect.bar-shared").count() == 2
        shot = os.environ.get("COUNTERPOINT_SCREENSHOT")
        if shot:
            page.locator("#result .cp-art .badge").first.hover()
            page.screenshot(path=str(ROOT / shot), full_page=False)
        page.close()


def test_uploaded_files_fill_the_cards(browser: Any, stub_server: str, tmp_path: Path) -> None:
    txt = tmp_path / "harbour.txt"
    txt.write_text("---\noutlet: Harbour Daily\n---\n" + A.split(PAYLOAD)[0].strip(), encoding="utf-8")
    html = tmp_path / "tribune.html"
    html.write_text("<html><head><title>Ferry</title></head><body><article><p>"
                    + B.replace("\n", "</p><p>") + "</p></article></body></html>", encoding="utf-8")
    page = browser.new_page()
    page.goto(stub_server + "/")
    page.set_input_files("#multi-files", [str(txt), str(html)])
    _until(lambda: "Valmera" in page.locator(".card textarea").nth(1).input_value())
    assert page.locator(".card input[name=filename]").nth(1).input_value() == "tribune.html"
    page.click("#submit")
    page.wait_for_selector("#result [data-cp-report][data-cp-ready]")
    heads = page.locator("#result .cp-art h2").all_inner_texts()
    assert heads == ["Harbour Daily", "tribune"]
    page.close()
